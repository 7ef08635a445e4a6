"""SQL migration parsing: file discovery, statements with their lines and actions, fallbacks."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from archtools.errors import InputError, ParseError
from archtools.parse.sql_migrations import (
    ActionKind,
    AlterAction,
    ConstraintKind,
    MigrationSource,
    StatementKind,
    dialect_for_provider,
    find_migration_files,
    parse_migration,
    provider_from_migration_lock,
)

PRISMA_PATH = "prisma/migrations/20240101000000_x/migration.sql"


def test_find_migration_files_picks_prisma_and_drizzle_files_only() -> None:
    paths = [
        "prisma/schema.prisma",
        "prisma/migrations/migration_lock.toml",
        "prisma/migrations/20240101000000_init/migration.sql",
        "prisma/seed.sql",
        "db/history/migration_lock.toml",
        "db/history/20240101000000_init/migration.sql",
        "other/20240101000000_init/migration.sql",
        "drizzle/0000_init.sql",
        "drizzle/meta/0000_snapshot.json",
        "src/db/out/0000_brave.sql",
        "src/db/out/meta/_journal.json",
        "config/sql/0001_x.sql",
        "supabase/seed.sql",
        "node_modules/pkg/prisma/migrations/1_x/migration.sql",
        "node_modules/x/drizzle/0000_a.sql",
    ]
    assert find_migration_files(paths) == [
        "db/history/20240101000000_init/migration.sql",
        "drizzle/0000_init.sql",
        "prisma/migrations/20240101000000_init/migration.sql",
        "src/db/out/0000_brave.sql",
    ]
    assert find_migration_files(paths, drizzle_out=["./config/sql/"]) == [
        "config/sql/0001_x.sql",
        "db/history/20240101000000_init/migration.sql",
        "drizzle/0000_init.sql",
        "prisma/migrations/20240101000000_init/migration.sql",
        "src/db/out/0000_brave.sql",
    ]
    assert find_migration_files([]) == []


def test_provider_helpers() -> None:
    lock = '# Please do not edit\nprovider = "postgresql"\n'
    assert provider_from_migration_lock(lock) == "postgresql"
    assert provider_from_migration_lock("# nothing here\n") is None
    assert [dialect_for_provider(p) for p in ("postgresql", "MySQL", "sqlite", "turso")] == [
        "postgres",
        "mysql",
        "sqlite",
        "sqlite",
    ]
    assert dialect_for_provider(None) == "postgres"
    assert dialect_for_provider("sqlserver") == "tsql"


def test_unknown_dialect_is_an_input_error() -> None:
    with pytest.raises(InputError):
        parse_migration(PRISMA_PATH, "SELECT 1;", dialect="oracle-ish")


def test_file_placement_prisma_and_drizzle() -> None:
    prisma = parse_migration("apps/web/prisma/migrations/20240102_add/migration.sql", "")
    assert (prisma.source, prisma.order_key, prisma.directory) == (
        MigrationSource.PRISMA,
        "20240102_add",
        "apps/web/prisma/migrations",
    )
    assert prisma.statements == () and prisma.errors == ()
    drizzle = parse_migration("drizzle/0003_tidy_wolf.sql", "")
    assert (drizzle.source, drizzle.order_key, drizzle.directory) == (
        MigrationSource.DRIZZLE,
        "0003_tidy_wolf",
        "drizzle",
    )
    assert parse_migration("db/setup.sql", "").source == MigrationSource.SQL


PRISMA_MIGRATION = """/*
  Warnings:
  - You are about to drop the column `name` on the `User` table.
*/
-- CreateEnum
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN');

-- CreateTable
CREATE TABLE "Post" (
    "id" SERIAL NOT NULL,
    "title" VARCHAR(255) NOT NULL,
    "authorId" INTEGER,
    CONSTRAINT "Post_pkey" PRIMARY KEY ("id")
);

-- AlterTable
ALTER TABLE "User" DROP COLUMN "name",
ADD COLUMN     "age" INTEGER NOT NULL,
ALTER COLUMN "email" SET NOT NULL,
ALTER COLUMN "score" SET DATA TYPE BIGINT;

-- CreateIndex
CREATE UNIQUE INDEX "Post_title_key" ON "Post"("title");

