"""Schema lint rules about keys and indexes: SCH001, SCH003, SCH008, SCH009, SCH011."""

from __future__ import annotations

from collections.abc import Iterator

from archtools.facts.schema import Field, FieldKind, Model, Schema
from archtools.knowledge.vocabulary import singular, words
from archtools.rules.base import Hit
from archtools.rules.schema_lint_common import (
    POSTGRES_PROVIDERS,
    Key,
    foreign_key_columns,
    is_string,
    keys_of,
    make_hit,
    owned_relations,
    squash,
    tables,
)


def _covered(columns: list[str], keys: list[Key]) -> bool:
    """An index serves a lookup on `columns` when they are its leading columns, in any order."""
    wanted = set(columns)
    return any(set(key.columns[: len(columns)]) == wanted for key in keys)


def fk_without_index(schema: Schema) -> Iterator[Hit]:
    """SCH001: foreign key fields that no index, unique or id starts with."""
    for model in tables(schema):
        keys = keys_of(model)
        for relation_field in owned_relations(model):
            relation = relation_field.relation
            assert relation is not None
            # InnoDB creates an index for every foreign key constraint it enforces.
            if schema.provider == "mysql" and relation.enforced:
                continue
            if _covered(relation.fields, keys):
                continue
            cols = ", ".join(relation.fields)
            yield make_hit(
                "SCH001",
                "fk-without-index",
                model,
                f"{model.name}.{','.join(relation.fields)}",
                f"{model.name}.{cols} references {relation_field.type} but no index starts with "
                f"it: every join from {relation_field.type} and every {relation_field.type} "
                f"delete scans {model.name}; add @@index([{cols}])",
                relation_field,
            )


def _identifies(key: Key, model: Model) -> bool:
    if key.kind == "id":
        return True
    fields = [model.field(c) for c in key.columns]
    return all(f is not None and not f.optional for f in fields)


def model_without_primary_key(schema: Schema) -> Iterator[Hit]:
    """SCH003: tables with neither a primary key nor a unique key over required fields."""
    for model in tables(schema):
        if any(_identifies(key, model) for key in keys_of(model) if key.kind != "index"):
            continue
        yield make_hit(
            "SCH003",
            "model-without-primary-key",
            model,
            model.name,
            f"{model.name} has no primary key (@id or @@id): rows cannot be addressed one at a "
            "time, duplicates slip in, and logical replication cannot stream its updates; add an "
            "id or a composite @@id",
        )


_GENERATED_IDS = frozenset({"cuid", "uuid", "nanoid", "ulid", "defaultrandom", "gen_random_uuid"})
_UNBOUNDED_NATIVE = frozenset({"", "text", "citext", "varchar", "charactervarying", "string"})


def _unbounded(field: Field) -> bool:
    native = (field.native_type or "").removeprefix("@db.").replace(" ", "").lower()
    return native in _UNBOUNDED_NATIVE or native.startswith("text")


def _generated(field: Field) -> bool:
    default = (field.default or "").split("(", 1)[0].strip().lower()
    return default in _GENERATED_IDS


def _bounded_by_reference(schema: Schema, model: Model) -> set[str]:
    """Foreign key fields whose referenced field is generated or bounded: their values are too."""
    bounded: set[str] = set()
    for relation_field in owned_relations(model):
        relation, target = relation_field.relation, schema.model(relation_field.type)
        if relation is None or target is None:
            continue
        for name, referenced in zip(relation.fields, relation.references, strict=False):
            field = target.field(referenced)
            if field is not None and (_generated(field) or not _unbounded(field)):
                bounded.add(name)
    return bounded


def unbounded_indexed_string(schema: Schema) -> Iterator[Hit]:
    """SCH008: PostgreSQL text columns in a btree index without a length bound."""
    if schema.provider not in POSTGRES_PROVIDERS:
        return
    for model in tables(schema):
        keys = keys_of(model)
        by_reference = _bounded_by_reference(schema, model)
        for field in model.fields:
            if not is_string(field) or not _unbounded(field) or _generated(field):
                continue
            if field.name in by_reference:
                continue
            key = next((k for k in keys if field.name in k.columns), None)
            if key is None:
                continue
            yield make_hit(
                "SCH008",
                "unbounded-indexed-string",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} is an unbounded String in {key.label}: a PostgreSQL "
                "btree entry is limited to about 2,700 bytes, so one long value makes the insert "
                "fail; bound it with @db.VarChar(n) (and validate the length at the boundary)",
                field,
            )


def _redundant_with(key: Key, position: int, keys: list[Key]) -> Key | None:
    """The key that makes `key` redundant, if any."""
    n = len(key.columns)
    for other_position, other in enumerate(keys):
        if other_position == position:
            continue
        if key.kind == "index":
            if other.columns[:n] != key.columns:
                continue
            # Two identical plain indexes: only the later one is the duplicate.
            if other.kind == "index" and len(other.columns) == n and other_position > position:
                continue
            return other
        if key.kind == "unique" and other_position < position:
            same = other.columns == key.columns
            if same or (other.kind == "id" and set(other.columns) == set(key.columns)):
                return other
    return None


def duplicate_index(schema: Schema) -> Iterator[Hit]:
    """SCH009: an index equal to, or a leading prefix of, another index, unique or id."""
    for model in tables(schema):
        keys = keys_of(model)
        seen: set[str] = set()
        for position, key in enumerate(keys):
            if key.kind == "id" or key.label in seen:
                continue
            cover = _redundant_with(key, position, keys)
            if cover is None:
                continue
            seen.add(key.label)
            relation = "duplicates" if cover.columns == key.columns else "is a prefix of"
            yield make_hit(
                "SCH009",
                "duplicate-index",
                model,
                f"{model.name}.{key.label}",
                f"{model.name}: {key.label} {relation} {cover.label}, whose index already serves "
                "the same lookups; drop it to save disk and the cost of every write",
                key.field,
                key.line,
            )


def _target(field: Field, by_name: dict[str, Model]) -> Model | None:
    parts = words(field.name)
    if len(parts) < 2 or parts[-1] != "id":
        return None
    return by_name.get("".join(parts[:-1]))


def missing_foreign_key(schema: Schema) -> Iterator[Hit]:
    """SCH011: a `<model>Id` field that no relation declares as its foreign key."""
    by_name: dict[str, Model] = {}
    for model in tables(schema):
        by_name[squash(model.name)] = model
        if model.db_name:
            by_name.setdefault(singular(squash(model.db_name)), model)
    for model in tables(schema):
        fks = foreign_key_columns(model)
        pk = set(model.primary_key or [])
        for field in model.fields:
            if field.kind is not FieldKind.SCALAR or field.list or field.name in fks:
                continue
            if field.id or (field.name in pk and len(pk) == 1):
                continue
            target = _target(field, by_name)
            if target is None:
                continue
            yield make_hit(
                "SCH011",
                "missing-foreign-key",
                model,
                f"{model.name}.{field.name}",
                f"{model.name}.{field.name} looks like a reference to {target.name} but no "
                "relation declares it: the database accepts ids that never existed or were "
                f"deleted; declare a relation with @relation(fields: [{field.name}], ...)",
                field,
            )
