"""Runs notebooks under nbval in a subprocess: this interpreter's python3 kernel, solutions applied."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"

NbvalRun = Callable[[Sequence[str]], subprocess.CompletedProcess[str]]


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