-- AddForeignKey
ALTER TABLE "Post" ADD CONSTRAINT "Post_authorId_fkey" FOREIGN KEY ("authorId")
REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;
"""


def test_prisma_migration_statements_lines_and_actions() -> None:
    migration = parse_migration(PRISMA_PATH, PRISMA_MIGRATION)
    assert migration.errors == ()
    assert [(s.line, s.kind, s.table, s.name) for s in migration.statements] == [
        (6, StatementKind.CREATE_TYPE, None, "Role"),
        (9, StatementKind.CREATE_TABLE, "Post", "Post"),
        (17, StatementKind.ALTER_TABLE, "User", "User"),
        (23, StatementKind.CREATE_INDEX, "Post", "Post_title_key"),
        (26, StatementKind.ALTER_TABLE, "Post", "Post"),
    ]
    create_type, create_table, alter, index, fk = migration.statements
    assert create_type.enum_values == ("USER", "ADMIN")
    assert create_table.actions == (
        AlterAction(kind=ActionKind.ADD_COLUMN, column="id", data_type="SERIAL", not_null=True,
                    has_default=True),
        AlterAction(kind=ActionKind.ADD_COLUMN, column="title", data_type="VARCHAR(255)",
                    not_null=True),
        AlterAction(kind=ActionKind.ADD_COLUMN, column="authorId", data_type="INT"),
        AlterAction(kind=ActionKind.ADD_CONSTRAINT, constraint=ConstraintKind.PRIMARY_KEY,
                    constraint_name="Post_pkey"),
    )  # fmt: skip
    assert alter.actions == (
        AlterAction(kind=ActionKind.DROP_COLUMN, column="name"),
        AlterAction(kind=ActionKind.ADD_COLUMN, column="age", data_type="INT", not_null=True),
        AlterAction(kind=ActionKind.SET_NOT_NULL, column="email"),
        AlterAction(kind=ActionKind.ALTER_COLUMN_TYPE, column="score", data_type="BIGINT"),
    )
    assert (index.unique, index.concurrently) == (True, False)
    assert fk.actions == (
        AlterAction(kind=ActionKind.ADD_CONSTRAINT, constraint=ConstraintKind.FOREIGN_KEY,
                    constraint_name="Post_authorId_fkey", references="User"),
    )  # fmt: skip
    assert fk.sql.startswith('ALTER TABLE "Post" ADD CONSTRAINT') and fk.sql.endswith("CASCADE")
    assert all(s.parsed and not s.in_do_block for s in migration.statements)


def test_drizzle_breakpoints_and_do_blocks() -> None:
    text = (
        'CREATE TABLE IF NOT EXISTS "users" (\n\t"id" serial PRIMARY KEY NOT NULL\n);\n'
        "--> statement-breakpoint\n"
        "DO $$ BEGIN\n"
        ' ALTER TABLE "posts" ADD CONSTRAINT "posts_fk" FOREIGN KEY ("a") REFERENCES'
        ' "public"."users"("id") ON DELETE no action ON UPDATE no action;\n'
        "EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n"
        "--> statement-breakpoint\n"
        'CREATE INDEX IF NOT EXISTS "users_idx" ON "users" USING btree ("id")'
        "--> statement-breakpoint\n"
    )
    migration = parse_migration("drizzle/0001_x.sql", text)
    assert migration.errors == ()
    assert [(s.line, s.kind, s.table, s.in_do_block) for s in migration.statements] == [
        (1, StatementKind.CREATE_TABLE, "users", False),
        (6, StatementKind.ALTER_TABLE, "posts", True),
        (11, StatementKind.CREATE_INDEX, "users", False),
    ]
    assert migration.statements[0].if_exists is True
    fk = migration.statements[1].actions[0]
    assert (fk.constraint, fk.references, fk.not_valid) == (
        ConstraintKind.FOREIGN_KEY,
        "users",
        False,
    )


def test_statements_sqlglot_reads_as_commands_are_classified_from_tokens(
    caplog: pytest.LogCaptureFixture,
) -> None:
    text = """ALTER TYPE "Role" ADD VALUE IF NOT EXISTS 'MODERATOR';
