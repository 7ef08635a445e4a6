"""Shared vocabulary of the schema lint rules: name words, keys (id/unique/index) and hits."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from archtools.facts.schema import Field, FieldKind, Model, Orm, Schema
from archtools.knowledge.vocabulary import loose
from archtools.rules.base import Hit

_STRING_TYPES = frozenset({"string", "text", "varchar", "char", "citext", "charactervarying"})
POSTGRES_PROVIDERS = frozenset({"postgresql", "postgres"})


def squash(name: str) -> str:
    """A name compared loosely: lower case, no underscores (`created_at` == `createdAt`)."""
    return loose(name)


def is_string(field: Field) -> bool:
    return field.kind is FieldKind.SCALAR and squash(field.type).replace(" ", "") in _STRING_TYPES


def tables(schema: Schema) -> list[Model]:
    """Models that are tables (not views, not composite types), sorted by name."""
    return sorted((m for m in schema.models if m.kind == "model"), key=lambda m: m.name)


def column(entry: str) -> str:
    """The field name of an index entry, without arguments such as `title(sort: Desc)`."""
    return entry.split("(", 1)[0].strip()


def owned_relations(model: Model) -> list[Field]:
    """Relation fields that hold the foreign key (`@relation(fields: [...])`)."""
    return [f for f in model.fields if f.relation is not None and f.relation.fields]


def foreign_key_columns(model: Model) -> set[str]:
    return {c for f in model.fields if f.relation is not None for c in f.relation.fields}


@dataclass(frozen=True)
class Key:
    """An index the database builds: the primary key, a unique constraint or a plain index."""

    kind: str  # "id" | "unique" | "index"
    columns: tuple[str, ...]
    label: str  # as written in Prisma: "@id", "@@unique([a, b])", "@unique on email", ...
    field: Field | None = None  # the field carrying a field-level attribute
    line: int | None = None  # where a block-level index is declared, when known


def _list(columns: Iterable[str]) -> str:
    return "[" + ", ".join(columns) + "]"


def keys_of(model: Model) -> list[Key]:
    """The model's keys in declaration order: id, uniques, indexes (field-level ones first)."""
    found: list[Key] = []
    if model.primary_key:
        cols = tuple(column(c) for c in model.primary_key)
        label = f"@id on {cols[0]}" if len(cols) == 1 else f"@@id({_list(cols)})"
        found.append(Key("id", cols, label, model.field(cols[0]) if len(cols) == 1 else None))
    else:
        ids = [f for f in model.fields if f.id]
        if ids:
            found.append(Key("id", (ids[0].name,), f"@id on {ids[0].name}", ids[0]))
    uniques: set[tuple[str, ...]] = set()
    for field in model.fields:
        if field.unique:
            uniques.add((field.name,))
            found.append(Key("unique", (field.name,), f"@unique on {field.name}", field))
    for entry in model.unique:
        cols = tuple(column(c) for c in entry)
        if cols and cols not in uniques:  # a parser may list field-level @unique here too
            uniques.add(cols)
            found.append(Key("unique", cols, f"@@unique({_list(cols)})"))
    for position, entry in enumerate(model.indexes):
        cols = tuple(column(c) for c in entry)
        line = model.index_lines[position] if position < len(model.index_lines) else None
        if cols:
            found.append(Key("index", cols, f"@@index({_list(cols)})", line=line))
    return found


def location(model: Model, field: Field | None = None, line: int | None = None) -> tuple[str, int]:
    if line is not None:
        return model.file, line
    if field is not None and field.line is not None:
        return model.file, field.line
    return model.file, model.line


def make_hit(
    rule: str,
    name: str,
    model: Model,
    subject: str,
    message: str,
    field: Field | None = None,
    line: int | None = None,
) -> Hit:
    """A hit at `line`, the field or the model, with the stable key `<rule name>:<subject>`."""
    file, line = location(model, field, line)
    return Hit(
        rule=rule, file=file, line=line, message=message, model=model.name, key=f"{name}:{subject}"
    )


def is_drizzle(schema: Schema) -> bool:
    return schema.orm is Orm.DRIZZLE
