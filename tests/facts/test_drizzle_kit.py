"""Drizzle columns as drizzle-kit records them: the snapshot `drizzle-kit generate` wrote for
tests/fixtures/schemas/drizzle/fidelity.ts is kept as a golden, and archtools' fields must agree
with it column by column (type with its options, SQL default, NOT NULL, primary key, unique), a
client-side `$defaultFn` being its own key rather than a database default."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archtools.facts.schema import Field
from archtools.loading import load_drizzle_path

FIXTURE = Path(__file__).parents[1] / "fixtures" / "schemas" / "drizzle"
# drizzle-kit records no default for a serial column; archtools keeps `autoincrement()` there, as
# for Prisma, so that the schema rules see a generated key.
SERIAL_DEFAULT = "autoincrement()"


def _as_recorded(field: Field, unique: set[str]) -> dict[str, Any]:
    default: Any = field.default
    if default in ("true", "false"):
        default = default == "true"
    elif default is not None and default.lstrip("-").isdigit():
        default = int(default)
    if field.native_type == "serial" and default == SERIAL_DEFAULT:
        default = None
    recorded = {
        "name": field.db_name,
        "type": field.native_type,
        "primaryKey": field.id,
        "notNull": not field.optional,
        "unique": field.unique,
    }
    return recorded | ({"default": default} if default is not None else {})


def test_columns_agree_with_the_drizzle_kit_snapshot() -> None:
    schema, problems = load_drizzle_path(FIXTURE / "fidelity.ts")
    assert problems == []
    (things,) = schema.models
    golden = json.loads((FIXTURE / "fidelity.snapshot.json").read_text())["table"]
    unique = {c for u in golden["uniqueConstraints"].values() for c in u["columns"]}
    expected = [
        column | {"unique": column["name"] in unique} for column in golden["columns"].values()
    ]
    assert [_as_recorded(f, unique) for f in things.fields] == expected


def test_a_client_side_default_is_its_own_key() -> None:
    schema, _ = load_drizzle_path(FIXTURE / "fidelity.ts")
    made = schema.models[0].field("made")
    assert made is not None and made.default is None
    assert made.client_default == '() => "x"'


def test_a_default_named_by_a_typescript_enum_member_is_its_value(tmp_path: Path) -> None:
    # drizzle-kit evaluates `AgentType.ROOT` and records the string it holds
    (tmp_path / "kinds.ts").write_text(
        'export enum AgentType {\n  ROOT = "root",\n  USER = "user",\n  Level = 3,\n}\n'
    )
    (tmp_path / "schema.ts").write_text(
        'import { integer, pgTable, text } from "drizzle-orm/pg-core";\n'
        'import { AgentType } from "./kinds";\n'
        "export const agents = pgTable('agents', {\n"
        "  id: text('id').primaryKey(),\n"
        "  type: text('type').notNull().default(AgentType.ROOT),\n"
        "  level: integer('level').default(AgentType.Level),\n"
        "  other: text('other').default(Unknown.THING),\n"
        "});\n"
    )
    schema, problems = load_drizzle_path(tmp_path)
    assert problems == []
    (agents,) = schema.models
    defaults = {f.name: f.default for f in agents.fields}
    assert defaults == {"id": None, "type": "'root'", "level": "3", "other": "Unknown.THING"}
