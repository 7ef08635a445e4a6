"""The ways out the migration rules suggest, in the words of the tool that writes and applies the
repository's migrations: Prisma Migrate (@map / @@map, `prisma migrate dev --create-only`, one
migration.sql per folder) or drizzle-kit (`drizzle-kit generate` / `migrate`, `.sql` files in the
drizzle folder, the schema's database names). No Prisma advice in a Drizzle repository."""

from __future__ import annotations

from dataclasses import dataclass

from archtools.parse.sql_migrations import MigrationFile, MigrationSource


@dataclass(frozen=True)
class MigrationTool:
    """One tool's phrases; `{name}` (a table or column) and `{builder}` (the Drizzle table
    function of the dialect) are filled in by `say`."""

    name: str
    # MIG002: why instances of the previous release fail even where they do not use the column
    reads_every_column: str
    # MIG001 / MIG002: a drop that is really a rename keeps the data another way
    keep_table: str
    keep_column: str
    # MIG004: renaming in the code without touching the database
    rename_column: str
    rename_table: str
    # MIG005: a required column's default, declared in the schema
    default_in_schema: str
    # MIG006: how an index is built without blocking writes with this tool
    build_concurrently: str
    # MIG005 / MIG007: where the VALIDATE step goes, and why there (a sentence, or "")
    validate_later: str
    validate_why: str = ""

    def say(self, phrase: str, name: str, dialect: str) -> str:
        """`phrase` (one of the fields) about the table or column `name`."""
        return phrase.format(name=name, builder=_TABLE_BUILDERS.get(dialect, "pgTable"))


_TABLE_BUILDERS = {"postgres": "pgTable", "mysql": "mysqlTable", "sqlite": "sqliteTable"}

PRISMA = MigrationTool(
    name="prisma",
    reads_every_column=" (Prisma Client selects every scalar field of a model by default, so "
    "every query of the model fails, not only those that use the field)",
    keep_table=' If the model was only renamed, @@map("{name}") keeps its table and rows.',
    keep_column=' If the field was only renamed, @map("{name}") keeps its column and data.',
    rename_column=" (Prisma's @map renames a field in the code without touching the database)",
    rename_table=" (Prisma's @@map renames a model in the code without touching the database)",
    default_in_schema=" (@default(...) on the field)",
    build_concurrently="Use CREATE INDEX CONCURRENTLY alone in a migration of its own (it cannot "
    "run inside a transaction block): create it with prisma migrate dev --create-only and edit "
    "its migration.sql.",
    validate_later="in a later migration",
)

DRIZZLE = MigrationTool(
    name="drizzle",
    reads_every_column=" (db.select() and Drizzle's relational queries read every column the "
    "schema declares, so every query of the table fails, not only those that use the column)",
    keep_table=' If the table was only renamed, keep "{name}" as the name {builder}() is given '
    "in the Drizzle schema and rename only the TypeScript export.",
    keep_column=' If the column was only renamed, keep "{name}" as the database name in the '
    "Drizzle schema's column builder and rename only the TypeScript key.",
    rename_column=' (in the Drizzle schema, rename only the TypeScript key and keep "{name}" as '
    "the column's database name, so drizzle-kit generate writes no rename)",
    rename_table=' (in the Drizzle schema, rename only the export and keep "{name}" as the name '
    "{builder}() is given, so drizzle-kit generate writes no rename)",
    default_in_schema=" (.default(...) on the column in the Drizzle schema)",
    build_concurrently="drizzle-kit migrate applies every pending migration inside one "
    "transaction, where CREATE INDEX CONCURRENTLY fails: build the index with CONCURRENTLY "
    "outside it (psql or a script run before the deploy) and keep IF NOT EXISTS in the "
    "generated .sql file so the migration then skips it.",
    validate_later="in a migration of a later deploy",
    validate_why=" drizzle-kit migrate applies every pending migration in one transaction, so a "
    "VALIDATE shipped with it would scan while the first lock is still held.",
)

PLAIN_SQL = MigrationTool(
    name="",
    reads_every_column=" (code that selects every column of the table fails on every query)",
    keep_table="",
    keep_column="",
    rename_column="",
    rename_table="",
    default_in_schema="",
    build_concurrently="Use CREATE INDEX CONCURRENTLY in a migration of its own (it cannot run "
    "inside a transaction block).",
    validate_later="in a later migration",
)

_BY_ORM = {"prisma": PRISMA, "drizzle": DRIZZLE}


def migration_tool(migration: MigrationFile, orm: str | None) -> MigrationTool:
    """The tool that wrote `migration`: its folder says so for Prisma and drizzle-kit files, else
    the repository's schema ORM (`orm`), else plain SQL advice."""
    if migration.source == MigrationSource.PRISMA:
        return PRISMA
    if migration.source == MigrationSource.DRIZZLE:
        return DRIZZLE
    return _BY_ORM.get(orm or "", PLAIN_SQL)
