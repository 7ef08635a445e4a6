"""The schema rule catalog: complete entries, and examples that behave as documented."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from archtools.facts import prisma
from archtools.rules.base import RuleMeta
from archtools.rules.schema_lint import SCHEMA_RULES, run_schema_rules

FIXTURES = Path(__file__).parents[1] / "fixtures" / "schemas"


def _load(name: str) -> Any:
    text = resources.files("archtools.knowledge").joinpath(name).read_text(encoding="utf-8")
    return yaml.safe_load(text)


CATALOG = [RuleMeta.model_validate(entry) for entry in _load("rules/schema.yaml")]
BY_ID = {meta.id: meta for meta in CATALOG}


def test_catalog_matches_the_registry() -> None:
    assert [meta.id for meta in CATALOG] == list(SCHEMA_RULES)
    assert [meta.name for meta in CATALOG] == [
        "fk-without-index",
        "money-as-float",
        "model-without-primary-key",
        "relation-without-on-delete",
        "required-relation-to-soft-deleted",
        "sensitive-field-unprotected",
        "missing-timestamps",
        "unbounded-indexed-string",
        "duplicate-index",
        "enum-like-string",
        "missing-foreign-key",
        "model-name-not-pascal-case",
    ]


def test_catalog_entries_are_complete() -> None:
    checklist = {item["id"] for item in _load("checklist.yaml")}
    for meta in CATALOG:
        assert meta.family == "schema"
        assert meta.checklist is None or meta.checklist in checklist, meta.id
        assert meta.confidence in ("high", "medium", "low")
        assert len(meta.doc.why) > 200 and meta.doc.references, meta.id
        for example in (meta.doc.bad, meta.doc.good):
            assert example.lang == "prisma" and example.path == "prisma/schema.prisma"
            assert example.code.startswith("datasource db {\n  provider = "), meta.id
    assert BY_ID["SCH006"].checklist == "no-sensitive-exposure"
    assert BY_ID["SCH006"].cwe == ["CWE-256", "CWE-312"]
    assert {m.severity.value for m in CATALOG} <= {"medium", "low", "info"}


@pytest.mark.parametrize("rule_id", list(SCHEMA_RULES))
def test_examples_trigger_and_stay_clean(rule_id: str) -> None:
    doc = BY_ID[rule_id].doc
    bad = prisma.parse_prisma({doc.bad.path: doc.bad.code})
    good = prisma.parse_prisma({doc.good.path: doc.good.code})
    assert list(SCHEMA_RULES[rule_id](bad)), f"{rule_id}: the bad example does not trigger"
    # The good example is clean of every schema rule, not only its own.
    assert [(h.rule, h.key) for h in run_schema_rules(good)] == []


def test_parsed_blog_schema_hits() -> None:
    text = (FIXTURES / "blog.prisma").read_text(encoding="utf-8")
    found = run_schema_rules(prisma.parse_prisma({"prisma/schema.prisma": text}))
    assert [(h.rule, h.line, h.model, h.key) for h in found] == [
        ("SCH007", 12, "User", "missing-timestamps:User"),
        ("SCH008", 14, "User", "unbounded-indexed-string:User.email"),
        ("SCH007", 22, "Post", "missing-timestamps:Post"),
        ("SCH007", 32, "Tag", "missing-timestamps:Tag"),
        ("SCH008", 34, "Tag", "unbounded-indexed-string:Tag.name"),
        ("SCH007", 38, "Profile", "missing-timestamps:Profile"),
        ("SCH004", 42, "Profile", "relation-without-on-delete:Profile.user"),
    ]
