"""The Prisma parser on broken schemas: messages, exact positions, and tolerant parsing."""

from __future__ import annotations

import pytest

from archtools.errors import ParseError
from archtools.facts.prisma import parse_prisma, parse_prisma_file, prisma_errors_tolerant

PATH = "prisma/schema.prisma"


def error(text: str) -> tuple[str, int | None, int | None]:
    with pytest.raises(ParseError) as caught:
        parse_prisma_file(PATH, text)
    assert caught.value.file == PATH
    return caught.value.message, caught.value.line, caught.value.column


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (
            "model User {\n  id Int @id\n  email\n}\n",
            "expected a field type after `email`",
            3,
            8,
        ),
        ("model User {\n  id Int @id\n}\n}\n", "unexpected `}`", 4, 1),
        (
            "model User {\n  id Int @id\n",
            "unexpected end of file: model `User` has no closing `}`",
            3,
            1,
        ),
        (
            "enum Role {\n  USER",
            "unexpected end of file: enum `Role` has no closing `}`",
            2,
            7,
        ),
        ("model User", "unexpected end of file: expected `{` after `User`", 1, 11),
        (
            "model User {\n  id Int @default(",
            "unexpected end of file: model `User` has no closing `}`",
            2,
            19,
        ),
        (
            "model User {\n  id: Int @id\n}\n",
            "unexpected `:`: write the field type after the name, without a colon",
            2,
            5,
        ),
        (
            "model User {\n  tags [String]\n}\n",
            "unexpected `[`: write a list type as `Type[]`, not `[Type]`",
            2,
            8,
        ),
        (
            "model User {\n  id Int!\n}\n",
            "unexpected `!`: fields are required unless marked optional with `?`",
            2,
            9,
        ),
        (
            "model User {\n  id Int @id b\n}\n",
            "unexpected `b` after `id`: expected `.`, `(`, an attribute or the end of the line",
            2,
            14,
        ),
        (
            "model User {\n  id Int @default(now()\n}\n",
            "expected `,` or `)` after `)` (arguments and lists cannot span lines)",
            2,
            24,
        ),
        (
            "model Post {\n  id Int\n  @@index([a,\n    b])\n}\n",
            "expected a value or `]` after `,` (arguments and lists cannot span lines)",
            3,
            14,
        ),
        (
            "model Post {\n  a User @relation(fields: [b] references: [id])\n}\n",
            "unexpected `references` after `]`: expected `,` or `)`",
            2,
            32,
        ),
        (
            "modle User {\n  id Int\n}\n",
            "unexpected `modle`: a block starts with `model`, `view`, `type`, `enum`, "
            "`datasource` or `generator`",
            1,
            1,
        ),
        (
            "model User {\n  id Int @@id\n}\n",
            "unexpected `@@`: a block attribute goes on a line of its own",
            2,
            11,
        ),
        (
            'model User {\n  id String @default("abc)\n}\n',
            'unterminated string: a string must end with `"` on the same line',
            2,
            22,
        ),
        (
            "model User {\n  id Int /* never closed\n}\n",
            "unterminated comment: `/*` has no closing `*/`",
            2,
            10,
        ),
        ("model {\n}\n", "unexpected `{` after `model`: expected a name", 1, 7),
        ("model User\n{\n}\n", "expected `{` after `User`", 1, 11),
        (
            "model User /// doc\n{\n}\n",
            "unexpected comment `/// doc` after `User`: expected `{`",
            1,
            12,
        ),
        (
            "model User { id Int }\n",
            "unexpected `id` after `{`: expected `}` or the end of the line",
            1,
            14,
        ),
        (
            "enum Role {\n  A B\n}\n",
            "unexpected `B` after `A`: expected an attribute or the end of the line",
            2,
            5,
        ),
        (
            "enum Role {\n  = B\n}\n",
            "unexpected `=`: expected an enum value, a block attribute or `}`",
            2,
            3,
        ),
        (
            "model A {\n  ? B\n}\n",
            "unexpected `?`: expected a field, a block attribute or `}`",
            2,
            3,
        ),
        (
            'datasource db {\n  provider "x"\n}\n',
            'unexpected `"x"` after `provider`: expected `=`',
            2,
            12,
        ),
        ("datasource db {\n  provider =\n}\n", "expected a value after `=`", 2, 13),
        (
            'datasource db {\n  @@map("x")\n}\n',
            "unexpected `@@`: expected a `key = value` line or `}`",
            2,
            3,
        ),
        ("model A {\n  id Int # note\n}\n", "unexpected character `#`", 2, 10),
        ("model A {\n  id Int\u200b\n}\n", "unexpected character U+200B", 2, 9),
        ("model A {\n  x Unsupported(\n}\n", "expected a string after `(`", 2, 17),
        ("model A {\n  x Int @db.\n}\n", "expected a name after `.`", 2, 13),
        (
            "model A {\n  x Int @default(123abc)\n}\n",
            "unexpected `abc` after `123`: expected `,` or `)`",
            2,
            21,
        ),
    ],
)
def test_syntax_errors(text: str, message: str, line: int, column: int) -> None:
    assert error(text) == (message, line, column)


