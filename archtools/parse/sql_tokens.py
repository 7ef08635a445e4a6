"""Token-level reading of SQL statements sqlglot has no tree for: rough split, tokens, shapes."""

from __future__ import annotations

import re
from dataclasses import dataclass

from archtools.parse.sql_migration_model import (
    ActionKind,
    AlterAction,
    ConstraintKind,
    StatementKind,
)


@dataclass(frozen=True)
class Tok:
    """A token; kind: "word" (keyword or bare name), "ident" (quoted name), "string", "punct"."""

    kind: str
    text: str
    # Offsets into the statement text; end is exclusive.
    start: int
    end: int


@dataclass(frozen=True)
class Shape:
    """What the leading tokens of a statement say it does."""

    kind: StatementKind
    table: str | None = None
    schema_name: str | None = None
    name: str | None = None
    names: tuple[str, ...] = ()
    actions: tuple[AlterAction, ...] = ()
    concurrently: bool = False
    if_exists: bool = False
    unique: bool = False
    enum_values: tuple[str, ...] = ()
    # ALTER TABLE: index of the first token after the table name.
    body_start: int = 0
    head_end: int = 0

    def head_sql(self, sql: str) -> str:
        return sql[: self.head_end]


_ROUGH_TOKEN = re.compile(
    r"""--[^\n]*|/\*.*?(?:\*/|\Z)"""
    r"""|"((?:[^"]|"")*)"|`((?:[^`]|``)*)`|'((?:[^']|'')*)'"""
    r"""|([A-Za-z_][A-Za-z0-9_$]*)|([0-9]+(?:\.[0-9]+)?)|(\S)""",
    re.DOTALL,
)
_ROUGH_STATEMENT = re.compile(
    r"""--[^\n]*|/\*.*?(?:\*/|\Z)|'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`(?:[^`]|``)*`?"""
    r"""|\$([A-Za-z_0-9]*)\$.*?(?:\$\1\$|\Z)|;|[^;'"`$/\-\s]+|\s+|.""",
    re.DOTALL,
)
_PUNCT = {"(", ")", ",", ".", ";"}


def rough_tokens(text: str) -> list[Tok]:
    """Tokens from a regular expression that accepts any text (unterminated quotes included)."""
    out: list[Tok] = []
    for m in _ROUGH_TOKEN.finditer(text):
        if m.group(0).startswith(("--", "/*")):
            continue
        if m.group(1) is not None or m.group(2) is not None:
            raw = m.group(1) if m.group(1) is not None else m.group(2)
            out.append(Tok("ident", raw, m.start(), m.end()))
        elif m.group(3) is not None:
            out.append(Tok("string", m.group(3), m.start(), m.end()))
        elif m.group(4) is not None or m.group(5) is not None:
            out.append(Tok("word", m.group(0), m.start(), m.end()))
        else:
            kind = "punct" if m.group(0) in _PUNCT else "word"
            out.append(Tok(kind, m.group(0), m.start(), m.end()))
    return out


