"""Multi-file Prisma schemas: merging, groups, and loading a file or folder from disk."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.errors import InputError, ParseError
from archtools.facts.prisma import load_schema_path, parse_prisma, parse_prisma_file
from archtools.facts.schema import FieldKind, Relation

FIXTURES = Path(__file__).parent / "fixtures" / "prisma"
MULTI = FIXTURES / "multi"


def test_folder_merges_every_file_in_path_order() -> None:
    schema = load_schema_path(MULTI / "prisma" / "schema", MULTI)
    assert schema.sources == [
        "prisma/schema/auth.prisma",
        "prisma/schema/billing.prisma",
        "prisma/schema/schema.prisma",
    ]
    assert (schema.provider, schema.relation_mode) == ("mysql", "prisma")
    assert [(m.name, m.kind, m.file, m.line, m.group) for m in schema.models] == [
        ("User", "model", "prisma/schema/auth.prisma", 1, "auth"),
        ("Session", "model", "prisma/schema/auth.prisma", 10, "security"),
        ("Invoice", "model", "prisma/schema/billing.prisma", 1, "billing"),
        ("Address", "type", "prisma/schema/billing.prisma", 10, "billing"),
    ]
    assert [(e.name, e.file, e.line) for e in schema.enums] == [
        ("Status", "prisma/schema/billing.prisma", 15)
    ]


def test_types_resolve_across_files() -> None:
    schema = load_schema_path(MULTI / "prisma" / "schema", MULTI)
    invoice = schema.model("Invoice")
    user = schema.model("User")
    assert invoice is not None and user is not None
    assert [(f.name, f.kind) for f in invoice.fields] == [
        ("id", FieldKind.SCALAR),
        ("status", FieldKind.ENUM),
        ("amount", FieldKind.SCALAR),
        ("customer", FieldKind.RELATION),
        ("userId", FieldKind.SCALAR),
        ("address", FieldKind.COMPOSITE),
    ]
    # relationMode "prisma" comes from schema.prisma, the last file read
    assert invoice.fields[3].relation == Relation(
        name="InvoiceToUser",
        fields=["userId"],
        references=["id"],
        on_delete="Restrict",
        enforced=False,
    )
    assert user.fields[2].relation == Relation(name="InvoiceToUser", enforced=False)


def test_session_doc_keeps_the_group_tag_line() -> None:
    schema = load_schema_path(MULTI / "prisma" / "schema", MULTI)
    session = schema.model("Session")
    assert session is not None
    assert session.doc == "Signed-in browser sessions.\n@group security"


def test_single_file_has_no_group_unless_tagged() -> None:
    schema = parse_prisma_file(
        "schema.prisma",
        "model A {\n  id Int\n}\n/// Billing data.\n/// @group billing\nmodel B {\n  id Int\n}\n",
    )
    assert [(m.name, m.group) for m in schema.models] == [("A", None), ("B", "billing")]


def test_group_tag_must_be_on_the_attached_doc() -> None:
    schema = parse_prisma(
        {
            "prisma/schema/a.prisma": "/// @group floating\n\nmodel A {\n  id Int\n}\n",
            "prisma/schema/b.prisma": "model B {\n  /// @group field-level\n  id Int\n}\n",
        }
    )
    assert [(m.name, m.group) for m in schema.models] == [("A", "a"), ("B", "b")]


def test_single_file_from_disk(tmp_path: Path) -> None:
    (tmp_path / "prisma").mkdir()
    schema_file = tmp_path / "prisma" / "schema.prisma"
    schema_file.write_text("model A {\n  id Int @id\n}\n")
    schema = load_schema_path(schema_file, tmp_path)
    assert schema.sources == ["prisma/schema.prisma"]
    assert [(m.name, m.file) for m in schema.models] == [("A", "prisma/schema.prisma")]


def test_folder_from_disk_recurses_and_skips_other_files(tmp_path: Path) -> None:
    folder = tmp_path / "db"
    (folder / "nested").mkdir(parents=True)
    (folder / "node_modules" / "pkg").mkdir(parents=True)
    (folder / "main.prisma").write_text('datasource db {\n  provider = "sqlite"\n}\n')
    (folder / "nested" / "more.prisma").write_text("model M {\n  id Int @id\n}\n")
    (folder / "node_modules" / "pkg" / "x.prisma").write_text("model X {\n  id Int\n}\n")
    (folder / "migration.sql").write_text("CREATE TABLE x ();")
    schema = load_schema_path(folder, tmp_path)
    assert schema.sources == ["db/main.prisma", "db/nested/more.prisma"]
    assert [(m.name, m.group) for m in schema.models] == [("M", "more")]


def test_loading_errors(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or folder"):
        load_schema_path(tmp_path / "missing.prisma", tmp_path)
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match=r"no \.prisma files"):
        load_schema_path(tmp_path / "empty", tmp_path)
    outside = tmp_path / "outside.prisma"
    outside.write_text("model A {\n  id Int\n}\n")
    with pytest.raises(InputError, match="is outside"):
        load_schema_path(outside, tmp_path / "empty")


def test_broken_file_in_folder_raises_with_its_path() -> None:
    broken = FIXTURES / "broken"
    with pytest.raises(ParseError) as caught:
        load_schema_path(broken / "prisma" / "schema", broken)
    error = caught.value
    assert (error.file, error.line, error.column, error.message) == (
        "prisma/schema/users.prisma",
        3,
        8,
        "expected a field type after `email`",
    )
