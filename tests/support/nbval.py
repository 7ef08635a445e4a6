"""Reading what nbval reports about the project's notebooks: every code cell must pass."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Sequence
from pathlib import Path

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"


def code_cell_count(names: Sequence[str]) -> int:
    """How many items nbval collects from these notebooks: one per code cell."""
    total = 0
    for name in names:
        data = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        total += sum(1 for cell in data["cells"] if cell["cell_type"] == "code")
    return total


def assert_all_cells_passed(run: subprocess.CompletedProcess[str], names: Sequence[str]) -> None:
    """nbval exited 0 and reports every code cell of these notebooks as passed."""
    lines = run.stdout.strip().splitlines()
    summary = lines[-1] if lines else ""
    assert run.returncode == 0, f"nbval failed:\n{run.stdout[-8000:]}\n{run.stderr[-2000:]}"
    assert summary.startswith(f"{code_cell_count(names)} passed"), summary