def rough_split(text: str) -> list[tuple[int, int]]:
    """(start, end) of each statement: split at semicolons outside quotes, comments, $$ bodies."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for m in _ROUGH_STATEMENT.finditer(text):
        piece = m.group(0)
        if piece == ";":
            if start is not None:
                spans.append((start, end))
            start = None
        elif piece.startswith(("--", "/*")) or piece.isspace():
            continue
        else:
            if start is None:
                start = m.start()
            end = m.end()
    if start is not None:
        spans.append((start, end))
    return spans


def split_top_level(toks: list[Tok]) -> list[list[Tok]]:
    """Split at commas outside parentheses (the clauses of an ALTER TABLE)."""
    parts: list[list[Tok]] = [[]]
    depth = 0
    for t in toks:
        if t.kind == "punct" and t.text == "(":
            depth += 1
        elif t.kind == "punct" and t.text == ")":
            depth = max(0, depth - 1)
        elif t.kind == "punct" and t.text == "," and depth == 0:
            parts.append([])
            continue
        parts[-1].append(t)
    return [p for p in parts if p]


class _Reader:
    """A cursor over tokens with keyword look-ahead (keywords are upper-cased bare words)."""

    def __init__(self, toks: list[Tok]) -> None:
        self.toks = toks
        self.kw = [t.text.upper() if t.kind == "word" else "" for t in toks]
        self.i = 0

    def at(self, offset: int = 0) -> str:
        j = self.i + offset
        return self.kw[j] if 0 <= j < len(self.kw) else ""

    def accept(self, *words: str) -> bool:
        if all(self.at(n) == w for n, w in enumerate(words)):
            self.i += len(words)
            return True
        return False

    def has(self, *words: str) -> bool:
        n = len(words)
        return any(tuple(self.kw[j : j + n]) == words for j in range(self.i, len(self.kw)))

    def name(self) -> tuple[str | None, str | None]:
        """A possibly qualified name: (name, schema)."""
        parts: list[str] = []
        while self.i < len(self.toks) and self.toks[self.i].kind in ("word", "ident"):
            parts.append(self.toks[self.i].text)
            self.i += 1
            if self.i < len(self.toks) and self.toks[self.i].text == ".":
                self.i += 1
                continue
            break
        if not parts:
            return None, None
        return parts[-1], (parts[-2] if len(parts) > 1 else None)

    def strings(self) -> tuple[str, ...]:
        return tuple(t.text for t in self.toks[self.i :] if t.kind == "string")

    def after(self, *words: str) -> str | None:
        """The name following the first occurrence of `words`."""
        n = len(words)
        for j in range(self.i, len(self.kw)):
            if tuple(self.kw[j : j + n]) == words:
                saved, self.i = self.i, j + n
                name = self.name()[0]
                self.i = saved
                return name
        return None


def classify_tokens(toks: list[Tok]) -> Shape:
    """The statement's kind and objects, read from its leading keywords."""
    r = _Reader(toks)
    first = r.at()
    if first == "BEGIN" or r.accept("START", "TRANSACTION"):
        return Shape(StatementKind.BEGIN)
    if first in ("COMMIT", "END"):
        return Shape(StatementKind.COMMIT)
    if first == "ROLLBACK":
        return Shape(StatementKind.ROLLBACK)
    if first in ("INSERT", "UPDATE", "DELETE", "TRUNCATE", "MERGE"):
        r.i = 1
        r.accept("INTO") or r.accept("FROM") or r.accept("TABLE")
        r.accept("ONLY")
        table, schema = r.name()
        return Shape(StatementKind.DATA, table=table, schema_name=schema, name=table)
    if r.accept("CREATE"):
        return _create(r)
    if r.accept("DROP"):
        return _drop(r)
    if r.accept("ALTER"):
        return _alter(r)
    if r.accept("RENAME", "TABLE"):
        old, schema = r.name()
        new = r.after("TO")
        action = AlterAction(kind=ActionKind.RENAME, new_name=new)
        return Shape(
            StatementKind.RENAME, table=old, schema_name=schema, name=old, actions=(action,)
        )
    return Shape(StatementKind.OTHER)


def _create(r: _Reader) -> Shape:
    r.accept("OR", "REPLACE")
    unique = r.accept("UNIQUE")
    for word in ("TEMP", "TEMPORARY", "UNLOGGED", "GLOBAL", "LOCAL"):
        r.accept(word)
    if r.accept("TABLE"):
        exists = r.accept("IF", "NOT", "EXISTS")
        table, schema = r.name()
        return Shape(
            StatementKind.CREATE_TABLE,
            table=table,
            schema_name=schema,
            name=table,
            if_exists=exists,
        )
    if r.accept("INDEX"):
        concurrently = r.accept("CONCURRENTLY")
        exists = r.accept("IF", "NOT", "EXISTS")
        name = None if r.at() == "ON" else r.name()[0]
        table = schema = None
        if r.accept("ON"):
            r.accept("ONLY")
            table, schema = r.name()
        return Shape(
            StatementKind.CREATE_INDEX,
            table=table,
            schema_name=schema,
            name=name,
            concurrently=concurrently,
            if_exists=exists,
            unique=unique,
        )
    if r.accept("TYPE"):
        name, schema = r.name()
        values = r.strings() if r.accept("AS", "ENUM") else ()
        return Shape(StatementKind.CREATE_TYPE, name=name, schema_name=schema, enum_values=values)
    return Shape(StatementKind.OTHER)


