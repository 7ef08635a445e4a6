"""The one list of rules and where each is computed. A rule id appears here exactly once."""

from __future__ import annotations

from enum import StrEnum


class RuleSource(StrEnum):
    ENTRY = "entry"  # from the per-entry-point analysis (archtools/analysis/checks.py, problems.py)
    FILE = "file"  # from file-level facts (archtools/rules/code_files.py)
    SCHEMA = "schema"  # from the schema model (archtools/rules/schema_lint.py)
    MIGRATION = "migration"  # from parsed migrations (archtools/rules/migrations.py)


RULES: dict[str, RuleSource] = {
    "ATH001": RuleSource.ENTRY,
    "ATH002": RuleSource.ENTRY,
    "ATH003": RuleSource.FILE,
    "AZ001": RuleSource.ENTRY,
    "AZ002": RuleSource.ENTRY,
    "AZ003": RuleSource.ENTRY,
    "AZ004": RuleSource.ENTRY,
    "VAL001": RuleSource.ENTRY,
    "VAL002": RuleSource.ENTRY,
    "VAL003": RuleSource.ENTRY,
    "EXP001": RuleSource.ENTRY,
    "EXP002": RuleSource.FILE,
    "INJ001": RuleSource.FILE,
    "SEC001": RuleSource.FILE,
    "SEC002": RuleSource.FILE,
    "SEC003": RuleSource.FILE,
    "RL001": RuleSource.ENTRY,
    "AUD001": RuleSource.ENTRY,
    "TYP001": RuleSource.ENTRY,
    "TYP002": RuleSource.FILE,
    "TYP003": RuleSource.FILE,
    "NXT001": RuleSource.ENTRY,
    "NXT002": RuleSource.ENTRY,
    "DATA001": RuleSource.ENTRY,
    "DATA002": RuleSource.ENTRY,
}


def rule_sources() -> dict[str, RuleSource]:
    """Every rule id with its source, schema and migration rules included."""
    from archtools.rules.migrations import MIGRATION_RULES
    from archtools.rules.schema_lint import SCHEMA_RULES

    sources = dict(RULES)
    for rule_id in SCHEMA_RULES:
        sources[rule_id] = RuleSource.SCHEMA
    for rule_id, _check in MIGRATION_RULES:
        sources[rule_id] = RuleSource.MIGRATION
    return dict(sorted(sources.items()))
