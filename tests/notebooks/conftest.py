"""Runs notebooks under nbval in a subprocess: this interpreter's python3 kernel, solutions applied."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

NbvalRun = Callable[[Sequence[str]], subprocess.CompletedProcess[str]]


def code_cell_count(names: Sequence[str]) -> int:
    """How many items nbval collects from these notebooks: one per code cell."""
    total = 0
    for name in names:
        data = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
        total += sum(1 for cell in data["cells"] if cell["cell_type"] == "code")
    return total


@pytest.fixture
def run_nbval(tmp_path: Path) -> NbvalRun:
    """`pytest --nbval` on some notebooks (paths relative to notebooks/), in one process so the
    interpreter and plugins start once; a private facts cache, and ARCHTOOLS_REPO unset."""

    def run(names: Sequence[str]) -> subprocess.CompletedProcess[str]:
        env = {
            **os.environ,
            "ARCHTOOLS_WORKSHOP_SOLUTIONS": "1",
            "ARCHTOOLS_CACHE_DIR": str(tmp_path / "cache"),
            "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",
        }
        for name in ("ARCHTOOLS_REPO", "PYTEST_XDIST_WORKER", "PYTEST_ADDOPTS"):
            env.pop(name, None)
        command = [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "nbval",
            "--nbval",
            "--nbval-kernel-name=python3",
            "--nbval-cell-timeout=120",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--rootdir={ROOT}",
            *(str(NOTEBOOKS / name) for name in names),
        ]
        return subprocess.run(
            command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False
        )

    return run


def assert_all_cells_passed(run: subprocess.CompletedProcess[str], names: Sequence[str]) -> None:
    """nbval exited 0 and reports every code cell of these notebooks as passed."""
    lines = run.stdout.strip().splitlines()
    summary = lines[-1] if lines else ""
    assert run.returncode == 0, f"nbval failed:\n{run.stdout[-8000:]}\n{run.stderr[-2000:]}"
    assert summary.startswith(f"{code_cell_count(names)} passed"), summary
