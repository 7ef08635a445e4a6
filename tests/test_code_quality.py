"""The house rules as tests: ruff (lint and format) and mypy --strict over the package."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.xdist_group("quality")
def test_ruff_lint_is_clean() -> None:
    done = run(str(BIN / "ruff"), "check", "archtools", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.xdist_group("quality")
def test_ruff_format_is_clean() -> None:
    done = run(str(BIN / "ruff"), "format", "--check", "archtools", "tests", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.xdist_group("quality")
def test_mypy_strict_is_clean() -> None:
    done = run(str(BIN / "mypy"))
    assert done.returncode == 0, done.stdout + done.stderr
