"""Indexes that SQL files of the repository create (`CREATE [UNIQUE] INDEX ... ON table (cols)`):
migrations and schema dumps often add indexes the ORM schema never declares. Read from the text
alone, so that a statement sqlglot cannot parse still counts."""

from __future__ import annotations

import re
from dataclasses import dataclass

_CREATE_INDEX = re.compile(
    r"""\bCREATE\s+(?:UNIQUE\s+)?INDEX\s+(?:CONCURRENTLY\s+)?(?:IF\s+NOT\s+EXISTS\s+)?
        (?:[\w"`.]+\s+)?ON\s+(?:ONLY\s+)?(?P<table>[\w"`.]+)\s*
        (?:USING\s+\w+\s*)?\((?P<columns>[^;]*?)\)\s*(?:INCLUDE|WHERE|WITH|TABLESPACE|;|$)""",
    re.IGNORECASE | re.VERBOSE | re.MULTILINE,
)
_NAME = re.compile(r"""^\s*[`"]?([A-Za-z_][\w$]*)[`"]?""")


@dataclass(frozen=True)
class SqlIndex:
    """An index a SQL file creates: its table (without a schema) and its columns in order; an
    expression in place of a column is kept as written."""

    file: str
    line: int
    table: str
    columns: tuple[str, ...]


def sql_indexes(path: str, text: str) -> list[SqlIndex]:
    found: list[SqlIndex] = []
    for match in _CREATE_INDEX.finditer(text):
        table = match.group("table").replace('"', "").replace("`", "").rsplit(".", 1)[-1]
        columns = tuple(_column(part) for part in _split(match.group("columns")))
        if table and columns:
            line = text.count("\n", 0, match.start()) + 1
            found.append(SqlIndex(file=path, line=line, table=table, columns=columns))
    return found


def _split(columns: str) -> list[str]:
    """Split on the commas outside parentheses: `lower(email), "createdAt" DESC`."""
    parts: list[str] = []
    depth = 0
    current = ""
    for char in columns:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current)
            current = ""
        else:
            current += char
    parts.append(current)
    return [p.strip() for p in parts if p.strip()]


def _column(part: str) -> str:
    """`"createdAt" DESC` -> createdAt; an expression (`lower(email)`) stays as written."""
    if "(" in part:
        return part
    match = _NAME.match(part)
    return match.group(1) if match else part
