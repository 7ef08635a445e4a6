"""Schema lint rules about relations: SCH004 (no onDelete) and SCH005 (required to soft-deleted)."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.schema import Field, Model, Schema
from archtools.knowledge.vocabulary import is_soft_delete_field
from archtools.rules.base import Hit
from archtools.rules.schema_lint_common import is_drizzle, make_hit, owned_relations, tables


def _default_action(schema: Schema, field: Field) -> str:
    if is_drizzle(schema):
        return "NO ACTION"
    return "SetNull" if field.optional else "Restrict"


def _default_effect(action: str, child: str, parent: str) -> str:
    if action == "SetNull":
        return f"a {parent} delete silently detaches its {child} rows"
    return f"a {parent} delete fails with a foreign key error while {child} rows point at it"


def relation_without_on_delete(schema: Schema) -> Iterator[Hit]:
    """SCH004: the owning side of a relation states no onDelete, so a default applies silently."""
    for model in tables(schema):
        for field in owned_relations(model):
            assert field.relation is not None
            if field.relation.on_delete:
                continue
            action = _default_action(schema, field)
            kind = "optional" if field.optional else "required"
            yield make_hit(
                "SCH004",
                "relation-without-on-delete",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} ({kind} relation to {field.type}) has no onDelete, so "
                f"{action} applies: {_default_effect(action, model.name, field.type)}; state the "
                "intended action (Cascade, SetNull or Restrict) explicitly",
                field,
            )


def soft_delete_field(model: Model) -> Field | None:
    """The field marking a soft-deleted row (deletedAt, deleted_at, isDeleted, ...), if any."""
    return next((f for f in model.fields if is_soft_delete_field(f.name)), None)


def required_relation_to_soft_deleted(schema: Schema) -> Iterator[Hit]:
    """SCH005: a required relation whose target rows are soft-deleted rather than deleted."""
    for model in tables(schema):
        for field in owned_relations(model):
            target = schema.model(field.type)
            if field.optional or target is None:
                continue
            marker = soft_delete_field(target)
            if marker is None:
                continue
            yield make_hit(
                "SCH005",
                "required-relation-to-soft-deleted",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} is a required relation to {target.name}, which is "
                f"soft-deleted ({target.name}.{marker.name}): no onDelete action ever fires, so "
                f"{model.name} rows stay live after their {target.name} is deleted unless every "
                f"query filters on {marker.name}; soft-delete them together, or make the relation "
                "optional",
                field,
            )