ALTER TYPE "Role" RENAME TO "Role_old";
ALTER TYPE "Role" RENAME VALUE 'USER' TO 'MEMBER';
ALTER TABLE "Post" VALIDATE CONSTRAINT "Post_fk";
ALTER TABLE "Post" ADD CONSTRAINT "fk" FOREIGN KEY ("a") REFERENCES "User"("id") NOT VALID,
  ADD COLUMN "b" INTEGER NOT NULL DEFAULT 1, RENAME CONSTRAINT "x" TO "y";
CREATE EXTENSION IF NOT EXISTS "pgcrypto";
START TRANSACTION;
CREATE INDEX CONCURRENTLY "i" ON ONLY "public"."Post" ("a");
"""
    with caplog.at_level(logging.WARNING, logger="sqlglot"):
        migration = parse_migration(PRISMA_PATH, text)
    assert "Falling back" not in caplog.text
    kinds = [(s.line, s.kind) for s in migration.statements]
    assert kinds == [
        (1, StatementKind.ALTER_TYPE),
        (2, StatementKind.ALTER_TYPE),
        (3, StatementKind.ALTER_TYPE),
        (4, StatementKind.ALTER_TABLE),
        (5, StatementKind.ALTER_TABLE),
        (7, StatementKind.OTHER),
        (8, StatementKind.BEGIN),
        (9, StatementKind.CREATE_INDEX),
    ]
    add_value, rename, rename_value, validate, multi, _, _, index = migration.statements
    assert add_value.actions == (AlterAction(kind=ActionKind.ADD_VALUE, value="MODERATOR"),)
    assert rename.actions == (AlterAction(kind=ActionKind.RENAME, new_name="Role_old"),)
    assert rename_value.actions == (
        AlterAction(kind=ActionKind.RENAME_VALUE, value="USER", new_name="MEMBER"),
    )
    assert validate.actions == (
        AlterAction(kind=ActionKind.VALIDATE_CONSTRAINT, constraint_name="Post_fk"),
    )
    assert [(a.kind, a.not_valid, a.has_default) for a in multi.actions] == [
        (ActionKind.ADD_CONSTRAINT, True, False),
        (ActionKind.ADD_COLUMN, False, True),
        (ActionKind.OTHER, False, False),
    ]
    # sqlglot rejects ON ONLY: the statement stays, read from its tokens, with a located error.
    assert (index.table, index.schema_name, index.concurrently, index.parsed) == (
        "Post",
        "public",
        True,
        False,
    )
    assert [(e.file, e.line, e.column) for e in migration.errors] == [(PRISMA_PATH, 9, 1)]
    assert all(isinstance(e, ParseError) for e in migration.errors)


def test_mysql_statements() -> None:
    text = """ALTER TABLE `User` MODIFY `name` VARCHAR(191) NOT NULL,
    CHANGE `a` `b` INTEGER NULL;
