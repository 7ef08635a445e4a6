"""A Drizzle schema as drizzle-orm itself builds it: the view `make conformance` took from
drizzle-orm (tables, columns, foreign keys, relations()) for our own schema
tests/fixtures/schemas/drizzle/workspace/ is kept as a golden, and archtools' schema must agree
with it item by item. The schema holds what real ones do: a re-exporting entry module, tables
bound through `.enableRLS()`, a column helper declared as a function whose parameter has a
default, `.array()` columns, relation names held in constants, a relations() key that is also a
column's, two relations() of one table with the same key, foreign keys without relations().
Regenerate the golden after `make conformance` installed drizzle-orm with
`benchmarks.conformance_drizzle.orm_view`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from archtools.facts.schema import Field, Model, Relation, Schema
from archtools.loading import load_drizzle_path
from benchmarks.conformance_drizzle import compare_drizzle

DRIZZLE = Path(__file__).parents[1] / "fixtures" / "schemas" / "drizzle"


def _schema() -> Schema:
    schema, problems = load_drizzle_path(DRIZZLE / "workspace" / "index.ts")
    assert problems == []
    return schema


def _view() -> dict[str, Any]:
    view: dict[str, Any] = json.loads((DRIZZLE / "workspace.orm.json").read_text())
    return view


def _model(schema: Schema, name: str) -> Model:
    found = schema.model(name)
    assert found is not None, name
    return found


def _field(model: Model, name: str) -> Field:
    found = model.field(name)
    assert found is not None, name
    return found


def test_the_schema_agrees_with_what_drizzle_orm_builds() -> None:
    compared, differences = compare_drizzle(_schema(), _view())
    assert differences == []
    assert compared == 18  # 12 columns, 3 foreign keys, 3 relations


def test_an_array_default_is_the_postgresql_array_literal() -> None:
    labels = _field(_model(_schema(), "posts"), "labels")
    assert labels.list and labels.default == """'{"draft","new"}'"""


def test_a_sqlite_schema_agrees_with_drizzle_orm_and_drizzle_kits_defaults() -> None:
    # JSON defaults of text columns recorded as quoted JSON, an autoIncrement key without one
    schema, problems = load_drizzle_path(DRIZZLE / "sqlite.ts")
    view = json.loads((DRIZZLE / "sqlite.orm.json").read_text())
    assert problems == []
    assert view["defaults"]["accounts"]["scopes"] == """'["read","write"]'"""
    assert compare_drizzle(schema, view) == (9, [])


def test_tables_bound_through_enable_rls_keep_their_variable_names() -> None:
    schema = _schema()
    assert [(m.name, m.db_name) for m in schema.models] == [("users", "user"), ("posts", "post")]
    assert _field(_model(schema, "posts"), "author").type == "users"


def test_a_function_helper_takes_its_argument_or_its_parameter_default() -> None:
    posts = _model(_schema(), "posts")
    created, updated = _field(posts, "createdAt"), _field(posts, "updatedAt")
    assert (created.db_name, updated.db_name) == ("created_at", "updated_at")
    assert created.native_type == "timestamp (3) with time zone" and not created.optional
    assert created.default == "now()"


def test_relations_as_drizzle_orm_keeps_them() -> None:
    posts = _model(_schema(), "posts")
    relations = {f.name: f for f in posts.fields if f.relation is not None}
    # the export that sorts last wins; its name comes from a constant; the foreign key's
    # action it merged with stays
    assert relations["author"].relation == Relation(
        name="post_author", fields=["authorId"], references=["id"], on_delete="Cascade"
    )
    # a relations() key that is a column's key too: kept beside the column
    made = relations["createdByRelation"]
    assert made.orm_name == "createdBy" and _field(posts, "createdBy").relation is None
    assert made.relation == Relation(fields=["createdBy"], references=["id"], on_delete="SetNull")
    # a foreign key without relations(): a relation field of its own, checked against the key
    assert relations["editedByRelation"].relation == Relation(
        fields=["editedBy"], references=["id"]
    )


def test_each_kind_of_difference_is_reported() -> None:
    view = _view()
    posts = view["tables"]["posts"]
    next(c for c in posts if c["name"] == "tags")["type"] = "text"  # `.array()` is written `[]`
    keys = view["foreignKeys"]["posts"]
    keys[1]["onDelete"] = "cascade"
    keys.append(keys.pop(2) | {"columns": ["tags"]})  # edited_by's key gone, one on tags instead
    view["relations"]["posts"]["createdBy"]["relationName"] = "creator"
    view["defaults"]["posts"]["created_at"] = "CURRENT_TIMESTAMP"
    _, differences = compare_drizzle(_schema(), view)
    assert differences == [
        "posts.tags type: 'text[]' != 'text'",
        "posts.created_at default: 'now()' != 'CURRENT_TIMESTAMP'",
        "posts foreign key ['created_by'] -> user onDelete: 'set null' != 'cascade'",
        "posts foreign key ['tags'] -> user: missing",
        "posts.createdBy relationName: None != 'creator'",
        "posts.editedByRelation relation: neither in drizzle-orm's relations nor a foreign key",
    ]


def test_a_default_read_from_the_environment_is_compared_as_evaluated_without_one() -> None:
    from benchmarks.conformance_drizzle import _as_evaluated_without_env

    # drizzle-kit evaluates the module; the conformance run sets no environment
    template = "`${process.env.BUCKET_URL!}/logo.jpg`"
    assert _as_evaluated_without_env(template) == "'undefined/logo.jpg'"
    assert _as_evaluated_without_env("`${base}/logo.jpg`") == "`${base}/logo.jpg`"
    assert _as_evaluated_without_env("'plain'") == "'plain'"
    assert _as_evaluated_without_env(None) is None
