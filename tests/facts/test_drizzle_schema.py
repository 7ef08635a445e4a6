"""Drizzle schemas from code facts: tables, columns, enums, keys and relations of real code."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from archtools.errors import ParseError
from archtools.facts.code import FileFacts
from archtools.facts.drizzle import extract_drizzle_schema
from archtools.facts.schema import Enum, Field, FieldKind, Model, Orm, Relation, Schema
from archtools.facts.typescript import extract_code_facts

FIXTURES = Path(__file__).parent / "fixtures" / "drizzle"


@cache
def facts_of(*folders: str) -> dict[str, FileFacts]:
    files: dict[str, FileFacts] = {}
    for folder in folders:
        for path in sorted((FIXTURES / folder).glob("*.ts")):
            rel = path.relative_to(FIXTURES).as_posix()
            files[rel] = extract_code_facts(rel, path.read_bytes())
    return files


@cache
def schema_of(*folders: str) -> tuple[Schema, list[ParseError]]:
    return extract_drizzle_schema(facts_of(*folders))


def model(schema: Schema, name: str) -> Model:
    found = schema.model(name)
    assert found is not None, name
    return found


def col(name: str, type_: str, native: str | None, line: int, **extra: Any) -> Field:
    """A scalar column; `db` is the column name (defaults to none)."""
    kind = extra.pop("kind", FieldKind.SCALAR)
    return Field(
        name=name,
        type=type_,
        kind=kind,
        native_type=native,
        db_name=extra.pop("db", None),
        line=line,
        **extra,
    )


def rel(name: str, target: str, line: int | None, **extra: Any) -> Field:
    relation = Relation(
        name=extra.pop("relation_name", None),
        fields=extra.pop("fields", []),
        references=extra.pop("references", []),
        on_delete=extra.pop("on_delete", None),
        on_update=extra.pop("on_update", None),
        enforced=extra.pop("enforced", True),
    )
    return Field(
        name=name, type=target, kind=FieldKind.RELATION, relation=relation, line=line, **extra
    )


# -- PostgreSQL ----------------------------------------------------------------------------------


def test_pg_schema_header_and_enum() -> None:
    schema, errors = schema_of("pg")
    assert errors == []
    assert schema.orm is Orm.DRIZZLE
    assert schema.provider == "postgresql"
    assert schema.sources == ["pg/schema.ts"]  # columns.ts holds shared columns, no table
    assert [m.name for m in schema.models] == ["users", "profiles", "posts", "comments", "postTags"]
    assert schema.enums == [
        Enum(
            name="roleEnum",
            db_name="user_role",
            values=["member", "admin", "owner"],
            file="pg/schema.ts",
            line=25,
        )
    ]


def test_pg_users_columns_types_defaults_and_back_relations() -> None:
    schema, _ = schema_of("pg")
    assert model(schema, "users") == Model(
        name="users",
        db_name="users",
        file="pg/schema.ts",
        line=27,
        primary_key=["id"],
        unique=[["email"]],
        indexes=[["name", "role"]],
        index_lines=[45],
        fields=[
            col("id", "String", "uuid", 30, db="id", id=True, default="gen_random_uuid()"),
            col("email", "String", "varchar(255)", 31, db="email", unique=True),
            col("name", "String", "text", 32, db="name", optional=True),
            col("role", "roleEnum", None, 33, db="role", kind=FieldKind.ENUM, default="'member'"),
            col(
                "balance",
                "Decimal",
                "numeric(12, 2)",
                34,
                db="balance",
                optional=True,
                default="'0'",
            ),
            col("score", "Float", "double precision", 35, db="score", optional=True),
            col("visits", "BigInt", "bigint", 36, db="visits", optional=True, default="0"),
            col("avatar", "Bytes", "bytea", 37, db="avatar", optional=True),
            col("settings", "Json", "jsonb", 38, db="settings", optional=True),
            col(
                "tags",
                "String",
                "text",
                39,
                db="tags",
                optional=True,
                list=True,
                default="'{}'::text[]",
            ),
            col("isActive", "Boolean", "boolean", 40, db="is_active", default="true"),
            # spread from columns.ts: located at the `...timestamps` line of the table's file
            col(
                "createdAt",
                "DateTime",
                "timestamp with time zone",
                41,
                db="created_at",
                default="now()",
            ),
            col(
                "updatedAt",
                "DateTime",
                "timestamp with time zone",
                41,
                db="updated_at",
                default="now()",
                updated_at=True,
            ),
            rel("posts", "posts", 97, list=True, relation_name="author"),
            rel("profile", "profiles", 98, optional=True),
        ],
    )


def test_pg_foreign_keys_merge_with_relations_and_keep_their_actions() -> None:
    schema, _ = schema_of("pg")
    posts = model(schema, "posts")
    relations = [f for f in posts.fields if f.kind is FieldKind.RELATION]
    assert relations == [
        # `.references()` + relations() one() on the same column: one field with the relations()
        # name, located at the foreign key column
        rel(
            "author",
            "users",
            60,
            fields=["authorId"],
            references=["id"],
            on_delete="Cascade",
            on_update="NoAction",
            relation_name="author",
        ),
        # `.references()` alone: named after the referenced table, or the column when taken
        rel(
            "reviewer",
            "users",
            63,
            optional=True,
            fields=["reviewerId"],
            references=["id"],
            on_delete="SetNull",
        ),
        rel("parent", "posts", 64, optional=True, fields=["parentId"], references=["id"]),
        # the other side has one() with fields but no foreign key: not enforced
        rel("comments", "comments", 112, list=True, enforced=False),
    ]
    assert posts.field("authorId") == col("authorId", "String", "uuid", 60, db="author_id")
    assert posts.field("id") == col(
        "id", "Int", "serial", 59, db="id", id=True, default="autoincrement()"
    )
    assert posts.field("body") == col("body", "String", "text", 66, db="body", default="''")
    assert posts.primary_key == ["id"]
    assert posts.unique == [["authorId", "title"]]
    # an expression index (`using("gin", sql`...${table.title}`)`) lists the fields it reads
    assert posts.indexes == [["authorId"], ["title"]]


def test_pg_relation_without_foreign_key_is_not_enforced() -> None:
    schema, _ = schema_of("pg")
    comments = model(schema, "comments")
    assert comments.fields[-1] == rel(
        "post", "posts", 116, fields=["postId"], references=["id"], enforced=False
    )


def test_pg_one_to_one_and_composite_primary_key() -> None:
    schema, _ = schema_of("pg")
    profiles = model(schema, "profiles")
    assert profiles.primary_key == ["userId"]
    assert profiles.fields == [
        col("userId", "String", "uuid", 50, db="user_id", id=True),
        col("bio", "String", "text", 53, db="bio", optional=True),
        rel("user", "users", 50, fields=["userId"], references=["id"], on_delete="Cascade"),
    ]
    post_tags = model(schema, "postTags")
    assert (post_tags.db_name, post_tags.line) == ("post_tags", 83)
    assert post_tags.primary_key == ["postId", "tag"]
    assert post_tags.fields == [
        col("postId", "Int", "integer", 86, db="post_id"),
        col("tag", "String", "text", 89, db="tag"),
        rel("post", "posts", 86, fields=["postId"], references=["id"]),
    ]


# -- MySQL and SQLite ----------------------------------------------------------------------------


def test_mysql_tables_inline_enum_and_schema_table() -> None:
    schema, errors = schema_of("mysql")
    assert errors == []
    assert schema.provider == "mysql"
    assert schema.enums == [
        Enum(name="accounts_plan", values=["free", "pro"], file="mysql/schema.ts", line=20)
    ]
    accounts = model(schema, "accounts")
    assert accounts.indexes == [["email"]]
    assert accounts.fields == [
        col("id", "Int", "int", 19, db="id", id=True, default="autoincrement()"),
        col("plan", "accounts_plan", None, 20, db="plan", kind=FieldKind.ENUM, default="'free'"),
        col("email", "String", "varchar(191)", 21, db="email"),
        col("rating", "Float", "double", 22, db="rating", optional=True),
        col("verified", "Boolean", "boolean", 23, db="verified", default="false"),
        col("createdAt", "DateTime", "timestamp", 24, db="created_at", default="now()"),
        col(
            "updatedAt",
            "DateTime",
            "timestamp",
            25,
            db="updated_at",
            optional=True,
            updated_at=True,
        ),
        col("lastLogin", "DateTime", "datetime", 26, db="last_login", optional=True),
    ]
    invoices = model(schema, "invoices")  # billing.table(...) of mysqlSchema("billing")
    assert (invoices.db_name, invoices.line) == ("invoices", 35)
    assert invoices.fields == [
        col("id", "BigInt", "serial", 36, db="id", id=True, default="autoincrement()"),
        col("accountId", "Int", "int", 37, db="account_id"),
        col("note", "String", "text", 40, db="note", optional=True),
        rel(
            "account", "accounts", 37, fields=["accountId"], references=["id"], on_delete="Restrict"
        ),
    ]


def test_sqlite_modes_array_constraints_and_foreign_key_builder() -> None:
    schema, errors = schema_of("sqlite")
    assert errors == []
    assert schema.provider == "sqlite"
    assert schema.enums == []
    teams = model(schema, "teams")
    assert teams.unique == [["slug"]]
    assert teams.fields == [
        col("id", "Int", "integer", 16, db="id", id=True, default="autoincrement()"),
        col("slug", "String", "text", 17, db="slug"),
        col("archived", "Boolean", "integer", 18, db="archived", default="false"),
        col("createdAt", "DateTime", "integer", 19, db="created_at", default="(unixepoch())"),
        col("meta", "Json", "text", 22, db="meta", optional=True),
        col("logo", "Bytes", "blob", 23, db="logo", optional=True),
        col("ratio", "Float", "real", 24, db="ratio", optional=True),
    ]
    memberships = model(schema, "memberships")
    assert memberships.primary_key == ["teamId", "userId"]
    assert memberships.fields[-1] == rel(
        "team", "teams", 40, fields=["teamId"], references=["id"], on_delete="Cascade"
    )
    assert memberships.field("role") == col(
        "role", "String", "text", 34, db="role", default="'member'"
    )


# -- schema-qualified tables, table creators, the callback column API ----------------------------


def test_pg_schema_tables_creator_and_callback_columns() -> None:
    schema, errors = schema_of("schemas")
    assert errors == []
    assert [(m.name, m.db_name, m.line) for m in schema.models] == [
        ("sessions", "sessions", 14),
        ("auditEvents", "events", 20),
        ("tickets", "acme_tickets", 26),  # pgTableCreator((name) => `acme_${name}`)
    ]
    assert schema.enums == [
        Enum(
            name="ticketStatus",
            db_name="ticket_status",
            values=["open", "closed"],
            file="schemas/schema.ts",
            line=12,
        )
    ]
    assert model(schema, "sessions").fields == [
        col("id", "String", "text", 15, db="id", id=True),
        col("handle", "String", "citext", 16, db="handle"),  # customType dataType() "citext"
        col("status", "ticketStatus", None, 17, db="status", kind=FieldKind.ENUM),
    ]
    assert model(schema, "auditEvents").fields == [
        col("id", "BigInt", "bigserial", 21, db="id", id=True, default="autoincrement()")
    ]
    tickets = model(schema, "tickets")
    assert tickets.indexes == [["title"]]
    assert tickets.fields == [
        col("id", "Int", "integer", 29, id=True, default="autoincrement()"),
        col("title", "String", "varchar(256)", 30),
        col(
            "embedding",
            'Unsupported("vector")',
            "vector(1536)",
            31,
            db="embedding",
            kind=FieldKind.UNSUPPORTED,
            optional=True,
        ),
        col("sessionId", "String", "text", 32, db="session_id", optional=True),
        rel(
            "session",
            "sessions",
            32,
            optional=True,
            fields=["sessionId"],
            references=["id"],
            on_delete="SetDefault",
        ),
    ]


# -- tables, references and relations split across files -----------------------------------------


def test_split_files_resolve_import_aliases() -> None:
    schema, errors = schema_of("split")
    assert errors == []
    assert schema.sources == ["split/posts.ts", "split/users.ts"]
    assert model(schema, "users").fields == [
        col(
            "id", "String", "text", 4, db="id", id=True, client_default="() => crypto.randomUUID()"
        ),
        col(
            "updatedAt", "DateTime", "timestamp", 7, db="updated_at", optional=True, updated_at=True
        ),
        # declared in relations.ts: no line of the table's file to point at
        rel("posts", "posts", None, list=True),
    ]
    assert model(schema, "posts").fields == [
        col("id", "String", "text", 5, db="id", id=True),
        col("ownerId", "String", "text", 6, db="owner_id"),
        # merged with `.references(() => people.id)`: keeps the foreign key's line
        rel("owner", "users", 6, fields=["ownerId"], references=["id"]),
    ]


def test_table_files_and_provider_override() -> None:
    files = {**facts_of("split"), **facts_of("sqlite")}
    route = FIXTURES / "route.ts"
    files["route.ts"] = extract_code_facts("route.ts", route.read_bytes())
    schema, errors = extract_drizzle_schema(files, provider="cockroachdb")
    assert errors == []
    # the route reads tables but declares none
    assert sorted({m.file for m in schema.models}) == [
        "split/posts.ts",
        "split/users.ts",
        "sqlite/schema.ts",
    ]
    assert schema.provider == "cockroachdb"
    # two PostgreSQL tables against two SQLite ones: ties go to PostgreSQL
    assert extract_drizzle_schema(files)[0].provider == "postgresql"
    assert extract_drizzle_schema({"route.ts": files["route.ts"]}) == (
        Schema(orm=Orm.DRIZZLE),
        [],
    )


def test_aliases_helpers_const_enum_values_and_rls_tables() -> None:
    schema, errors = schema_of("misc")
    assert errors == []
    # pgEnum("plan", PLANS) with `const PLANS = [...] as const`
    assert schema.enums == [
        Enum(
            name="planEnum",
            db_name="plan",
            values=["free", "team", "enterprise"],
            file="misc/schema.ts",
            line=6,
        )
    ]
    # pgTable.withRLS(...); `id: id()` returns `string("id").primaryKey()` (text imported as string)
    assert model(schema, "orgs").fields == [
        col("id", "String", "text", 11, db="id", id=True),
        col("plan", "planEnum", None, 12, kind=FieldKind.ENUM, default="'free'"),
        col("seats", "Int", "integer", 13, db="seats", default="1"),
        col("createdAt", "DateTime", "timestamp", 14, db="created_at", default="now()"),
        rel("members", "members", 26, list=True),  # orm.relations(orgs, (helpers) => ...)
    ]
    assert model(schema, "members").fields[-2:] == [
        rel("org", "orgs", 19, fields=["orgId"], references=["id"], on_delete="Cascade"),
        # self-reference whose column name is taken: named after the table
        rel("member", "members", 22, optional=True, fields=["invitedBy"], references=["id"]),
    ]
