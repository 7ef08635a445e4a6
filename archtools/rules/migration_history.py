"""What the migration history says before each statement: new tables, column types, enum values."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from archtools.parse.sql_migrations import (
    ActionKind,
    AlterAction,
    ConstraintKind,
    MigrationFile,
    MigrationStatement,
    StatementKind,
)

_T = TypeVar("_T")

# (index of the file in applying order, index of the statement in the file)
Position = tuple[int, int]


@dataclass(frozen=True)
class ColumnState:
    """A column as the history leaves it; None fields are not known."""

    data_type: str | None
    not_null: bool | None
    dropped: bool = False


@dataclass(frozen=True)
class MigrationHistory:
    """Facts gathered in one pass over every migration, looked up by the rules per statement.

    Keys hold the migration set (its folder) and case-folded names, so two apps of a monorepo
    never share tables. `unapplied` holds the indices of the files known not to be applied yet
    (new since the base): tables they create are still empty when the files after them run.
    `orm` is the repository's schema ORM, for files whose folder does not say which tool wrote them.
    """

    files: tuple[MigrationFile, ...]
    tables_created: Mapping[tuple[str, str], tuple[Position, ...]]
    columns: Mapping[tuple[str, str, str], tuple[tuple[Position, ColumnState], ...]]
    enums: Mapping[tuple[str, str], tuple[tuple[Position, tuple[str, ...] | None], ...]]
    not_null_checks: Mapping[tuple[str, str, str], tuple[Position, ...]]
    unapplied: frozenset[int] = frozenset()
    orm: str | None = None

    def is_new_table(self, pos: Position, table: str | None) -> bool:
        """Created earlier in the same migration file, or in an earlier file that is not applied
        yet either, so empty and unseen by running code."""
        if table is None:
            return False
        created = self.tables_created.get(self._key(pos, table), ())
        return any(
            p < pos and (p[0] == pos[0] or {p[0], pos[0]} <= self.unapplied) for p in created
        )

    def column_before(self, pos: Position, table: str, column: str) -> ColumnState | None:
        entries = self.columns.get((*self._key(pos, table), column.casefold()), ())
        return _last_before(entries, pos)

    def enum_before(self, pos: Position, type_name: str) -> tuple[str, ...] | None:
        return _last_before(self.enums.get(self._key(pos, type_name), ()), pos)

    def has_not_null_check(self, pos: Position, table: str, column: str) -> bool:
        checks = self.not_null_checks.get((*self._key(pos, table), column.casefold()), ())
        return any(p < pos for p in checks)

    def _key(self, pos: Position, name: str) -> tuple[str, str]:
        return self.files[pos[0]].directory, name.casefold()


def order_migrations(migrations: Sequence[MigrationFile]) -> list[MigrationFile]:
    """Applying order: by migration set, then by Prisma folder name / drizzle file name."""
    return sorted(migrations, key=lambda m: (m.directory, m.order_key, m.path))


def iter_statements(
    migrations: Sequence[MigrationFile],
) -> Iterator[tuple[Position, MigrationFile, MigrationStatement]]:
    for fi, migration in enumerate(migrations):
        for si, statement in enumerate(migration.statements):
            yield (fi, si), migration, statement


def build_history(
    migrations: Sequence[MigrationFile],
    unapplied: frozenset[int] = frozenset(),
    orm: str | None = None,
) -> MigrationHistory:
    """One pass over the files, in the order given (see order_migrations); `unapplied` and `orm`
    as MigrationHistory describes them."""
    builder = _Builder(tuple(migrations))
    for pos, migration, statement in iter_statements(migrations):
        builder.add(pos, migration.directory, statement)
    return MigrationHistory(
        files=tuple(migrations),
        tables_created={k: tuple(v) for k, v in builder.created.items()},
        columns={k: tuple(v) for k, v in builder.columns.items()},
        enums={k: tuple(v) for k, v in builder.enums.items()},
        not_null_checks={k: tuple(v) for k, v in builder.checks.items()},
        unapplied=unapplied,
        orm=orm,
    )


def _last_before(entries: Sequence[tuple[Position, _T]], pos: Position) -> _T | None:
    found: _T | None = None
    for p, value in entries:
        if p < pos:
            found = value
    return found


class _Builder:
    def __init__(self, files: tuple[MigrationFile, ...]) -> None:
        self.files = files
        self.created: dict[tuple[str, str], list[Position]] = defaultdict(list)
        self.columns: dict[tuple[str, str, str], list[tuple[Position, ColumnState]]] = defaultdict(
            list
        )
        self.enums: dict[tuple[str, str], list[tuple[Position, tuple[str, ...] | None]]] = (
            defaultdict(list)
        )
        self.checks: dict[tuple[str, str, str], list[Position]] = defaultdict(list)
        # NOT VALID checks waiting for VALIDATE CONSTRAINT: (set, table, constraint) -> column
        self.pending: dict[tuple[str, str, str], str] = {}

    def add(self, pos: Position, folder: str, statement: MigrationStatement) -> None:
        kind = statement.kind
        if kind == StatementKind.CREATE_TABLE and statement.table:
            self.created[(folder, statement.table.casefold())].append(pos)
        if kind in (StatementKind.CREATE_TABLE, StatementKind.ALTER_TABLE) and statement.table:
            for action in statement.actions:
                self.table_action(pos, folder, statement.table.casefold(), action)
        name = statement.name.casefold() if statement.name else None
        if kind == StatementKind.CREATE_TYPE and name:
            self.enums[(folder, name)].append((pos, statement.enum_values or None))
        elif kind == StatementKind.DROP_TYPE:
            for dropped in statement.names:
                self.enums[(folder, dropped.casefold())].append((pos, None))
        elif kind == StatementKind.ALTER_TYPE and name:
            for action in statement.actions:
                self.type_action(pos, folder, name, action)

    def column(self, folder: str, table: str, column: str) -> ColumnState | None:
        entries = self.columns.get((folder, table, column.casefold()))
        return entries[-1][1] if entries else None

    def set_column(
        self, pos: Position, folder: str, table: str, column: str, state: ColumnState
    ) -> None:
        self.columns[(folder, table, column.casefold())].append((pos, state))

    def table_action(self, pos: Position, folder: str, table: str, action: AlterAction) -> None:
        column = action.column
        kind = action.kind
        if kind in (ActionKind.ADD_COLUMN, ActionKind.MODIFY_COLUMN) and column:
            state = ColumnState(action.data_type, action.not_null)
            self.set_column(pos, folder, table, column, state)
        elif kind == ActionKind.DROP_COLUMN and column:
            self.set_column(pos, folder, table, column, ColumnState(None, None, dropped=True))
        elif kind == ActionKind.ALTER_COLUMN_TYPE and column:
            before = self.column(folder, table, column)
            not_null = before.not_null if before else None
            self.set_column(pos, folder, table, column, ColumnState(action.data_type, not_null))
        elif kind in (ActionKind.SET_NOT_NULL, ActionKind.DROP_NOT_NULL) and column:
            before = self.column(folder, table, column)
            data_type = before.data_type if before else None
            state = ColumnState(data_type, kind == ActionKind.SET_NOT_NULL)
            self.set_column(pos, folder, table, column, state)
        elif kind == ActionKind.ADD_CONSTRAINT and action.constraint == ConstraintKind.CHECK:
            checked = action.check_not_null_column
            if checked and not action.not_valid:
                self.checks[(folder, table, checked.casefold())].append(pos)
            elif checked and action.constraint_name:
                self.pending[(folder, table, action.constraint_name.casefold())] = checked
        elif kind == ActionKind.VALIDATE_CONSTRAINT and action.constraint_name:
            checked = self.pending.get((folder, table, action.constraint_name.casefold()))
            if checked:
                self.checks[(folder, table, checked.casefold())].append(pos)

    def type_action(self, pos: Position, folder: str, name: str, action: AlterAction) -> None:
        entries = self.enums.get((folder, name))
        values = entries[-1][1] if entries else None
        if action.kind == ActionKind.ADD_VALUE and values is not None and action.value:
            self.enums[(folder, name)].append((pos, (*values, action.value)))
        elif action.kind == ActionKind.RENAME_VALUE and values is not None:
            renamed = tuple(action.new_name if v == action.value else v for v in values)
            self.enums[(folder, name)].append((pos, tuple(v for v in renamed if v)))
        elif action.kind == ActionKind.RENAME and action.new_name:
            self.enums[(folder, name)].append((pos, None))
            self.enums[(folder, action.new_name.casefold())].append((pos, values))
