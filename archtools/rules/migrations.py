"""Migration safety rules (MIG001-MIG009): SQL migrations that lose data or lock tables."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence

from archtools.parse.sql_migrations import (
    ActionKind,
    ConstraintKind,
    MigrationFile,
    MigrationSource,
    MigrationStatement,
    StatementKind,
)
from archtools.rules.base import Hit
from archtools.rules.migration_advice import migration_tool
from archtools.rules.migration_history import (
    MigrationHistory,
    Position,
    build_history,
    iter_statements,
    order_migrations,
)
from archtools.rules.migration_patterns import (
    enum_replacement,
    enum_swaps,
    redefined_tables,
    type_created_before,
    type_key,
    types_created,
    widening,
)

MigrationRule = Callable[[Sequence[MigrationFile], MigrationHistory], Iterator[Hit]]
"""A rule reads the files in applying order and the history built from that same sequence."""

_ALTERS = (StatementKind.ALTER_TABLE, StatementKind.RENAME)


def _hit(
    rule: str, statement: MigrationStatement, message: str, key: str, table: str | None
) -> Hit:
    return Hit(
        rule=rule, file=statement.file, line=statement.line, message=message, key=key, model=table
    )


def _existing(history: MigrationHistory, pos: Position, table: str | None) -> bool:
    """A table counts as existing unless this migration file created it before this statement."""
    return table is not None and not history.is_new_table(pos, table)


def check_drop_table(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG001: DROP TABLE on a table that holds data."""
    rebuilt = {fi: redefined_tables(m) for fi, m in enumerate(migrations)}
    for pos, migration, statement in iter_statements(migrations):
        if statement.kind != StatementKind.DROP_TABLE:
            continue
        tool = migration_tool(migration, history.orm)
        for table in statement.names:
            if not _existing(history, pos, table) or table.casefold() in rebuilt[pos[0]]:
                continue
            yield _hit(
                "MIG001",
                statement,
                f"DROP TABLE {table} deletes the table and every row in it, and app instances "
                "still running the previous release fail on every query that touches it. Ship "
                "code that no longer uses the table first, back up or archive its rows, then "
                "drop it in a later migration."
                + tool.say(tool.keep_table, table, migration.dialect),
                f"drop-table:{table}",
                table,
            )


