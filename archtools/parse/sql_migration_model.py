"""The facts one SQL migration file yields: its statements, their ALTER actions and parse errors."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from archtools.errors import ParseError


class MigrationSource(StrEnum):
    """Which tool wrote the migration file (it decides the conventions some rules rely on)."""

    PRISMA = "prisma"
    DRIZZLE = "drizzle"
    SQL = "sql"


class StatementKind(StrEnum):
    CREATE_TABLE = "create_table"
    DROP_TABLE = "drop_table"
    ALTER_TABLE = "alter_table"
    CREATE_INDEX = "create_index"
    DROP_INDEX = "drop_index"
    ALTER_INDEX = "alter_index"
    CREATE_TYPE = "create_type"
    ALTER_TYPE = "alter_type"
    DROP_TYPE = "drop_type"
    # A statement of its own that renames a table (MySQL's RENAME TABLE).
    RENAME = "rename"
    BEGIN = "begin"
    COMMIT = "commit"
    ROLLBACK = "rollback"
    # INSERT / UPDATE / DELETE / TRUNCATE / MERGE.
    DATA = "data"
    OTHER = "other"


class ActionKind(StrEnum):
    """One clause of an ALTER TABLE / ALTER TYPE, or one column or constraint of a CREATE TABLE."""

    ADD_COLUMN = "add_column"
    DROP_COLUMN = "drop_column"
    ALTER_COLUMN_TYPE = "alter_column_type"
    SET_NOT_NULL = "set_not_null"
    DROP_NOT_NULL = "drop_not_null"
    SET_DEFAULT = "set_default"
    DROP_DEFAULT = "drop_default"
    # MySQL's MODIFY / CHANGE: the column is restated whole (type, nullability, default).
    MODIFY_COLUMN = "modify_column"
    RENAME_COLUMN = "rename_column"
    # RENAME TO of the statement's object (a table, a type or an index).
    RENAME = "rename"
    ADD_CONSTRAINT = "add_constraint"
    DROP_CONSTRAINT = "drop_constraint"
    VALIDATE_CONSTRAINT = "validate_constraint"
    ADD_VALUE = "add_value"
    RENAME_VALUE = "rename_value"
    OTHER = "other"


class ConstraintKind(StrEnum):
    FOREIGN_KEY = "foreign_key"
    PRIMARY_KEY = "primary_key"
    UNIQUE = "unique"
    CHECK = "check"
    OTHER = "other"


class AlterAction(BaseModel):
    """One change a statement makes to a table or type."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: ActionKind
    column: str | None = None
    # Target name of a rename (table, type, column or enum value).
    new_name: str | None = None
    # The column's type as SQL text (ADD COLUMN, ALTER COLUMN TYPE, MODIFY).
    data_type: str | None = None
    # Column definitions (ADD COLUMN, MODIFY, CREATE TABLE): declared NOT NULL or primary key.
    not_null: bool = False
    # A DEFAULT, an identity/generated/serial/auto-increment column: existing rows get a value.
    has_default: bool = False
    constraint: ConstraintKind | None = None
    constraint_name: str | None = None
    # Referenced table of a foreign key.
    references: str | None = None
    not_valid: bool = False
    # A CHECK constraint of the form `col IS NOT NULL`: the column it proves not null.
    check_not_null_column: str | None = None
    # Enum value added or renamed (ALTER TYPE ... ADD VALUE / RENAME VALUE).
    value: str | None = None


class MigrationStatement(BaseModel):
    """One SQL statement of a migration file, reduced to what the migration rules read."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    file: str
    # 1-based line of the statement's first token in the file.
    line: int
    kind: StatementKind
    # The statement's text as written (without the trailing semicolon).
    sql: str
    # The table the statement concerns (for an index: its table).
    table: str | None = None
    schema_name: str | None = None
    # The statement's own object: table, index or type name.
    name: str | None = None
    # Every object a DROP names (DROP TABLE a, b).
    names: tuple[str, ...] = ()
    actions: tuple[AlterAction, ...] = ()
    concurrently: bool = False
    if_exists: bool = False
    unique: bool = False
    # Values of CREATE TYPE ... AS ENUM (...).
    enum_values: tuple[str, ...] = ()
    # False when sqlglot could not parse it (then it was classified from its tokens or text).
    parsed: bool = True
    # Found inside a DO $$ ... $$ block (as older drizzle-kit versions write foreign keys).
    in_do_block: bool = False


class MigrationFile(BaseModel):
    """One migration file: its statements, its place in the history, what failed to parse."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True)
    path: str
    source: MigrationSource
    dialect: str
    # Sorting key inside its migration set: Prisma's folder name, drizzle's file name.
    order_key: str
    # The folder holding the whole migration history this file belongs to.
    directory: str
    statements: tuple[MigrationStatement, ...] = ()
    errors: tuple[ParseError, ...] = ()
