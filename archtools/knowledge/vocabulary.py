"""Field-name vocabularies (archtools/knowledge/fields.yaml), loaded once."""

from __future__ import annotations

from functools import cache
from importlib import resources

from archtools.yaml_data import safe_load


def loose(name: str) -> str:
    """A name compared loosely: lower case, no underscores (`created_at` == `createdAt`)."""
    return name.replace("_", "").lower()


@cache
def _vocabulary(kind: str) -> frozenset[str]:
    text = resources.files("archtools.knowledge").joinpath("fields.yaml").read_text("utf-8")
    return frozenset(loose(name) for name in (safe_load(text) or {})[kind])


def is_soft_delete_field(name: str) -> bool:
    return loose(name) in _vocabulary("soft_delete")


def is_version_field(name: str) -> bool:
    return loose(name) in _vocabulary("version")
