"""The Prisma schema as Prisma's own engine reads it: the DMMF that `@prisma/prisma-schema-wasm`
gives for tests/fixtures/schemas/fidelity.prisma is kept as a golden (regenerate it with
`node .conformance/dmmf.js FILE` after `make conformance` installed the engine),
and archtools' schema must agree with it field by field."""

from __future__ import annotations

import json
from pathlib import Path

from archtools.facts.prisma import load_schema_path
from benchmarks.conformance import Report, compare, dmmf_value

SCHEMAS = Path(__file__).parents[1] / "fixtures" / "schemas"


def test_fidelity_schema_agrees_with_the_dmmf() -> None:
    schema = load_schema_path(SCHEMAS / "fidelity.prisma", SCHEMAS)
    report = Report(schema="fidelity.prisma")
    compare(schema, json.loads((SCHEMAS / "fidelity.dmmf.json").read_text()), report)
    assert report.differences == []
    assert report.fields == 15


def test_the_facts_the_dmmf_holds() -> None:
    schema = load_schema_path(SCHEMAS / "fidelity.prisma", SCHEMAS)
    account = schema.model("Account")
    assert account is not None
    handle, slug = account.field("handle"), account.field("slug")
    assert handle is not None and handle.id and not handle.unique  # @@id([handle])
    assert slug is not None and slug.unique  # @@unique([slug])
    (status,) = schema.enums
    assert status.value_db_names == {"ACTIVE": "active", "PAUSED": "paused"}
    assert status.doc == "Where an account stands.\nTwo lines of documentation."
    member = schema.model("Member")
    nickname = member.field("nickname") if member is not None else None
    assert nickname is not None and nickname.doc is None  # a `//` comment is not documentation


def test_defaults_in_the_dmmf_shape() -> None:
    assert dmmf_value("[1, 2]") == [1, 2]
    assert dmmf_value('dbgenerated("gen_random_uuid()")') == {
        "name": "dbgenerated",
        "args": ["gen_random_uuid()"],
    }
    assert dmmf_value('["a, b", c]') == ["a, b", "c"]
    assert dmmf_value("true") is True and dmmf_value("1.5") == 1.5
