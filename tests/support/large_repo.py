"""A generated monorepo at the scale of a real app (about a thousand entry points and as many
findings), for the views' tests: reports, terminal, notebooks and the browser see what a user of a
real repository sees, not a sample of twenty routes."""

from __future__ import annotations

from pathlib import Path

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit
from benchmarks.generate_repo import generate

# 1,400 code files give about 1,000 entry points and 1,100 findings (seed 0).
LARGE_REPO_FILES = 1400


def large_repo(root: Path) -> Path:
    """Writes the generated repository under `root` (a new or empty folder) and returns it."""
    generate(root, LARGE_REPO_FILES)
    return root


def large_audit(root: Path) -> Audit:
    """The audit of the generated repository, written under `root` first when it is not there."""
    if not (root / "package.json").exists():
        large_repo(root)
    return audit(root, AuditOptions())
