"""The rule catalog: every rule's metadata and documentation, loaded from archtools/knowledge/rules/*.yaml."""

from __future__ import annotations

from functools import cache
from importlib import resources

from archtools.rules.base import RuleMeta
from archtools.yaml_data import safe_load


@cache
def rule_catalog() -> dict[str, RuleMeta]:
    """Rule id -> metadata, for every rule of every family, sorted by id."""
    folder = resources.files("archtools.knowledge").joinpath("rules")
    rules: dict[str, RuleMeta] = {}
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".yaml"):
            continue
        for raw in safe_load(entry.read_text("utf-8")) or []:
            meta = RuleMeta.model_validate(raw)
            if meta.id in rules:
                raise ValueError(f"rule id {meta.id} is defined twice ({entry.name})")
            rules[meta.id] = meta
    return dict(sorted(rules.items()))


def find_rule(key: str) -> RuleMeta | None:
    """A rule by id, name or alias (case-insensitive)."""
    wanted = key.strip().lower()
    for meta in rule_catalog().values():
        if wanted in (meta.id.lower(), meta.name.lower()) or wanted in (
            a.lower() for a in meta.aliases
        ):
            return meta
    return None