def _drop(r: _Reader) -> Shape:
    kinds = {
        "TABLE": StatementKind.DROP_TABLE,
        "INDEX": StatementKind.DROP_INDEX,
        "TYPE": StatementKind.DROP_TYPE,
    }
    kind = kinds.get(r.at())
    if kind is None:
        return Shape(StatementKind.OTHER)
    r.i += 1
    concurrently = r.accept("CONCURRENTLY")
    exists = r.accept("IF", "EXISTS")
    names: list[str] = []
    schema = None
    while True:
        name, part_schema = r.name()
        if name is None:
            break
        names.append(name)
        schema = schema or part_schema
        if not (r.i < len(r.toks) and r.toks[r.i].text == ","):
            break
        r.i += 1
    table = names[0] if kind == StatementKind.DROP_TABLE and names else None
    if kind == StatementKind.DROP_INDEX and r.accept("ON"):
        table = r.name()[0]
    return Shape(
        kind,
        table=table,
        schema_name=schema,
        name=names[0] if names else None,
        names=tuple(names),
        concurrently=concurrently,
        if_exists=exists,
    )


def _alter(r: _Reader) -> Shape:
    if r.accept("TABLE"):
        exists = r.accept("IF", "EXISTS")
        r.accept("ONLY")
        table, schema = r.name()
        head_end = r.toks[r.i - 1].end if r.i > 0 else 0
        return Shape(
            StatementKind.ALTER_TABLE,
            table=table,
            schema_name=schema,
            name=table,
            if_exists=exists,
            body_start=r.i,
            head_end=head_end,
        )
    if r.accept("TYPE"):
        name, schema = r.name()
        return Shape(
            StatementKind.ALTER_TYPE, name=name, schema_name=schema, actions=(_type_action(r),)
        )
    if r.accept("INDEX"):
        r.accept("IF", "EXISTS")
        name, schema = r.name()
        return Shape(StatementKind.ALTER_INDEX, name=name, schema_name=schema)
    return Shape(StatementKind.OTHER)


def _type_action(r: _Reader) -> AlterAction:
    if r.accept("RENAME", "TO"):
        return AlterAction(kind=ActionKind.RENAME, new_name=r.name()[0])
    if r.accept("ADD", "VALUE"):
        r.accept("IF", "NOT", "EXISTS")
        values = r.strings()
        return AlterAction(kind=ActionKind.ADD_VALUE, value=values[0] if values else None)
    if r.accept("RENAME", "VALUE"):
        values = r.strings()
        return AlterAction(
            kind=ActionKind.RENAME_VALUE,
            value=values[0] if values else None,
            new_name=values[1] if len(values) > 1 else None,
        )
    return AlterAction(kind=ActionKind.OTHER)


_NOT_COLUMN = {"CONSTRAINT", "FOREIGN", "PRIMARY", "UNIQUE", "CHECK", "INDEX", "KEY", "DEFAULT"}
_DEFAULT_WORDS = ("DEFAULT", "GENERATED", "IDENTITY", "AUTO_INCREMENT", "AUTOINCREMENT")
_SERIALS = ("SERIAL", "BIGSERIAL", "SMALLSERIAL")


