"""The Prisma parser on fields: types, attributes, defaults, native types, keys and relations."""

from __future__ import annotations

from typing import Any

import pytest

from archtools.facts.prisma import parse_prisma_file
from archtools.facts.schema import Field, FieldKind, Model, Relation

PATH = "schema.prisma"


def model(body: str, name: str = "A", prefix: str = "") -> Model:
    """Model A (or `name`) of a schema made of `prefix` and `model A { body }`."""
    schema = parse_prisma_file(PATH, f"{prefix}model A {{\n{body}\n}}\n")
    found = schema.model(name)
    assert found is not None
    return found


def field(line: str, prefix: str = "") -> Field:
    """The one field written on `line`."""
    return model("  " + line, prefix=prefix).fields[0]


def test_full_dump_of_a_scalar_field() -> None:
    dumped = field('email String? @unique @map("mail") @db.VarChar(320) /// Login').model_dump()
    assert dumped == {
        "name": "email",
        "type": "String",
        "kind": "scalar",
        "list": False,
        "optional": True,
        "id": False,
        "unique": True,
        "updated_at": False,
        "default": None,
        "db_name": "mail",
        "native_type": "VarChar(320)",
        "doc": "Login",
        "relation": None,
        "line": 2,
        "client_default": None,
        "orm_name": None,
    }


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Int", {"type": "Int", "list": False, "optional": False}),
        ("Int?", {"type": "Int", "list": False, "optional": True}),
        ("Int[]", {"type": "Int", "list": True, "optional": False}),
        ("Decimal", {"type": "Decimal", "list": False, "optional": False}),
        ("Money", {"type": "Money", "list": False, "optional": False}),  # unknown: a scalar
    ],
)
def test_type_modifiers(written: str, expected: dict[str, Any]) -> None:
    got = field(f"x {written}")
    assert {"type": got.type, "list": got.list, "optional": got.optional} == expected
    assert got.kind is FieldKind.SCALAR


def test_unsupported_types() -> None:
    body = '  a Unsupported("circle")\n  b Unsupported("polygon")?\n  c Unsupported("x y")[]'
    assert [(f.type, f.kind, f.optional, f.list) for f in model(body).fields] == [
        ('Unsupported("circle")', FieldKind.UNSUPPORTED, False, False),
        ('Unsupported("polygon")', FieldKind.UNSUPPORTED, True, False),
        ('Unsupported("x y")', FieldKind.UNSUPPORTED, False, True),
    ]


def test_a_type_named_unsupported_without_parentheses_is_a_scalar() -> None:
    assert (field("a Unsupported").type, field("a Unsupported").kind) == (
        "Unsupported",
        FieldKind.SCALAR,
    )


def test_kinds_resolve_across_the_whole_schema() -> None:
    # the targets are declared after the model that uses them
    schema = parse_prisma_file(
        PATH,
        "model A {\n  id Int @id\n  b B?\n  e E\n  t T\n  v V?\n  s String\n}\n"
        "model B {\n  id Int @id\n  a A[]\n}\nenum E {\n  X\n}\ntype T {\n  x Int\n}\n"
        "view V {\n  id Int @unique\n  a A?\n}\n",
    )
    a = schema.model("A")
    assert a is not None
    assert [(f.name, f.kind) for f in a.fields] == [
        ("id", FieldKind.SCALAR),
        ("b", FieldKind.RELATION),
        ("e", FieldKind.ENUM),
        ("t", FieldKind.COMPOSITE),
        ("v", FieldKind.RELATION),
        ("s", FieldKind.SCALAR),
    ]


