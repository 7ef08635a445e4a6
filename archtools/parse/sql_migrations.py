"""Prisma and drizzle SQL migration files: which files they are, and each file parsed into facts."""

from __future__ import annotations

import logging
import re
from bisect import bisect_left
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache
from posixpath import basename, dirname

from sqlglot import Dialect, Token, TokenType

from archtools.errors import InputError, ParseError
from archtools.parse.sql_migration_model import (
    ActionKind,
    AlterAction,
    ConstraintKind,
    MigrationFile,
    MigrationSource,
    MigrationStatement,
    StatementKind,
)
from archtools.parse.sql_statements import StatementSource, convert_statement, statement_from_text
from archtools.parse.sql_tokens import rough_split, rough_tokens

__all__ = [
    "ActionKind",
    "AlterAction",
    "ConstraintKind",
    "MigrationFile",
    "MigrationSource",
    "MigrationStatement",
    "StatementKind",
    "dialect_for_provider",
    "find_migration_files",
    "parse_migration",
    "provider_from_migration_lock",
]

_DIALECTS = {"postgres", "mysql", "sqlite", "tsql"}
_PROVIDERS = {
    "postgresql": "postgres",
    "postgres": "postgres",
    "cockroachdb": "postgres",
    "pg": "postgres",
    "mysql": "mysql",
    "singlestore": "mysql",
    "sqlite": "sqlite",
    "turso": "sqlite",
    "libsql": "sqlite",
    "sqlserver": "tsql",
    "mssql": "tsql",
}
_BREAKPOINT = re.compile(r"^[ \t]*-->[ \t]*statement-breakpoint[ \t]*\r?$", re.MULTILINE)
_LOCK_PROVIDER = re.compile(r"""^\s*provider\s*=\s*["']([^"']+)["']""", re.MULTILINE)
_DOLLAR_TAG = re.compile(r"^\$[A-Za-z_0-9]*\$")
_SKIPPED_DIRS = {"node_modules", ".git", ".next", "dist", "build"}
_COMMAND_FALLBACK = "Falling back to parsing as a 'Command'"


def dialect_for_provider(provider: str | None) -> str:
    """sqlglot dialect for a Prisma datasource provider or drizzle `dialect` (default postgres)."""
    return _PROVIDERS.get((provider or "").strip().lower(), "postgres")


def provider_from_migration_lock(text: str) -> str | None:
    """The `provider = "..."` line of Prisma's migrations/migration_lock.toml."""
    match = _LOCK_PROVIDER.search(text)
    return match.group(1) if match else None


def find_migration_files(paths: Sequence[str], drizzle_out: Sequence[str] = ()) -> list[str]:
    """The migration SQL files among repo-relative POSIX paths, sorted.

    Prisma: `<dir>/<migration>/migration.sql` where `<dir>` is named `migrations` or holds a
    migration_lock.toml. Drizzle: `.sql` files directly inside a folder named `drizzle`, a folder
    holding `meta/_journal.json`, or one of `drizzle_out` (the `out` of drizzle.config).
    """
    listed = set(paths)
    outs = {o.strip("/").removeprefix("./") for o in drizzle_out}
    found: set[str] = set()
    for path in listed:
        parts = path.split("/")
        if not path.endswith(".sql") or _SKIPPED_DIRS.intersection(parts[:-1]):
            continue
        folder = dirname(path)
        if parts[-1] == "migration.sql" and len(parts) >= 3:
            root = dirname(folder)
            lock = f"{root}/migration_lock.toml" if root else "migration_lock.toml"
            if parts[-3] == "migrations" or lock in listed:
                found.add(path)
                continue
        journal = f"{folder}/meta/_journal.json" if folder else "meta/_journal.json"
        if (len(parts) >= 2 and parts[-2] == "drizzle") or journal in listed or folder in outs:
            found.add(path)
    return sorted(found)


def parse_migration(path: str, text: str, dialect: str = "postgres") -> MigrationFile:
    """Parse one migration file; never raises on its content (unparsable statements: errors)."""
    if dialect not in _DIALECTS:
        raise InputError(f"unsupported SQL dialect {dialect!r} (one of {sorted(_DIALECTS)})")
    source, order_key, directory = _place(path)
    parser = _FileParser(path, text, _dialect(dialect))
    with _quiet_command_fallback():
        parser.run()
    return MigrationFile(
        path=path,
        source=source,
        dialect=dialect,
        order_key=order_key,
        directory=directory,
        statements=tuple(parser.statements),
        errors=tuple(parser.errors),
    )


def _place(path: str) -> tuple[MigrationSource, str, str]:
    """(source, order key, migration set folder) from where the file sits."""
    if basename(path) == "migration.sql" and "/" in path:
        folder = dirname(path)
        return MigrationSource.PRISMA, basename(folder), dirname(folder)
    name = basename(path)
    drizzle = "drizzle" in path.split("/")[:-1] or re.match(r"^\d{4}_", name) is not None
    source = MigrationSource.DRIZZLE if drizzle else MigrationSource.SQL
    return source, name.removesuffix(".sql"), dirname(path)