def classify_action(toks: list[Tok]) -> tuple[AlterAction, ...]:
    """One ALTER TABLE clause from its tokens."""
    r = _Reader(toks)
    if r.accept("ADD"):
        r.accept("COLUMN")
        r.accept("IF", "NOT", "EXISTS")
        if r.at() in _NOT_COLUMN:
            return (_constraint(r),)
        return (_column(r, ActionKind.ADD_COLUMN),)
    if r.accept("DROP"):
        if r.accept("CONSTRAINT") or r.accept("FOREIGN", "KEY"):
            r.accept("IF", "EXISTS")
            return (AlterAction(kind=ActionKind.DROP_CONSTRAINT, constraint_name=r.name()[0]),)
        if r.at() in _NOT_COLUMN - {"CONSTRAINT"}:
            return (AlterAction(kind=ActionKind.OTHER),)
        r.accept("COLUMN")
        r.accept("IF", "EXISTS")
        return (AlterAction(kind=ActionKind.DROP_COLUMN, column=r.name()[0]),)
    if r.accept("VALIDATE", "CONSTRAINT"):
        return (AlterAction(kind=ActionKind.VALIDATE_CONSTRAINT, constraint_name=r.name()[0]),)
    if r.accept("RENAME"):
        return (_rename(r),)
    if r.accept("ALTER"):
        r.accept("COLUMN")
        return (_alter_column(r),)
    if r.accept("MODIFY"):
        r.accept("COLUMN")
        return (_column(r, ActionKind.MODIFY_COLUMN),)
    if r.accept("CHANGE"):
        r.accept("COLUMN")
        old = r.name()[0]
        modified = _column(r, ActionKind.MODIFY_COLUMN)
        if old and old != modified.column:
            rename = AlterAction(
                kind=ActionKind.RENAME_COLUMN, column=old, new_name=modified.column
            )
            return (rename, modified)
        return (modified,)
    return (AlterAction(kind=ActionKind.OTHER),)


def _rename(r: _Reader) -> AlterAction:
    if r.accept("TO"):
        return AlterAction(kind=ActionKind.RENAME, new_name=r.name()[0])
    if r.at() in ("CONSTRAINT", "INDEX", "KEY"):
        return AlterAction(kind=ActionKind.OTHER)
    r.accept("COLUMN")
    old = r.name()[0]
    new = r.after("TO")
    return AlterAction(kind=ActionKind.RENAME_COLUMN, column=old, new_name=new)


def _alter_column(r: _Reader) -> AlterAction:
    column = r.name()[0]
    if r.accept("SET", "DATA", "TYPE") or r.accept("TYPE"):
        start = r.i
        end = next((j for j in range(start, len(r.kw)) if r.kw[j] in ("USING", "COLLATE")), None)
        text = " ".join(t.text for t in r.toks[start:end]) or None
        return AlterAction(kind=ActionKind.ALTER_COLUMN_TYPE, column=column, data_type=text)
    for words, kind in (
        (("SET", "NOT", "NULL"), ActionKind.SET_NOT_NULL),
        (("DROP", "NOT", "NULL"), ActionKind.DROP_NOT_NULL),
        (("SET", "DEFAULT"), ActionKind.SET_DEFAULT),
        (("DROP", "DEFAULT"), ActionKind.DROP_DEFAULT),
    ):
        if r.accept(*words):
            return AlterAction(kind=kind, column=column)
    return AlterAction(kind=ActionKind.OTHER, column=column)


def _column(r: _Reader, kind: ActionKind) -> AlterAction:
    column = r.name()[0]
    type_word = r.toks[r.i].text if r.i < len(r.toks) else None
    return AlterAction(
        kind=kind,
        column=column,
        data_type=type_word,
        not_null=r.has("NOT", "NULL") or r.has("PRIMARY", "KEY"),
        has_default=any(r.has(w) for w in _DEFAULT_WORDS) or r.at() in _SERIALS,
        references=r.after("REFERENCES"),
    )


def _constraint(r: _Reader) -> AlterAction:
    name = r.name()[0] if r.accept("CONSTRAINT") else None
    kinds = {
        "FOREIGN": ConstraintKind.FOREIGN_KEY,
        "PRIMARY": ConstraintKind.PRIMARY_KEY,
        "UNIQUE": ConstraintKind.UNIQUE,
        "CHECK": ConstraintKind.CHECK,
    }
    kind = kinds.get(r.at(), ConstraintKind.OTHER)
    check_column = None
    if kind == ConstraintKind.CHECK:
        body = [t for t in r.toks[r.i + 1 :] if t.text not in ("(", ")")]
        words = [t.text.upper() if t.kind == "word" else "" for t in body]
        if len(body) >= 4 and words[1:4] == ["IS", "NOT", "NULL"]:
            check_column = body[0].text
    return AlterAction(
        kind=ActionKind.ADD_CONSTRAINT,
        constraint=kind,
        constraint_name=name,
        references=r.after("REFERENCES") if kind == ConstraintKind.FOREIGN_KEY else None,
        not_valid=r.has("NOT", "VALID"),
        check_not_null_column=check_column,
    )