def test_parse_error_string_names_the_place() -> None:
    with pytest.raises(ParseError, match=r"^prisma/schema\.prisma:3:8: expected a field type"):
        parse_prisma_file(PATH, "model User {\n  id Int @id\n  email\n}\n")


def test_long_tokens_are_shortened_in_messages() -> None:
    message, _, _ = error("model A {\n  x Int " + "b" * 60 + "\n}\n")
    assert message == (
        "unexpected `" + "b" * 37 + "...` after `Int`: expected `[]`, `?`, an attribute or "
        "the end of the line"
    )


@pytest.mark.parametrize(
    ("text", "message", "line", "column"),
    [
        (
            "model User {\n  tags String[]?\n}\n",
            "lists cannot be optional: write `String[]` or `String?`",
            2,
            3,
        ),
        (
            "model User {\n  id Int\n  name String\n  id String\n}\n",
            "field `id` is already defined in model `User` (line 2)",
            4,
            3,
        ),
        (
            "model User {\n  id Int\n}\n\nenum User {\n  A\n}\n",
            "`User` is already defined at prisma/schema.prisma:1",
            5,
            1,
        ),
        (
            "enum Role {\n  A\n  B\n  A\n}\n",
            "value `A` is already defined in enum `Role`",
            4,
            3,
        ),
        (
            'datasource a {\n  provider = "mysql"\n}\ndatasource b {\n  provider = "sqlite"\n}\n',
            "a second datasource `b`: a schema has exactly one (`a` is at prisma/schema.prisma:1)",
            4,
            1,
        ),
    ],
)
def test_semantic_errors(text: str, message: str, line: int, column: int) -> None:
    assert error(text) == (message, line, column)


def test_tolerant_parse_keeps_the_files_that_parse() -> None:
    sources = {
        "prisma/schema/b_broken.prisma": "model Broken {\n  id Int @id\n  name\n}\n",
        "prisma/schema/a_good.prisma": "model Good {\n  id Int @id\n  owner Broken?\n}\n",
        "prisma/schema/c_dup.prisma": "model Good {\n  id Int @id\n}\nenum E {\n  X\n}\n",
    }
    schema, errors = prisma_errors_tolerant(sources)
    assert [m.name for m in schema.models] == ["Good"]
    assert [e.name for e in schema.enums] == ["E"]
    assert schema.sources == sorted(sources)
    # the relation target lives in the broken file: kept as a scalar of unknown type
    good = schema.model("Good")
    assert good is not None and good.fields[1].kind == "scalar"
    assert [(e.file, e.line, e.column, e.message) for e in errors] == [
        ("prisma/schema/b_broken.prisma", 3, 7, "expected a field type after `name`"),
        (
            "prisma/schema/c_dup.prisma",
            1,
            1,
            "`Good` is already defined at prisma/schema/a_good.prisma:1",
        ),
    ]


def test_strict_parse_raises_the_first_error_in_path_order() -> None:
    sources = {
        "z.prisma": "model Z {\n  a\n}\n",
        "a.prisma": "model A {\n  id Int\n}\n}\n",
    }
    with pytest.raises(ParseError) as caught:
        parse_prisma(sources)
    assert (caught.value.file, caught.value.line, caught.value.message) == (
        "a.prisma",
        4,
        "unexpected `}`",
    )


def test_tolerant_parse_without_errors() -> None:
    schema, errors = prisma_errors_tolerant({"s.prisma": "model A {\n  id Int @id\n}\n"})
    assert errors == []
    assert [m.name for m in schema.models] == ["A"]
