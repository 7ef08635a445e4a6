"""The one registry of rules: every rule id with where the engine decides it. The engine runs the
code, schema and migration rules from their lists (CODE_RULES, SCHEMA_RULES, MIGRATION_RULES); the
entry-point rules come out of the per-entry-point analysis. `archtools rules` prints this registry
with each rule's catalog entry, and a rule in one but not the other is an error."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cache

from archtools.rules.base import RuleMeta
from archtools.rules.catalog import rule_catalog
from archtools.rules.code import CODE_RULES
from archtools.rules.migrations import MIGRATION_RULES
from archtools.rules.schema_lint import SCHEMA_RULES


class RuleSource(StrEnum):
    ENTRY = "entry"  # decided per entry point (archtools/analysis/checks.py, problems.py)
    FILE = "file"  # from each file's facts and the project's files (archtools/rules/code/)
    SCHEMA = "schema"  # from the schema model (archtools/rules/schema_lint.py)
    MIGRATION = "migration"  # from parsed migrations (archtools/rules/migrations.py)


# Decided by the entry-point analysis: its checks and problems name these ids.
ENTRY_RULES = (
    "ATH001",
    "ATH002",
    "AZ001",
    "AZ002",
    "AZ003",
    "AZ004",
    "VAL001",
    "VAL002",
    "VAL003",
    "EXP001",
    "EXP003",
    "INJ001",
    "RL001",
    "AUD001",
    "TYP001",
    "NXT001",
    "NXT002",
    "DATA001",
    "DATA002",
    "DATA003",
    "DATA004",
    "PRF001",
    "PRF002",
    "PRF003",
)


@dataclass(frozen=True)
class RegisteredRule:
    meta: RuleMeta
    source: RuleSource


def rule_sources() -> dict[str, RuleSource]:
    """Every rule id with its source, sorted by id."""
    sources = dict.fromkeys(ENTRY_RULES, RuleSource.ENTRY)
    sources.update(dict.fromkeys((rule.id for rule in CODE_RULES), RuleSource.FILE))
    sources.update(dict.fromkeys(SCHEMA_RULES, RuleSource.SCHEMA))
    sources.update(dict.fromkeys((rule_id for rule_id, _ in MIGRATION_RULES), RuleSource.MIGRATION))
    return dict(sorted(sources.items()))


@cache
def registered_rules() -> dict[str, RegisteredRule]:
    """Every rule the engine runs with its catalog entry. Raises ValueError when a rule has no
    catalog entry or a catalog entry no rule."""
    catalog = rule_catalog()
    sources = rule_sources()
    undocumented = sorted(set(sources) - set(catalog))
    unrun = sorted(set(catalog) - set(sources))
    if undocumented or unrun:
        raise ValueError(
            f"rules without a catalog entry: {undocumented or 'none'}; "
            f"catalog entries no rule runs: {unrun or 'none'}"
        )
    return {
        rule_id: RegisteredRule(catalog[rule_id], source) for rule_id, source in sources.items()
    }
