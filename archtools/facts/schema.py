"""The schema model: models, fields, relations and enums, as CONTRACT.md's `schema` object."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Orm(StrEnum):
    PRISMA = "prisma"
    DRIZZLE = "drizzle"


class FieldKind(StrEnum):
    SCALAR = "scalar"
    ENUM = "enum"
    RELATION = "relation"
    COMPOSITE = "composite"
    UNSUPPORTED = "unsupported"


class Relation(_Frozen):
    name: str | None = None
    fields: list[str] = []
    references: list[str] = []
    on_delete: str | None = None
    on_update: str | None = None
    enforced: bool = True


class Field(_Frozen):
    name: str
    type: str
    kind: FieldKind
    list: bool = False
    optional: bool = False
    id: bool = False
    unique: bool = False
    updated_at: bool = False
    default: str | None = None
    db_name: str | None = None
    native_type: str | None = None
    doc: str | None = None
    relation: Relation | None = None
    line: int | None = None
    # Additions beyond the contract.
    client_default: str | None = None  # computed by the ORM in the client (Drizzle `$defaultFn`)
    # The relation's name in the ORM's own API when the field had to be named otherwise here
    # (a Drizzle relations() key that is also a column's key: `createdBy` -> `createdByRelation`).
    orm_name: str | None = None


class Model(_Frozen):
    name: str
    db_name: str | None = None
    file: str
    line: int
    doc: str | None = None
    fields: list[Field] = []
    primary_key: list[str] | None = None
    unique: list[list[str]] = []
    indexes: list[list[str]] = []
    # Additions beyond the contract (allowed: keys only grow).
    kind: str = "model"  # "model" | "view" | "type"
    index_lines: list[int | None] = []  # where each of `indexes` is declared (parallel list)
    group: str | None = None  # domain cluster: schema file, `/// @group` tag, or config

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)


class Enum(_Frozen):
    name: str
    values: list[str] = []
    db_name: str | None = None
    file: str | None = None
    line: int | None = None
    # Additions beyond the contract.
    value_db_names: dict[str, str] = {}  # value -> its database name (Prisma `@map`)
    doc: str | None = None  # the `///` documentation above the enum


class Schema(_Frozen):
    orm: Orm | None = None
    provider: str | None = None
    sources: list[str] = []
    models: list[Model] = []
    enums: list[Enum] = []
    # Additions beyond the contract.
    relation_mode: str | None = None  # Prisma `relationMode` ("foreignKeys" | "prisma")

    def model(self, name: str) -> Model | None:
        return next((m for m in self.models if m.name == name), None)

    def enum(self, name: str) -> Enum | None:
        return next((e for e in self.enums if e.name == name), None)