@pytest.mark.parametrize(
    ("attribute", "default"),
    [
        ("@default(autoincrement())", "autoincrement()"),
        ("@default(cuid())", "cuid()"),
        ("@default(cuid(2))", "cuid(2)"),
        ("@default(uuid())", "uuid()"),
        ("@default(uuid(7))", "uuid(7)"),
        ("@default(nanoid(16))", "nanoid(16)"),
        ("@default(ulid())", "ulid()"),
        ("@default(now())", "now()"),
        ("@default(auto())", "auto()"),
        ('@default(dbgenerated("gen_random_uuid()"))', 'dbgenerated("gen_random_uuid()")'),
        ("@default(dbgenerated())", "dbgenerated()"),
        ("@default(sequence(start: 1,increment: 2))", "sequence(start: 1, increment: 2)"),
        ('@default("hello")', "hello"),
        ('@default("")', ""),
        ('@default("say \\"hi\\" \\\\ \\u00e9")', 'say "hi" \\ \u00e9'),
        ('@default("{\\"a\\": [1, 2]}")', '{"a": [1, 2]}'),
        ("@default(42)", "42"),
        ("@default(-1)", "-1"),
        ("@default(1.50)", "1.50"),
        ("@default(true)", "true"),
        ("@default(false)", "false"),
        ("@default(ACTIVE)", "ACTIVE"),
        ("@default([])", "[]"),
        ("@default([1,2])", "[1, 2]"),
        ('@default(["a", "b"])', '["a", "b"]'),
        ("@default([ACTIVE, ARCHIVED])", "[ACTIVE, ARCHIVED]"),
        ('@default(value: 5, map: "df_x")', "5"),
        ('@default(7, map: "df_x")', "7"),
    ],
)
def test_default_rendering(attribute: str, default: str) -> None:
    assert field(f"x Int {attribute}").default == default


def test_default_on_a_relation_field_is_dropped() -> None:
    got = field("b B @default(1)", prefix="model B {\n  id Int @id\n  a A[]\n}\n")
    assert (got.kind, got.default) == (FieldKind.RELATION, None)


@pytest.mark.parametrize(
    ("attribute", "native"),
    [
        ("@db.VarChar(255)", "VarChar(255)"),
        ("@db.Text", "Text"),
        ("@db.Uuid()", "Uuid"),
        ("@db.Decimal(10,2)", "Decimal(10, 2)"),
        ("@db.Timestamptz(6)", "Timestamptz(6)"),
        ("@db.NVarChar(Max)", "NVarChar(Max)"),
        ("@db.ObjectId", "ObjectId"),
        ("@pg.Citext", "Citext"),  # the prefix is the datasource's name
    ],
)
def test_native_types(attribute: str, native: str) -> None:
    assert field(f"x String {attribute}").native_type == native


def test_updated_at_and_map() -> None:
    got = field('changed DateTime @updatedAt @map("changed_at")')
    assert (got.updated_at, got.db_name, got.default) == (True, "changed_at", None)
    assert field('x Int @map(name: "y")').db_name == "y"


def test_id_and_unique_on_one_field() -> None:
    # DMMF: an id field is not also reported unique; the unique constraint is still listed
    got = model("  id Int @id @unique")
    assert (got.fields[0].id, got.fields[0].unique, got.primary_key, got.unique) == (
        True,
        False,
        ["id"],
        [["id"]],
    )


def test_compound_keys_and_indexes() -> None:
    got = model(
        '  a Int\n  b String @unique\n  c String\n  @@unique([a, c], name: "ac")\n'
        '  @@id(fields: [a, b], map: "pk")\n  @@index([c(sort: Desc), a(length: 10)], type: Hash)\n'
        '  @@unique(fields: [c])\n  @@index(fields: [b], map: "b_idx")\n'
        '  @@index([c(ops: raw("gin_trgm_ops"))], type: Gin)\n  @@fulltext([c])\n'
        '  @@map("a_table")\n  @@schema("base")'
    )
    assert got.model_dump(exclude={"fields"}) == {
        "name": "A",
        "db_name": "a_table",
        "file": PATH,
        "line": 1,
        "doc": None,
        "primary_key": ["a", "b"],
        "unique": [["b"], ["a", "c"], ["c"]],
        "indexes": [["c", "a"], ["b"], ["c"]],
        "index_lines": [7, 9, 10],
        "kind": "model",
        "group": None,
    }


def test_unique_order_is_order_of_appearance() -> None:
    got = model("  a Int @id\n  @@unique([b, c])\n  b Int @unique\n  c Int")
    assert got.unique == [["b", "c"], ["b"]]


def test_composite_paths_in_indexes() -> None:
    got = model("  id Int @id\n  address Address\n  @@index([address.city, address.zip])",
                prefix="type Address {\n  city String\n  zip String\n}\n")  # fmt: skip
    assert got.indexes == [["address.city", "address.zip"]]


def test_model_without_any_key() -> None:
    got = model("  a Int")
    assert (got.primary_key, got.unique, got.indexes) == (None, [], [])


USER_POST = (
    "model User {\n  id Int @id\n  posts Post[]\n}\n"
    "model Post {\n  id Int @id\n  author User @relation(fields: [authorId], references: [id], "
    'onDelete: Cascade, onUpdate: Restrict, map: "post_author_fk")\n  authorId Int\n}\n'
)


