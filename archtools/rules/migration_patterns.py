"""Patterns a migration file shows as a whole: table rebuilds, enum swaps, harmless type changes."""

from __future__ import annotations

import re
from collections.abc import Sequence

from archtools.parse.sql_migrations import (
    ActionKind,
    MigrationFile,
    MigrationStatement,
    StatementKind,
)

_ALTERS = (StatementKind.ALTER_TABLE, StatementKind.RENAME)


def redefined_tables(migration: MigrationFile) -> set[str]:
    """Tables rebuilt by copy: DROP TABLE "X" then a rename of "new_X" to "X" (Prisma on SQLite)."""
    dropped: set[str] = set()
    rebuilt: set[str] = set()
    for statement in migration.statements:
        if statement.kind == StatementKind.DROP_TABLE:
            dropped.update(n.casefold() for n in statement.names)
        elif statement.kind in _ALTERS:
            for action in statement.actions:
                target = (action.new_name or "").casefold()
                if action.kind == ActionKind.RENAME and target in dropped:
                    rebuilt.add(target)
    return rebuilt


def type_key(data_type: str | None) -> str:
    """A type's text for comparisons: no quotes, no spaces, upper case."""
    return re.sub(r'[\s"`]', "", data_type or "").upper()


def widening(old: str | None, new: str | None) -> bool:
    """Changes PostgreSQL and MySQL make without rewriting the table (varchar widening)."""
    old_key, new_key = type_key(old), type_key(new)
    old_match = re.fullmatch(r"(?:VARCHAR|CHARACTERVARYING)(?:\((\d+)\))?", old_key)
    if old_match is None:
        return False
    if new_key == "TEXT" or re.fullmatch(r"VARCHAR|CHARACTERVARYING", new_key):
        return True
    new_match = re.fullmatch(r"(?:VARCHAR|CHARACTERVARYING)\((\d+)\)", new_key)
    if new_match is None or old_match.group(1) is None:
        return False
    return int(new_match.group(1)) >= int(old_match.group(1))


def types_created(migration: MigrationFile) -> set[str]:
    """Case-folded names of the types the file creates."""
    return {
        s.name.casefold()
        for s in migration.statements
        if s.kind == StatementKind.CREATE_TYPE and s.name
    }


def enum_swaps(migration: MigrationFile) -> dict[str, tuple[int, str]]:
    """Enum types recreated in this file: old type -> (statement index of the rename, old name)."""
    renamed_to: dict[str, tuple[int, str]] = {}
    swaps: dict[str, tuple[int, str]] = {}
    for si, statement in enumerate(migration.statements):
        if statement.kind == StatementKind.ALTER_TYPE and statement.name:
            for action in statement.actions:
                if action.kind == ActionKind.RENAME and action.new_name:
                    renamed_to[action.new_name.casefold()] = (si, statement.name)
        elif statement.kind == StatementKind.DROP_TYPE:
            for name in statement.names:
                if name.casefold() in renamed_to:
                    swaps[name.casefold()] = renamed_to[name.casefold()]
    return swaps


def type_created_before(statements: Sequence[MigrationStatement], index: int, name: str) -> bool:
    """Whether a statement before `index` creates the type `name`."""
    return any(
        s.kind == StatementKind.CREATE_TYPE and (s.name or "").casefold() == name.casefold()
        for s in statements[:index]
    )


def enum_replacement(statements: Sequence[MigrationStatement], enum: str) -> int | None:
    """Index of the CREATE TYPE whose type this file renames to `enum` (Prisma's "X_new")."""
    target = enum.casefold()
    renamed = {
        s.name.casefold()
        for s in statements
        if s.kind == StatementKind.ALTER_TYPE
        and s.name
        and any(
            a.kind == ActionKind.RENAME and (a.new_name or "").casefold() == target
            for a in s.actions
        )
    }
    return next(
        (
            i
            for i, s in enumerate(statements)
            if s.kind == StatementKind.CREATE_TYPE and (s.name or "").casefold() in renamed
        ),
        None,
    )
