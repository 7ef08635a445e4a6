"""The schema lint registry: every SCH rule by id, and the runner over a Schema."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from types import MappingProxyType

from archtools.facts.schema import Schema
from archtools.rules.base import Hit
from archtools.rules.schema_lint_fields import (
    enum_like_string,
    missing_timestamps,
    model_name_not_pascal_case,
    money_as_float,
    sensitive_field_unprotected,
)
from archtools.rules.schema_lint_keys import (
    duplicate_index,
    fk_without_index,
    missing_foreign_key,
    model_without_primary_key,
    unbounded_indexed_string,
)
from archtools.rules.schema_lint_relations import (
    relation_without_on_delete,
    required_relation_to_soft_deleted,
)

SchemaRule = Callable[[Schema], Iterable[Hit]]

# The only list of schema rules; their docs live in archtools/knowledge/rules/schema.yaml.
SCHEMA_RULES: MappingProxyType[str, SchemaRule] = MappingProxyType(
    {
        "SCH001": fk_without_index,
        "SCH002": money_as_float,
        "SCH003": model_without_primary_key,
        "SCH004": relation_without_on_delete,
        "SCH005": required_relation_to_soft_deleted,
        "SCH006": sensitive_field_unprotected,
        "SCH007": missing_timestamps,
        "SCH008": unbounded_indexed_string,
        "SCH009": duplicate_index,
        "SCH010": enum_like_string,
        "SCH011": missing_foreign_key,
        "SCH012": model_name_not_pascal_case,
    }
)


def run_schema_rules(schema: Schema, rules: Iterable[str] | None = None) -> list[Hit]:
    """Hits of every schema rule (or of the ids in `rules`), sorted by file, line, rule, key."""
    selected = sorted(SCHEMA_RULES) if rules is None else sorted(set(rules))
    hits = [hit for rule_id in selected for hit in SCHEMA_RULES[rule_id](schema)]
    return sorted(hits, key=lambda h: (h.file, h.line, h.rule, h.key))