def check_drop_column(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG002: ALTER TABLE ... DROP COLUMN on an existing table."""
    for pos, migration, statement in iter_statements(migrations):
        if statement.kind != StatementKind.ALTER_TABLE or not _existing(
            history, pos, statement.table
        ):
            continue
        tool = migration_tool(migration, history.orm)
        for action in statement.actions:
            if action.kind == ActionKind.DROP_COLUMN and action.column:
                yield _hit(
                    "MIG002",
                    statement,
                    f"Dropping column {statement.table}.{action.column} deletes its data for good, "
                    "and instances still running the previous release fail when they select or "
                    f"write it{tool.reads_every_column}. Stop reading and writing the column in a "
                    "deployed release first, back it up, then drop it in a later migration."
                    + tool.say(tool.keep_column, action.column, migration.dialect),
                    f"drop-column:{statement.table}.{action.column}",
                    statement.table,
                )


def check_alter_column_type(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG003: ALTER COLUMN ... TYPE (or MySQL MODIFY to another type) on an existing table."""
    created_types = {fi: types_created(m) for fi, m in enumerate(migrations)}
    for pos, _, statement in iter_statements(migrations):
        table = statement.table
        if statement.kind != StatementKind.ALTER_TABLE or table is None:
            continue
        if not _existing(history, pos, table):
            continue
        for action in statement.actions:
            if action.column is None or action.kind not in (
                ActionKind.ALTER_COLUMN_TYPE,
                ActionKind.MODIFY_COLUMN,
            ):
                continue
            before = history.column_before(pos, table, action.column)
            old_type = before.data_type if before and not before.dropped else None
            if widening(old_type, action.data_type):
                continue
            if action.kind == ActionKind.MODIFY_COLUMN and (
                old_type is None or type_key(old_type) == type_key(action.data_type)
            ):
                continue
            # The enum swap Prisma writes (CREATE TYPE "X_new" ... TYPE "X_new") is MIG008's.
            base_type = type_key(action.data_type).removesuffix("[]").rsplit(".", 1)[-1].casefold()
            if base_type in created_types[pos[0]]:
                continue
            was = f" from {old_type}" if old_type else ""
            yield _hit(
                "MIG003",
                statement,
                f"Changing the type of {table}.{action.column}{was} to {action.data_type} "
                "rewrites the whole table under an ACCESS EXCLUSIVE lock (reads and writes wait) "
                "and fails or truncates on values that do not convert; running code may still "
                "send the old type. Add a new column, backfill it in batches, switch the code, "
                "then drop the old column.",
                f"alter-column-type:{table}.{action.column}",
                table,
            )


def check_rename(migrations: Sequence[MigrationFile], history: MigrationHistory) -> Iterator[Hit]:
    """MIG004: renaming a table or a column that running code still uses."""
    rebuilt = {fi: redefined_tables(m) for fi, m in enumerate(migrations)}
    for pos, migration, statement in iter_statements(migrations):
        table = statement.table
        if table is None or statement.kind not in _ALTERS or not _existing(history, pos, table):
            continue
        tool = migration_tool(migration, history.orm)
        for action in statement.actions:
            if action.kind == ActionKind.RENAME_COLUMN and action.column and action.new_name:
                subject = f"column {table}.{action.column} to {action.new_name}"
                key = f"rename:{table}.{action.column}->{action.new_name}"
                in_code = tool.say(tool.rename_column, action.column, migration.dialect)
            elif action.kind == ActionKind.RENAME and action.new_name:
                if action.new_name.casefold() in rebuilt[pos[0]]:
                    continue
                subject = f"table {table} to {action.new_name}"
                key = f"rename:{table}->{action.new_name}"
                in_code = tool.say(tool.rename_table, table, migration.dialect)
            else:
                continue
            yield _hit(
                "MIG004",
                statement,
                f"Renaming {subject} breaks every app instance still running the previous "
                "release: its queries name the old identifier and fail until the deploy "
                "finishes (and for good if the migration and the deploy drift apart). Expand "
                "and contract instead: add the new name, write to both, backfill, switch reads, "
                f"drop the old one later{in_code}.",
                key,
                table,
            )


def check_not_null_without_default(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG005: a required column without default, or SET NOT NULL, on an existing table."""
    for pos, migration, statement in iter_statements(migrations):
        table = statement.table
        if statement.kind != StatementKind.ALTER_TABLE or table is None:
            continue
        if not _existing(history, pos, table):
            continue
        tool = migration_tool(migration, history.orm)
        for action in statement.actions:
            column = action.column
            if column is None:
                continue
            key = f"not-null-without-default:{table}.{column}"
            if action.kind == ActionKind.ADD_COLUMN and action.not_null and not action.has_default:
                message = (
                    f"Adding {table}.{column} as NOT NULL without a DEFAULT fails as soon as the "
                    "table has a row (MySQL fills in zero values instead), so the deploy breaks "
                    "in production while passing on an empty dev database. Add the column with "
                    f"a DEFAULT{tool.default_in_schema}, or add it nullable, backfill it, then "
                    "make it required."
                )
            elif action.kind == ActionKind.SET_NOT_NULL and not history.has_not_null_check(
                pos, table, column
            ):
                message = (
                    f"SET NOT NULL on {table}.{column} scans the whole table under an ACCESS "
                    "EXCLUSIVE lock, blocking reads and writes, and fails if any row is NULL. "
                    f'Backfill first, add CHECK ("{column}" IS NOT NULL) NOT VALID, VALIDATE '
                    f"it {tool.validate_later}, then SET NOT NULL (PostgreSQL 12+ then skips "
                    f"the scan).{tool.validate_why}"
                )
            elif action.kind == ActionKind.MODIFY_COLUMN and action.not_null:
                before = history.column_before(pos, table, column)
                if before is None or before.dropped or before.not_null is not False:
                    continue
                message = (
                    f"Making {table}.{column} NOT NULL rebuilds the table and fails in strict "
                    "mode (or silently turns NULLs into zero values otherwise) if any row is "
                    "NULL. Backfill the column first, then run the change with "
                    "ALGORITHM=INPLACE, LOCK=NONE so writes go on during the rebuild."
                )
            else:
                continue
            yield _hit("MIG005", statement, message, key, table)


def check_index_without_concurrently(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG006: CREATE INDEX without CONCURRENTLY on an existing PostgreSQL table."""
    for pos, migration, statement in iter_statements(migrations):
        if migration.dialect != "postgres" or statement.kind != StatementKind.CREATE_INDEX:
            continue
        if statement.concurrently or not _existing(history, pos, statement.table):
            continue
        name = statement.name or f"{statement.table} index"
        tool = migration_tool(migration, history.orm)
        yield _hit(
            "MIG006",
            statement,
            f"CREATE INDEX {name} on {statement.table} without CONCURRENTLY blocks every write "
            "to the table (SHARE lock) for as long as the build takes: minutes on a large "
            f"table. {tool.build_concurrently}",
            f"index-without-concurrently:{statement.name or statement.table}",
            statement.table,
        )


def check_foreign_key_without_not_valid(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG007: ADD CONSTRAINT ... FOREIGN KEY without NOT VALID on an existing PostgreSQL table."""
    for pos, migration, statement in iter_statements(migrations):
        if migration.dialect != "postgres" or statement.kind != StatementKind.ALTER_TABLE:
            continue
        if not _existing(history, pos, statement.table):
            continue
        tool = migration_tool(migration, history.orm)
        for action in statement.actions:
            if (
                action.kind != ActionKind.ADD_CONSTRAINT
                or action.constraint != ConstraintKind.FOREIGN_KEY
                or action.not_valid
            ):
                continue
            name = action.constraint_name or f"foreign key to {action.references}"
            yield _hit(
                "MIG007",
                statement,
                f"Adding {name} on {statement.table} checks every existing row while holding a "
                f"SHARE ROW EXCLUSIVE lock on {statement.table} and on {action.references}, so "
                "writes to both tables wait for the whole scan. Add it with NOT VALID, then "
                f"run ALTER TABLE ... VALIDATE CONSTRAINT {tool.validate_later} (that only "
                f"takes a lock that lets writes through).{tool.validate_why}",
                f"foreign-key-without-not-valid:{statement.table}.{action.constraint_name or name}",
                statement.table,
            )


def check_enum_value_removal(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG008: an enum recreated without some values (Prisma's swap), or DROP TYPE."""
    for fi, migration in enumerate(migrations):
        swaps = enum_swaps(migration)
        statements = migration.statements
        for rename_index, enum in sorted(swaps.values()):
            created = enum_replacement(statements, enum)
            old = history.enum_before((fi, rename_index), enum)
            new = statements[created].enum_values if created is not None else ()
            removed = [v for v in old or () if v not in new]
            if old is not None and created is not None and not removed:
                continue
            anchor = statements[created if created is not None else rename_index]
            lost = (
                f" without {', '.join(removed)}"
                if removed
                else ", dropping whatever values it no longer lists"
            )
            yield _hit(
                "MIG008",
                anchor,
                f"Enum {enum} is recreated{lost}: the cast of existing rows fails if any row "
                "still holds a removed value, and instances running the previous release that "
                "write it get errors. Migrate rows and ship code that no longer writes the "
                "value first, then remove it in a later migration.",
                f"enum-value-removal:{enum}",
                None,
            )
        for si, statement in enumerate(statements):
            if statement.kind != StatementKind.DROP_TYPE:
                continue
            for name in statement.names:
                if name.casefold() in swaps or type_created_before(statements, si, name):
                    continue
                yield _hit(
                    "MIG008",
                    statement,
                    f"DROP TYPE {name} removes the type and every value of it; columns, "
                    "functions and running code that still use it fail. Move the columns off "
                    "the type and ship code that no longer uses it before dropping it.",
                    f"enum-value-removal:{name}",
                    None,
                )


_DESTRUCTIVE_ACTIONS = {
    ActionKind.DROP_COLUMN,
    ActionKind.ALTER_COLUMN_TYPE,
    ActionKind.SET_NOT_NULL,
    ActionKind.RENAME_COLUMN,
    ActionKind.RENAME,
}
_CHANGES = {
    StatementKind.CREATE_TABLE,
    StatementKind.DROP_TABLE,
    StatementKind.ALTER_TABLE,
    StatementKind.CREATE_INDEX,
    StatementKind.DROP_INDEX,
    StatementKind.ALTER_INDEX,
    StatementKind.CREATE_TYPE,
    StatementKind.ALTER_TYPE,
    StatementKind.DROP_TYPE,
    StatementKind.RENAME,
    StatementKind.DATA,
}
_TRANSACTION = {StatementKind.BEGIN, StatementKind.COMMIT, StatementKind.ROLLBACK}


def _destructive(history: MigrationHistory, pos: Position, statement: MigrationStatement) -> bool:
    """Loses data or breaks running code; changes to tables this file created do neither."""
    kind = statement.kind
    if kind == StatementKind.DROP_TABLE:
        return any(_existing(history, pos, name) for name in statement.names)
    if kind == StatementKind.DROP_TYPE:
        return True
    table = statement.table
    if kind in _ALTERS and table is not None and _existing(history, pos, table):
        for action in statement.actions:
            if action.kind == ActionKind.ALTER_COLUMN_TYPE and action.column:
                before = history.column_before(pos, table, action.column)
                if before is not None and widening(before.data_type, action.data_type):
                    continue
            if action.kind in _DESTRUCTIVE_ACTIONS:
                return True
        return False
    if kind == StatementKind.ALTER_TYPE:
        return any(a.kind in _DESTRUCTIVE_ACTIONS for a in statement.actions)
    return False


def check_migration_without_transaction(
    migrations: Sequence[MigrationFile], history: MigrationHistory
) -> Iterator[Hit]:
    """MIG009: a Prisma migration with several changes, one destructive, and no BEGIN/COMMIT."""
    for fi, migration in enumerate(migrations):
        if migration.source != MigrationSource.PRISMA or migration.dialect != "postgres":
            continue
        statements = migration.statements
        if any(s.kind in _TRANSACTION or s.concurrently for s in statements):
            continue
        changes = [(si, s) for si, s in enumerate(statements) if s.kind in _CHANGES]
        first = next((s for si, s in changes if _destructive(history, (fi, si), s)), None)
        if len(changes) < 2 or first is None:
            continue
        yield _hit(
            "MIG009",
            first,
            f"Migration {migration.order_key} makes {len(changes)} schema changes, some "
            "destructive, with no BEGIN/COMMIT. Prisma Migrate adds no transaction of its own, "
            "so a failure halfway can leave part of it applied and the migration marked failed, "
            "blocking later deploys until someone repairs the database by hand. Wrap it in "
            "BEGIN; ... COMMIT; (or split it into smaller migrations).",
            f"migration-without-transaction:{migration.order_key}",
            None,
        )


MIGRATION_RULES: list[tuple[str, MigrationRule]] = [
    ("MIG001", check_drop_table),
    ("MIG002", check_drop_column),
    ("MIG003", check_alter_column_type),
    ("MIG004", check_rename),
    ("MIG005", check_not_null_without_default),
    ("MIG006", check_index_without_concurrently),
    ("MIG007", check_foreign_key_without_not_valid),
    ("MIG008", check_enum_value_removal),
    ("MIG009", check_migration_without_transaction),
]
"""The only list of migration rules: rule id -> function."""


def rule_hits(
    ordered: Sequence[MigrationFile], history: MigrationHistory, reports: Callable[[str], bool]
) -> list[Hit]:
    """The hits of every rule `reports` selects, over files in applying order, sorted."""
    hits = [
        hit
        for rule_id, rule in MIGRATION_RULES
        if reports(rule_id)
        for hit in rule(ordered, history)
    ]
    return sorted(hits, key=lambda h: (h.file, h.line, h.rule, h.key))


def run_migration_rules(
    migrations: Sequence[MigrationFile],
    reports: Callable[[str], bool] = lambda _rule: True,
    orm: str | None = None,
) -> list[Hit]:
    """Every migration rule `reports` selects over every file (any order in; applying order
    used), sorted hits out; `orm` as MigrationHistory describes it. An audit judges only the
    migrations not yet applied: see migration_judge.judge_migrations."""
    ordered = order_migrations(migrations)
    return rule_hits(ordered, build_history(ordered, orm=orm), reports)
