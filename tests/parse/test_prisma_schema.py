"""The Prisma parser on whole schemas: blocks, ordering, documentation comments, a golden file."""

from __future__ import annotations

import json
from pathlib import Path

from archtools.facts.prisma import parse_prisma_file
from archtools.facts.schema import Enum, Field, FieldKind, Model, Orm, Schema

FIXTURES = Path(__file__).parent / "fixtures" / "prisma"
PATH = "prisma/schema.prisma"


def parse(text: str) -> Schema:
    return parse_prisma_file(PATH, text)


def docs(text: str) -> dict[str, str | None]:
    """Model docs and field docs (as Model.field) of a schema."""
    found: dict[str, str | None] = {}
    for model in parse(text).models:
        found[model.name] = model.doc
        for field in model.fields:
            found[f"{model.name}.{field.name}"] = field.doc
    return found


def test_golden_blog_schema() -> None:
    text = (FIXTURES / "blog" / "schema.prisma").read_text()
    expected = json.loads((FIXTURES / "blog" / "expected.json").read_text())
    assert parse(text).model_dump(mode="json") == expected


def test_datasource_gives_provider_and_relation_mode() -> None:
    schema = parse(
        'datasource db {\n  provider = "mysql"\n  url = env("DATABASE_URL")\n'
        '  relationMode = "prisma"\n}\n'
    )
    assert schema == Schema(
        orm=Orm.PRISMA, provider="mysql", sources=[PATH], relation_mode="prisma"
    )


def test_legacy_referential_integrity_is_the_relation_mode() -> None:
    schema = parse('datasource db {\n  provider = "mysql"\n  referentialIntegrity = "prisma"\n}\n')
    assert schema.relation_mode == "prisma"


def test_generator_blocks_are_read_and_leave_no_trace() -> None:
    schema = parse(
        'generator client {\n  provider = "prisma-client-js"\n'
        '  previewFeatures = ["views", "multiSchema"]\n  binaryTargets = ["native", env("T")]\n}\n'
    )
    assert schema == Schema(orm=Orm.PRISMA, sources=[PATH])


def test_empty_schema() -> None:
    assert parse("") == Schema(orm=Orm.PRISMA, sources=[PATH])
    assert parse("\n\n// only a comment\n") == Schema(orm=Orm.PRISMA, sources=[PATH])


def test_models_and_enums_keep_source_order_and_lines() -> None:
    schema = parse(
        "enum B {\n  X\n}\n\nmodel Z {\n  id Int @id\n}\n\nview A {\n  id Int @unique\n}\n\n"
        "type M {\n  x Int\n}\n\nenum A2 {\n  Y\n}\n"
    )
    assert [(m.name, m.kind, m.line) for m in schema.models] == [
        ("Z", "model", 5),
        ("A", "view", 9),
        ("M", "type", 13),
    ]
    assert [(e.name, e.line) for e in schema.enums] == [("B", 1), ("A2", 17)]


def test_enum_values_maps_and_block_attributes() -> None:
    schema = parse(
        'enum Role {\n  USER @map("user") // plain\n  /// doc on a value\n  ADMIN\n'
        '  @@map(name: "roles")\n  @@schema("auth")\n}\n'
    )
    assert schema.enums == [
        Enum(
            name="Role",
            values=["USER", "ADMIN"],
            db_name="roles",
            file=PATH,
            line=1,
            value_db_names={"USER": "user"},  # the DMMF's dbName of each value
        )
    ]


def test_composite_type_block() -> None:
    schema = parse(
        'type Address {\n  street String\n  zip String? @map("postal")\n  tags String[]\n}\n'
        'model User {\n  id String @id @map("_id") @db.ObjectId\n  address Address\n'
        "  others Address[]\n}\n"
    )
    address = schema.model("Address")
    assert address is not None
    assert address.model_dump(exclude={"fields"}) == {
        "name": "Address",
        "db_name": None,
        "file": PATH,
        "line": 1,
        "doc": None,
        "primary_key": None,
        "unique": [],
        "indexes": [],
        "index_lines": [],
        "kind": "type",
        "group": None,
    }
    assert address.field("zip") == Field(
        name="zip", type="String", kind=FieldKind.SCALAR, optional=True, db_name="postal", line=3
    )
    user = schema.model("User")
    assert user is not None
    assert user.field("id") == Field(
        name="id",
        type="String",
        kind=FieldKind.SCALAR,
        id=True,
        db_name="_id",
        native_type="ObjectId",
        line=7,
    )
    assert user.field("address") == Field(
        name="address", type="Address", kind=FieldKind.COMPOSITE, line=8
    )
    assert user.field("others") == Field(
        name="others", type="Address", kind=FieldKind.COMPOSITE, list=True, line=9
    )


def test_view_block() -> None:
    schema = parse('view UserInfo {\n  id Int @unique\n  email String\n\n  @@map("user_info")\n}\n')
    assert schema.models == [
        Model(
            name="UserInfo",
            db_name="user_info",
            file=PATH,
            line=1,
            fields=[
                Field(name="id", type="Int", kind=FieldKind.SCALAR, unique=True, line=2),
                Field(name="email", type="String", kind=FieldKind.SCALAR, line=3),
            ],
            unique=[["id"]],
            kind="view",
        )
    ]


