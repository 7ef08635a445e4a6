"""Drizzle code the extractor cannot read: clear ParseErrors, partial schemas, never a raise."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archtools.errors import ParseError
from archtools.facts import drizzle
from archtools.facts.code import FileFacts
from archtools.facts.drizzle import extract_drizzle_schema
from archtools.facts.schema import Field, FieldKind, Relation, Schema
from archtools.facts.typescript import extract_code_facts

FIXTURES = Path(__file__).parent / "fixtures" / "drizzle"
PG = 'import { pgTable, text, integer, index, foreignKey } from "drizzle-orm/pg-core";\n'


def facts(sources: dict[str, str]) -> dict[str, FileFacts]:
    return {path: extract_code_facts(path, text.encode()) for path, text in sources.items()}


def problems(errors: list[ParseError]) -> list[tuple[str, int | None, str]]:
    return [(e.file, e.line, e.message) for e in errors]


def test_broken_fixture_reports_each_unreadable_part() -> None:
    path = FIXTURES / "broken" / "schema.ts"
    schema, errors = extract_drizzle_schema(
        {"broken/schema.ts": extract_code_facts("broken/schema.ts", path.read_bytes())}
    )
    file = "broken/schema.ts"
    assert problems(errors) == [
        (file, 7, "`things`: the columns are not an object literal"),
        (file, 9, "enum `state`: values are not a literal string array"),
        (file, 14, "column `id` of `widgets`: unknown column builder `makeId()`"),
        (file, 15, "`widgets`: cannot read `...shared()`"),
        (
            file,
            17,
            "column `ownerId` of `widgets`: cannot tell what `() => lookupOwner()` references",
        ),
        (file, 20, "`widgets`: cannot tell which columns index() covers"),
        (file, 30, "pgTable() inside a function is not read"),
    ]
    assert str(errors[0]) == "broken/schema.ts:7: `things`: the columns are not an object literal"
    assert [m.name for m in schema.models] == ["widgets"]
    assert [e.name for e in schema.enums] == ["state"] and schema.enums[0].values == []
    widgets = schema.models[0]
    assert widgets.primary_key is None
    assert [(f.name, f.kind, f.type) for f in widgets.fields] == [
        ("id", FieldKind.UNSUPPORTED, 'Unsupported("makeId")'),
        ("label", FieldKind.SCALAR, "String"),
        ("ownerId", FieldKind.SCALAR, "String"),
        ("owner", FieldKind.RELATION, "owners"),  # a table this schema does not hold
        ("labelRelation", FieldKind.RELATION, "owners"),  # relations() key `label` is a column's
    ]
    assert widgets.fields[-1].orm_name == "label"
    assert widgets.fields[-2].relation == Relation(
        fields=["ownerId"], references=["id"], enforced=False
    )


def test_unusual_table_declarations() -> None:
    schema, errors = extract_drizzle_schema(
        facts(
            {
                "a.ts": PG
                + 'export default pgTable("orphans", { id: text("id").primaryKey() });\n'
                + 'export const users = pgTable("users", { id: text("id") });\n'
                + "export const nameless = pgTable();\n"
                + 'export const empty = pgTable("empty");\n'
                + 'export const bare = pgTable("bare", {});\n'
                + 'pgTable(dynamicName, { id: text("id") });\n',
                "b.ts": PG + 'export const users = pgTable("app_users", { id: text("id") });\n',
            }
        )
    )
    assert problems(errors) == [
        ("a.ts", 4, "`nameless`: the columns are not an object literal"),
        ("a.ts", 5, "`empty`: the columns are not an object literal"),
        ("a.ts", 7, "pgTable(): the table has no name"),
        ("b.ts", 2, "table `users` is declared more than once"),
    ]
    assert [(m.name, m.db_name, [f.name for f in m.fields]) for m in schema.models] == [
        ("orphans", "orphans", ["id"]),  # not bound to a variable: named after the table
        ("users", "users", ["id"]),
        ("bare", "bare", []),
    ]


def test_unreadable_relations_and_constraints() -> None:
    source = (
        PG
        + 'import { relations } from "drizzle-orm";\n'
        + "export const teams = pgTable(\n"  # 3
        + '  "teams",\n'
        + '  { id: integer("id").primaryKey(), parentId: integer("parent_id") },\n'
        + "  (t) => [\n"
        + "    index().on(),\n"  # 7
        + "    foreignKey({ columns: [t.parentId, t.id], foreignColumns: [t.id] }),\n"  # 8
        + "    foreignKey({ columns: [t.parentId], foreignColumns: [t.id] }),\n"  # 9
        + "  ],\n"
        + ");\n"
        + "export const teamsRelations = relations(teams, ({ one, many }) => ({\n"  # 12
        + "  ...common,\n"  # 13
        + "  parent: one(teams, { fields: [teams.parentId], references: [teams.id] }),\n"
        + "  owner: lookup(users),\n"  # 15
        + "  id: many(teams),\n"  # 16
        + "}));\n"
        + "export const ghostRelations = relations(ghosts, ({ many }) => ({ a: many(teams) }));\n"
        + "export const oddRelations = relations(teams, ({ many }) => makeRelations(many));\n"
    )
    schema, errors = extract_drizzle_schema(facts({"teams.ts": source}))
    assert problems(errors) == [
        ("teams.ts", 7, "`teams`: cannot tell which columns index() covers"),
        ("teams.ts", 8, "`teams`: cannot read the foreignKey() columns"),
        ("teams.ts", 13, "relations() of `teams`: cannot read `...`"),
        ("teams.ts", 15, "relations() of `teams`: cannot read `owner`"),
        ("teams.ts", 18, "relations(): `ghosts` is not a known table"),
        ("teams.ts", 19, "relations() of `teams`: cannot read the relations object"),
    ]
    teams = schema.models[0]
    # relations() key `id` is also a column's: kept beside it under another name
    assert (teams.fields[-1].name, teams.fields[-1].orm_name) == ("idRelation", "id")
    # foreignKey() to the table itself (`t.id`), merged with the relations() one()
    assert teams.fields[-2] == Field(
        name="parent",
        type="teams",
        kind=FieldKind.RELATION,
        optional=True,
        relation=Relation(fields=["parentId"], references=["id"]),
        line=9,  # the foreignKey() it merges with
    )


def test_garbage_facts_never_raise() -> None:
    sources = {
        "x.ts": "export const t = pgTable(1, 2, 3);\nexport const u = pgTable(`a${b}`, { ...t });\n"
        "export const s = pgSchema(x).table();\nexport const e = pgEnum();\n"
        "relations(t, () => null); relations(u, (h) => ({ a: h.one() }));\n"
        "export const v = pgTable('v', { a: a, b: b.c.d, c: (() => 1)(), d: text().references() });"
        "\n",
    }
    schema, errors = extract_drizzle_schema(facts(sources))
    assert problems(errors) == [
        ("x.ts", 1, "`t`: the columns are not an object literal"),
        ("x.ts", 2, "`u`: cannot read `...t`"),
        ("x.ts", 3, "`s`: the columns are not an object literal"),
        ("x.ts", 4, "enum `e`: values are not a literal string array"),
        ("x.ts", 5, "relations() of `u`: cannot read `a`"),
        ("x.ts", 5, "relations(): `t` is not a known table"),
        ("x.ts", 6, "column `a` of `v`: cannot read a column builder from `a`"),
        ("x.ts", 6, "column `b` of `v`: cannot read a column builder from `b.c.d`"),
        ("x.ts", 6, "column `c` of `v`: cannot read a column builder from `(() => 1)()`"),
        ("x.ts", 6, "column `d` of `v`: cannot tell what it references"),
    ]
    assert [(m.name, m.db_name, [f.name for f in m.fields]) for m in schema.models] == [
        ("u", None, []),  # a template name with a substitution is no table name
        ("v", "v", ["d"]),
    ]
    assert [(e.name, e.values) for e in schema.enums] == [("e", [])]


def test_an_unexpected_failure_becomes_an_error_entry(monkeypatch: pytest.MonkeyPatch) -> None:
    def failing(*_args: object) -> None:
        raise KeyError("boom")

    monkeypatch.setattr(drizzle, "read_column", failing)
    source = PG + 'export const a = pgTable("a", { id: text("id") });\nexport const b = 1;\n'
    schema, errors = extract_drizzle_schema(facts({"a.ts": source}))
    assert schema.models == []
    assert problems(errors) == [("a.ts", 2, "pgTable(): cannot read this declaration (KeyError)")]


# -- property: mutated valid sources never make the extractor raise -------------------------------

_SOURCES = {
    path.relative_to(FIXTURES).as_posix(): path.read_text(encoding="utf-8")
    for path in sorted(FIXTURES.glob("*/*.ts"))
    if path.parent.name != "broken"
}
_TOKENS = [
    "(",
    ")",
    "{",
    "}",
    "[",
    "]",
    ",",
    ".",
    ":",
    "...",
    "=>",
    "`${",
    '"',
    "'",
    "pgTable(",
    ".references(() => ",
    "relations(",
    "one(",
    "many(",
    ".primaryKey()",
    "index().on(",
    "pgEnum(",
    "export const x = ",
    "t.",
]


@st.composite
def mutated_source(draw: st.DrawFn) -> tuple[str, str]:
    path = draw(st.sampled_from(sorted(_SOURCES)))
    text = _SOURCES[path]
    for _ in range(draw(st.integers(min_value=1, max_value=6))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        cut = draw(st.integers(min_value=0, max_value=40))
        insert = draw(st.sampled_from(_TOKENS) | st.text(max_size=6))
        text = text[:at] + insert + text[at + cut :]
    return path, text


@settings(max_examples=100, deadline=None)
@given(mutated_source())
def test_mutated_sources_never_raise(mutation: tuple[str, str]) -> None:
    path, text = mutation
    files = facts({p: t for p, t in _SOURCES.items() if p.split("/")[0] == path.split("/")[0]})
    files[path] = extract_code_facts(path, text.encode("utf-8", errors="surrogatepass"))
    schema, errors = extract_drizzle_schema(files)
    assert isinstance(schema, Schema)
    assert all(isinstance(e, ParseError) for e in errors)
    # the per-declaration safety net never had to catch anything
    assert not [e for e in errors if "cannot read this declaration" in e.message]
    assert {m.file for m in schema.models} <= set(files)
