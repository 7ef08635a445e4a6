"""Fixtures for the source-layer tests: repositories built file by file under tmp_path."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

TreeWriter = Callable[[Mapping[str, str | bytes | dict[str, object]]], Path]


def write_tree(root: Path, files: Mapping[str, str | bytes | dict[str, object]]) -> Path:
    """Write `files` (repo-relative path -> text, bytes, or a dict written as JSON) under `root`."""
    for rel, content in files.items():
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        elif isinstance(content, dict):
            target.write_text(json.dumps(content, indent=2), encoding="utf-8")
        else:
            target.write_text(content, encoding="utf-8")
    return root


@pytest.fixture
def make_repo(tmp_path: Path) -> TreeWriter:
    """Build a repository under tmp_path/repo from a mapping of files; returns its root."""
    root = tmp_path / "repo"
    root.mkdir()

    def build(files: Mapping[str, str | bytes | dict[str, object]]) -> Path:
        return write_tree(root, files)

    return build