def relations(text: str) -> dict[str, Relation | None]:
    schema = parse_prisma_file(PATH, text)
    return {f"{m.name}.{f.name}": f.relation for m in schema.models for f in m.fields}


def test_one_to_many_relation_with_implicit_name() -> None:
    found = relations(USER_POST)
    assert found["User.posts"] == Relation(name="PostToUser")
    assert found["Post.author"] == Relation(
        name="PostToUser",
        fields=["authorId"],
        references=["id"],
        on_delete="Cascade",
        on_update="Restrict",
    )
    assert found["Post.authorId"] is None


def test_relation_mode_prisma_and_mongodb_are_not_enforced() -> None:
    for datasource in (
        'datasource db {\n  provider = "mysql"\n  relationMode = "prisma"\n}\n',
        'datasource db {\n  provider = "mongodb"\n}\n',
    ):
        found = relations(datasource + USER_POST)
        assert found["User.posts"] == Relation(name="PostToUser", enforced=False)
        assert found["Post.author"] is not None and found["Post.author"].enforced is False
    explicit = 'datasource db {\n  provider = "mysql"\n  relationMode = "foreignKeys"\n}\n'
    assert relations(explicit + USER_POST)["User.posts"] == Relation(name="PostToUser")


def test_relations_of_views_are_not_enforced() -> None:
    found = relations(
        "model User {\n  id Int @id\n  stats Stats?\n}\n"
        "view Stats {\n  userId Int @unique\n  user User @relation(fields: [userId], "
        "references: [id])\n}\n"
    )
    assert found["User.stats"] == Relation(name="StatsToUser", enforced=False)
    assert found["Stats.user"] == Relation(
        name="StatsToUser", fields=["userId"], references=["id"], enforced=False
    )


def test_named_relations() -> None:
    found = relations(
        'model User {\n  id Int @id\n  written Post[] @relation("written")\n'
        '  edited Post[] @relation(name: "edited")\n}\n'
        'model Post {\n  id Int @id\n  author User @relation("written", fields: [authorId], '
        'references: [id])\n  authorId Int\n  editor User? @relation(name: "edited", '
        "fields: [editorId], references: [id], onDelete: SetNull)\n  editorId Int?\n}\n"
    )
    assert found["User.written"] == Relation(name="written")
    assert found["User.edited"] == Relation(name="edited")
    assert found["Post.author"] == Relation(name="written", fields=["authorId"], references=["id"])
    assert found["Post.editor"] == Relation(
        name="edited", fields=["editorId"], references=["id"], on_delete="SetNull"
    )


def test_implicit_many_to_many_and_self_relation() -> None:
    found = relations(
        "model Tag {\n  id Int @id\n  posts Post[]\n}\nmodel Post {\n  id Int @id\n  tags Tag[]\n"
        "  parentId Int? @unique\n  parent Post? @relation(fields: [parentId], references: [id])\n"
        "  child Post?\n}\n"
    )
    assert found["Tag.posts"] == found["Post.tags"] == Relation(name="PostToTag")
    assert found["Post.parent"] == Relation(
        name="PostToPost", fields=["parentId"], references=["id"]
    )
    assert found["Post.child"] == Relation(name="PostToPost")


def test_relation_field_full_dump() -> None:
    post = parse_prisma_file(PATH, USER_POST).model("Post")
    assert post is not None
    assert post.fields[1].model_dump() == {
        "name": "author",
        "type": "User",
        "kind": "relation",
        "list": False,
        "optional": False,
        "id": False,
        "unique": False,
        "updated_at": False,
        "default": None,
        "db_name": None,
        "native_type": None,
        "doc": None,
        "relation": {
            "name": "PostToUser",
            "fields": ["authorId"],
            "references": ["id"],
            "on_delete": "Cascade",
            "on_update": "Restrict",
            "enforced": True,
        },
        "line": 7,
        "client_default": None,
        "orm_name": None,
    }


def test_relation_attribute_on_an_unknown_type_is_ignored() -> None:
    got = field("owner Ghost @relation(fields: [ownerId], references: [id])")
    assert (got.type, got.kind, got.relation) == ("Ghost", FieldKind.SCALAR, None)


def test_lines_of_fields() -> None:
    got = model("  a Int\n\n  // comment\n  b Int\n  @@index([a])\n  c Int")
    assert [(f.name, f.line) for f in got.fields] == [("a", 2), ("b", 5), ("c", 7)]
