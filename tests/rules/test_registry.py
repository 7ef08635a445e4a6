"""The rule registry is what the engine runs and what `archtools rules` prints."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

import archtools.rules.file_pass as file_pass
import archtools.rules.registry as registry
from archtools.facts.code import FileFacts
from archtools.facts.schema import Schema
from archtools.rules.base import Hit
from archtools.rules.code import CodeContext, CodeRule


def _every_file(path: str, _facts: FileFacts, _ctx: CodeContext) -> Iterator[Hit]:
    yield Hit(rule="ZZZ001", file=path, line=1, message="seen", key=path)


def _once(ctx: CodeContext) -> Iterator[Hit]:
    yield Hit(rule="ZZZ001", file="(project)", line=1, message=f"{len(ctx.files)} files")


def _rules(reports: bool) -> file_pass.FileRules:
    return file_pass.FileRules(
        env_files=[],
        resolver=lambda _file, _source: None,
        schema=Schema(),
        reports=lambda rule: reports or rule != "ZZZ001",
    )


def test_a_code_rule_is_one_entry_in_its_list(monkeypatch: pytest.MonkeyPatch) -> None:
    rule = CodeRule("ZZZ001", per_file=(_every_file,), per_project=(_once,))
    monkeypatch.setattr(file_pass, "CODE_RULES", (rule,))
    files = {
        "a.ts": FileFacts(path="a.ts", language="typescript"),
        "b.ts": FileFacts(path="b.ts", language="typescript"),
    }
    runner = _rules(reports=True)
    for path, facts in files.items():
        runner.visit(path, facts)
    assert [(h.file, h.message) for h in runner.finish(files).hits] == [
        ("a.ts", "seen"),
        ("b.ts", "seen"),
        ("(project)", "2 files"),
    ]
    ignored = _rules(reports=False)
    for path, facts in files.items():
        ignored.visit(path, facts)
    assert ignored.finish(files).hits == []


def test_every_rule_run_has_a_catalog_entry_and_back() -> None:
    rules = registry.registered_rules()
    assert rules["AZ001"].source == registry.RuleSource.ENTRY
    assert rules["SEC002"].source == registry.RuleSource.FILE
    assert rules["SCH001"].source == registry.RuleSource.SCHEMA
    assert rules["MIG001"].source == registry.RuleSource.MIGRATION


def test_a_rule_without_a_doc_is_an_error(monkeypatch: pytest.MonkeyPatch) -> None:
    registry.registered_rules.cache_clear()
    monkeypatch.setattr(registry, "ENTRY_RULES", (*registry.ENTRY_RULES, "ZZZ001"))
    try:
        with pytest.raises(ValueError, match="without a catalog entry: \\['ZZZ001'\\]"):
            registry.registered_rules()
    finally:
        registry.registered_rules.cache_clear()


def test_every_rule_says_what_it_cannot_see() -> None:
    thin = [
        rule_id
        for rule_id, rule in registry.registered_rules().items()
        if len(rule.meta.doc.limitations.split()) < 15
    ]
    assert thin == [], f"rules whose doc has no known-limitations paragraph: {thin}"