def test_ignored_models_and_fields_are_left_out() -> None:
    schema = parse(
        "model Kept {\n  id Int @id\n  old String @ignore\n}\n"
        "model Gone {\n  id Int\n  @@ignore\n}\n"
        "view Hidden {\n  id Int @unique\n  @@ignore\n}\n"
    )
    assert [m.name for m in schema.models] == ["Kept"]
    kept = schema.model("Kept")
    assert kept is not None and [f.name for f in kept.fields] == ["id"]


def test_empty_braces_on_one_line() -> None:
    schema = parse("model A {}\nenum E {}\n")
    assert [(m.name, m.fields) for m in schema.models] == [("A", [])]
    assert [(e.name, e.values) for e in schema.enums] == [("E", [])]


def test_block_open_line_comment_is_ignored() -> None:
    assert docs("model A { /// not a doc\n  id Int\n}\n") == {"A": None, "A.id": None}


def test_model_doc_lines_join_with_newlines() -> None:
    assert docs("///   first\n/// second  \nmodel A {\n  id Int\n}\n")["A"] == "first\nsecond  "


def test_model_doc_skips_plain_comment_lines_of_the_same_block() -> None:
    text = "/// one\n// plain\n/// two\nmodel A {\n  id Int\n}\n"
    assert docs(text)["A"] == "one\ntwo"


def test_comment_followed_by_empty_line_floats_free() -> None:
    assert docs("/// floating\n\nmodel A {\n  id Int\n}\n")["A"] is None
    assert docs("/// floating\n   \nmodel A {\n  id Int\n}\n")["A"] is None


def test_plain_comment_block_above_a_model_gives_no_doc() -> None:
    assert docs("/// old\n\n// plain\nmodel A {\n  id Int\n}\n")["A"] is None


def test_block_comment_is_documentation() -> None:
    text = "/* Multi\n   line */\nmodel A {\n  /* The id. */\n  id Int\n}\n"
    assert docs(text) == {"A": "Multi\n   line", "A.id": "The id."}


def test_comment_after_closing_brace_documents_next_model() -> None:
    text = "model A {\n  id Int\n} /// about B\nmodel B {\n  id Int\n}\n"
    assert docs(text)["B"] == "about B"


def test_doc_above_datasource_stays_pending_for_next_model() -> None:
    # Prisma's parser keeps it: a datasource or generator takes no documentation.
    text = '/// database\ndatasource db {\n  provider = "sqlite"\n}\n\nmodel A {\n  id Int\n}\n'
    assert docs(text)["A"] == "database"


def test_enum_takes_the_pending_doc() -> None:
    text = (
        '/// database\ndatasource db {\n  provider = "sqlite"\n}\n'
        "enum E {\n  X\n}\nmodel A {\n  id Int\n}\n"
    )
    assert docs(text)["A"] is None


def test_field_docs_above_and_trailing() -> None:
    text = (
        "model A {\n"
        "  /// above\n"
        "  /// twice\n"
        "  a Int /// trailing\n"
        "  /// survives an empty line\n"
        "\n"
        "  b Int // plain trailing\n"
        "  /// survives a block attribute\n"
        "  @@index([a])\n"
        "  c Int\n"
        "  /// replaced\n"
        "\n"
        "  // by this plain block\n"
        "  d Int\n"
        "  e Int\n"
        "}\n"
    )
    assert docs(text) == {
        "A": None,
        "A.a": "above\ntwice\ntrailing",
        "A.b": "survives an empty line",
        "A.c": "survives a block attribute",
        "A.d": None,
        "A.e": None,
    }


def test_crlf_and_byte_order_mark() -> None:
    text = "\ufeff/// doc\r\nmodel A {\r\n  id Int @id\r\n  name String\r\n}\r\n"
    model = parse(text).models[0]
    assert (model.doc, model.line, [(f.name, f.line) for f in model.fields]) == (
        "doc",
        2,
        [("id", 3), ("name", 4)],
    )


def test_names_that_are_keywords_elsewhere() -> None:
    schema = parse(
        "model model {\n  type String\n  enum enum\n  model model?\n}\nenum enum {\n  view\n}\n"
    )
    model = schema.models[0]
    assert [(f.name, f.type, f.kind) for f in model.fields] == [
        ("type", "String", FieldKind.SCALAR),
        ("enum", "enum", FieldKind.ENUM),
        ("model", "model", FieldKind.RELATION),
    ]
    assert schema.enums[0].values == ["view"]


def test_empty_doc_comments_give_empty_docs() -> None:
    text = "///\nmodel A {\n  ///\n  a Int ///\n  /// x\n  b Int ///\n  c Int // plain\n}\n"
    assert docs(text) == {"A": "", "A.a": "\n", "A.b": "x\n", "A.c": None}