RENAME TABLE `Post` TO `Article`;
# a MySQL comment
DROP INDEX `User_name_idx` ON `User`;
"""
    migration = parse_migration(PRISMA_PATH, text, dialect="mysql")
    assert migration.errors == ()
    modify, rename, drop_index = migration.statements
    assert modify.actions == (
        AlterAction(kind=ActionKind.MODIFY_COLUMN, column="name", data_type="VARCHAR(191)",
                    not_null=True),
        AlterAction(kind=ActionKind.RENAME_COLUMN, column="a", new_name="b"),
        AlterAction(kind=ActionKind.MODIFY_COLUMN, column="b", data_type="INT"),
    )  # fmt: skip
    assert (rename.line, rename.kind, rename.table) == (3, StatementKind.RENAME, "Post")
    assert rename.actions == (AlterAction(kind=ActionKind.RENAME, new_name="Article"),)
    assert (drop_index.line, drop_index.kind, drop_index.table, drop_index.name) == (
        5,
        StatementKind.DROP_INDEX,
        "User",
        "User_name_idx",
    )


def test_check_not_null_constraint_and_drop_lists() -> None:
    text = (
        'ALTER TABLE "A" ADD CONSTRAINT "c" CHECK ("x" IS NOT NULL) NOT VALID;\n'
        'DROP TABLE IF EXISTS "A", "public"."B" CASCADE;\n'
        'DROP TYPE "Role_old";\n'
        'DROP INDEX CONCURRENTLY "i";\n'
    )
    check, drop_table, drop_type, drop_index = parse_migration(PRISMA_PATH, text).statements
    assert check.actions[0].check_not_null_column == "x" and check.actions[0].not_valid
    assert (drop_table.names, drop_table.if_exists) == (("A", "B"), True)
    assert (drop_type.kind, drop_type.names) == (StatementKind.DROP_TYPE, ("Role_old",))
    assert (drop_index.kind, drop_index.concurrently) == (StatementKind.DROP_INDEX, True)


def test_unparsable_text_keeps_statements_and_reports_errors() -> None:
    text = (
        'ALTER TABLE "User" DROP COLUMN "a";\n'
        "ALTER TABLE ((( garbage;\n"
        "SELECT 'never closed\n"
        'DROP TABLE "x";\n'
    )
    migration = parse_migration(PRISMA_PATH, text)
    assert [(s.line, s.kind, s.parsed) for s in migration.statements] == [
        (1, StatementKind.ALTER_TABLE, True),
        (2, StatementKind.ALTER_TABLE, False),
        (3, StatementKind.OTHER, False),
    ]
    assert [(e.line, e.column) for e in migration.errors] == [(2, 1), (3, 1)]
    assert migration.errors[1].message.startswith("cannot tokenize statement")


_CORPUS = [
    PRISMA_MIGRATION,
    'ALTER TYPE "Role" RENAME TO "Role_old";\nDROP TYPE "Role_old";',
    'DO $$ BEGIN\n ALTER TABLE "a" ADD CONSTRAINT "f" FOREIGN KEY ("b") REFERENCES "c"("id");\n'
    "EXCEPTION\n WHEN duplicate_object THEN null;\nEND $$;\n--> statement-breakpoint\n",
    "ALTER TABLE `User` CHANGE `a` `b` INT NOT NULL; RENAME TABLE `x` TO `y`;",
    'CREATE INDEX CONCURRENTLY "i" ON "t" ("a") WHERE "b" IS NULL;',
]


@st.composite
def mutated_sql(draw: st.DrawFn) -> str:
    text = draw(st.sampled_from(_CORPUS))
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        at = draw(st.integers(min_value=0, max_value=len(text)))
        choice = draw(st.integers(min_value=0, max_value=2))
        if choice == 0:
            noise = draw(st.sampled_from(["'", '"', "`", "$$", ";", "(", ")", "--", "/*", "\n"]))
            text = text[:at] + noise + text[at:]
        elif choice == 1:
            text = text[:at] + text[at + draw(st.integers(min_value=1, max_value=20)) :]
        else:
            text = text[:at] + draw(st.text(max_size=12)) + text[at:]
    return text


def _assert_well_formed(text: str, dialect: str) -> None:
    migration = parse_migration(PRISMA_PATH, text, dialect=dialect)
    last_line = text.count("\n") + 1
    assert all(1 <= s.line <= last_line for s in migration.statements)
    assert all(isinstance(e, ParseError) and e.file == PRISMA_PATH for e in migration.errors)


@settings(
    max_examples=150,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=mutated_sql(), dialect=st.sampled_from(["postgres", "mysql", "sqlite"]))
def test_mutated_sql_never_raises(text: str, dialect: str) -> None:
    _assert_well_formed(text, dialect)


@settings(max_examples=150, deadline=timedelta(seconds=2))
@given(text=st.text(max_size=300))
def test_arbitrary_text_never_raises(text: str) -> None:
    _assert_well_formed(text, "postgres")


def test_data_statements_keep_their_table() -> None:
    text = (
        'INSERT INTO "User" ("id") VALUES (1), (2);\n'
        'UPDATE "public"."Post" SET "a" = 1 WHERE "a" IS NULL;\n'
        'DELETE FROM "Session";\n'
        'TRUNCATE TABLE "Log";\n'
    )
    migration = parse_migration(PRISMA_PATH, text)
    assert [(s.line, s.kind, s.table, s.schema_name) for s in migration.statements] == [
        (1, StatementKind.DATA, "User", None),
        (2, StatementKind.DATA, "Post", "public"),
        (3, StatementKind.DATA, "Session", None),
        (4, StatementKind.DATA, "Log", None),
    ]