@lru_cache(maxsize=8)
def _dialect(name: str) -> Dialect:
    return Dialect.get_or_raise(name)


class _CommandFallbackFilter(logging.Filter):
    """Drops sqlglot's notice that it read a statement as a Command: we classify those ourselves."""

    def filter(self, record: logging.LogRecord) -> bool:
        return _COMMAND_FALLBACK not in record.getMessage()


@contextmanager
def _quiet_command_fallback() -> Iterator[None]:
    logger = logging.getLogger("sqlglot")
    quiet = _CommandFallbackFilter()
    logger.addFilter(quiet)
    try:
        yield
    finally:
        logger.removeFilter(quiet)


class _FileParser:
    """Splits a file into statements (drizzle breakpoints, semicolons, DO bodies), converts each."""

    def __init__(self, path: str, text: str, dialect: Dialect) -> None:
        self.path = path
        self.text = text
        self.dialect = dialect
        self.newlines = [i for i, ch in enumerate(text) if ch == "\n"]
        self.statements: list[MigrationStatement] = []
        self.errors: list[ParseError] = []

    def line_of(self, offset: int) -> int:
        return bisect_left(self.newlines, offset) + 1

    def column_of(self, offset: int) -> int:
        index = bisect_left(self.newlines, offset)
        line_start = self.newlines[index - 1] + 1 if index > 0 else 0
        return offset - line_start + 1

    def run(self) -> None:
        start = 0
        for match in _BREAKPOINT.finditer(self.text):
            self.segment(start, match.start())
            start = match.end()
        self.segment(start, len(self.text))

    def segment(self, start: int, end: int, in_do_block: bool = False) -> None:
        text = self.text[start:end]
        try:
            tokens = self.dialect.tokenize(text)
        except Exception:
            for s, e in rough_split(text):
                self.rough_statement(start + s, start + e, in_do_block)
            return
        for group in _by_semicolon(tokens):
            self.token_statement(start, text, group, in_do_block)

    def rough_statement(self, start: int, end: int, in_do_block: bool) -> None:
        """A statement inside text the tokenizer rejected: retry alone, else read it roughly."""
        text = self.text[start:end]
        try:
            tokens = self.dialect.tokenize(text)
        except Exception as error:
            src = self.source(start, text, in_do_block)
            self.statements.append(statement_from_text(src, rough_tokens(text)))
            self.error(start, f"cannot tokenize statement: {_first_line(str(error))}")
            return
        for group in _by_semicolon(tokens):
            self.token_statement(start, text, group, in_do_block)

    def token_statement(self, base: int, text: str, group: list[Token], in_do_block: bool) -> None:
        first, last = group[0], group[-1]
        sql = text[first.start : last.end + 1]
        if not in_do_block and self.do_block(base, group):
            return
        src = self.source(base + first.start, sql, in_do_block)
        statement, error = convert_statement(src, group, first.start)
        self.statements.append(statement)
        if error is not None:
            self.error(base + first.start, error)

    def do_block(self, base: int, group: list[Token]) -> bool:
        """DO $$ BEGIN <statements> EXCEPTION ... END $$: inner statements count as the file's."""
        if (
            len(group) != 2
            or group[0].text.upper() != "DO"
            or group[1].token_type != TokenType.STRING
        ):
            return False
        body_token = group[1]
        tag = _DOLLAR_TAG.match(body_token.text)
        if tag is None or not body_token.text.endswith(tag.group(0)):
            return False
        body_start = base + body_token.start + len(tag.group(0))
        body_end = base + body_token.start + len(body_token.text) - len(tag.group(0))
        match = re.match(r"\s*BEGIN\b", self.text[body_start:body_end], re.IGNORECASE)
        if match is None:
            return False
        inner_start = body_start + match.end()
        body = self.text[inner_start:body_end]
        stop = re.search(r"\bEXCEPTION\b|\bEND\s*;?\s*$", body, re.IGNORECASE)
        inner_end = inner_start + (stop.start() if stop else len(body))
        self.segment(inner_start, inner_end, in_do_block=True)
        return True

    def source(self, offset: int, sql: str, in_do_block: bool) -> StatementSource:
        return StatementSource(
            file=self.path,
            line=self.line_of(offset),
            sql=sql,
            dialect=self.dialect,
            in_do_block=in_do_block,
        )

    def error(self, offset: int, message: str) -> None:
        self.errors.append(
            ParseError(message, self.path, self.line_of(offset), self.column_of(offset))
        )


def _by_semicolon(tokens: list[Token]) -> Iterator[list[Token]]:
    group: list[Token] = []
    for token in tokens:
        if token.token_type == TokenType.SEMICOLON:
            if group:
                yield group
            group = []
        else:
            group.append(token)
    if group:
        yield group


def _first_line(message: str) -> str:
    stripped = message.strip()
    return stripped.splitlines()[0] if stripped else "cannot parse"
