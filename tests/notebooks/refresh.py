"""Re-run every notebook in place so its stored outputs (which nbval compares) match the code.

Run it after a change that alters what the notebooks print, then review the diff like code:
    .venv/bin/python tests/notebooks/refresh.py [NOTEBOOK ...]
The workshop solutions are applied (ARCHTOOLS_WORKSHOP_SOLUTIONS=1), as in the test suite."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SOLUTIONS_ENV = "ARCHTOOLS_WORKSHOP_SOLUTIONS"


def notebook_paths() -> list[Path]:
    """Every notebook of notebooks/, sorted, checkpoints left out."""
    return sorted(p for p in NOTEBOOKS.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)


def refresh(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        timeout=300,
        resources={"metadata": {"path": str(path.parent)}},
        record_timing=False,
        store_widget_state=False,
    )
    client.execute()
    path.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")  # type: ignore[no-untyped-call]


def main(argv: list[str]) -> int:
    os.environ[SOLUTIONS_ENV] = "1"
    os.environ.pop("ARCHTOOLS_REPO", None)
    paths = [Path(arg).resolve() for arg in argv] or notebook_paths()
    for path in paths:
        print(f"running {path.relative_to(ROOT)}", file=sys.stderr)
        refresh(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
