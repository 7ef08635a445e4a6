"""One SQL statement to a MigrationStatement: from sqlglot's tree if it has one, else its tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlglot import Dialect, Token, TokenType, exp

from archtools.parse.sql_columns import (
    column_action,
    constraint_actions,
    node_name,
    table_parts,
    type_sql,
)
from archtools.parse.sql_migration_model import (
    ActionKind,
    AlterAction,
    MigrationStatement,
    StatementKind,
)
from archtools.parse.sql_tokens import (
    Tok,
    classify_action,
    classify_tokens,
    rough_tokens,
    split_top_level,
)

_PUNCT = {
    TokenType.L_PAREN: "(",
    TokenType.R_PAREN: ")",
    TokenType.COMMA: ",",
    TokenType.DOT: ".",
    TokenType.SEMICOLON: ";",
}
_DATA_NODES = {"Insert", "Update", "Delete", "TruncateTable", "Merge"}
_DATA_VERBS = {"INSERT", "UPDATE", "DELETE", "MERGE", "TRUNCATE"}
_START_TRANSACTION = re.compile(r"^\s*START\s+TRANSACTION\b", re.IGNORECASE)


@dataclass(frozen=True)
class StatementSource:
    """Where a statement sits: its file, start line, text and the dialect that reads it."""

    file: str
    line: int
    sql: str
    dialect: Dialect
    in_do_block: bool = False


def to_toks(tokens: list[Token], offset: int = 0) -> list[Tok]:
    """sqlglot tokens to the neutral tokens the token-level classifier reads."""
    out: list[Tok] = []
    for t in tokens:
        if t.token_type == TokenType.IDENTIFIER:
            kind = "ident"
        elif t.token_type in (TokenType.STRING, TokenType.NATIONAL_STRING):
            kind = "string"
        elif t.token_type in _PUNCT:
            kind = "punct"
        else:
            kind = "word"
        out.append(Tok(kind, t.text, t.start - offset, t.end + 1 - offset))
    return out


def convert_statement(
    src: StatementSource, tokens: list[Token], offset: int
) -> tuple[MigrationStatement, str | None]:
    """The statement's facts, and sqlglot's error message when it could not parse it."""
    toks = to_toks(tokens, offset)
    if tokens[0].token_type in _commands(src.dialect):
        # The tokenizer keeps the rest of a command (DO, RENAME, ...) as one raw string.
        toks = rough_tokens(src.sql)
    if _START_TRANSACTION.match(src.sql):
        return _make(src, StatementKind.BEGIN), None
    if toks and toks[0].kind == "word" and toks[0].text.upper() in _DATA_VERBS:
        # Data statements only need their verb and table; seeds can be large, so skip the parse.
        return _from_toks(src, toks, parsed=True), None
    try:
        trees = src.dialect.parser().parse(tokens, src.sql if offset == 0 else _pad(src, offset))
    except Exception as error:  # sqlglot raises ParseError, TokenError, RecursionError, ...
        return _from_toks(src, toks, parsed=False), _error_text(error)
    tree = next((t for t in trees if t is not None), None)
    if tree is None:
        return _from_toks(src, toks, parsed=False), "empty statement"
    return _from_tree(src, tree, toks), None


def _commands(dialect: Dialect) -> frozenset[TokenType]:
    commands = getattr(dialect.tokenizer_class, "COMMANDS", None) or {TokenType.COMMAND}
    return frozenset(commands)


def statement_from_text(src: StatementSource, toks: list[Tok]) -> MigrationStatement:
    """A statement the tokenizer rejected, classified from a rough split of its text."""
    return _from_toks(src, toks, parsed=False)


def _pad(src: StatementSource, offset: int) -> str:
    # Token offsets are relative to the segment the tokenizer read; sqlglot slices `sql` with them.
    return " " * offset + src.sql


def _error_text(error: Exception) -> str:
    """sqlglot's description of the first problem, without its statement-relative position."""
    details = getattr(error, "errors", None)
    if isinstance(details, list) and details and isinstance(details[0], dict):
        description = details[0].get("description")
        if isinstance(description, str) and description.strip():
            return description.strip().splitlines()[0]
    message = str(error).strip()
    return message.splitlines()[0] if message else type(error).__name__


def _make(src: StatementSource, kind: StatementKind, **fields: Any) -> MigrationStatement:
    return MigrationStatement(
        file=src.file,
        line=src.line,
        kind=kind,
        sql=src.sql,
        in_do_block=src.in_do_block,
        **fields,
    )


def _from_toks(src: StatementSource, toks: list[Tok], parsed: bool) -> MigrationStatement:
    shape = classify_tokens(toks)
    actions = shape.actions
    if shape.kind == StatementKind.ALTER_TABLE and shape.name is not None:
        actions = tuple(
            a
            for part in split_top_level(toks[shape.body_start :])
            for a in _alter_part(src, shape.head_sql(src.sql), part)
        )
    return _make(
        src,
        shape.kind,
        table=shape.table,
        schema_name=shape.schema_name,
        name=shape.name,
        names=shape.names,
        actions=actions,
        concurrently=shape.concurrently,
        if_exists=shape.if_exists,
        unique=shape.unique,
        enum_values=shape.enum_values,
        parsed=parsed,
    )


def _alter_part(src: StatementSource, head: str, part: list[Tok]) -> tuple[AlterAction, ...]:
    """One clause of an ALTER TABLE sqlglot gave up on: parse it alone, else read its tokens."""
    if not part:
        return ()
    text = src.sql[part[0].start : part[-1].end]
    try:
        tree = src.dialect.parse(f"{head} {text}")[0]
    except Exception:
        tree = None
    if isinstance(tree, exp.Alter):
        actions = _alter_actions(src, tree)
        if actions and all(a.kind != ActionKind.OTHER for a in actions):
            return actions
    return classify_action(part)


def _from_tree(src: StatementSource, tree: exp.Expr, toks: list[Tok]) -> MigrationStatement:
    node = type(tree).__name__
    if isinstance(tree, exp.Create):
        return _from_create(src, tree, toks)
    if isinstance(tree, exp.Drop):
        return _from_drop(src, tree)
    if isinstance(tree, exp.Alter):
        kind_text = str(tree.args.get("kind") or "").upper()
        if kind_text not in ("TABLE", "INDEX"):
            return _from_toks(src, toks, parsed=True)
        table, schema = table_parts(tree.this)
        return _make(
            src,
            StatementKind.ALTER_TABLE if kind_text == "TABLE" else StatementKind.ALTER_INDEX,
            table=table if kind_text == "TABLE" else None,
            name=table,
            schema_name=schema,
            actions=_alter_actions(src, tree),
            if_exists=bool(tree.args.get("exists")),
        )
    if node == "Transaction":
        return _make(src, StatementKind.BEGIN)
    if node == "Commit":
        return _make(src, StatementKind.COMMIT)
    if node == "Rollback":
        return _make(src, StatementKind.ROLLBACK)
    if node in _DATA_NODES:
        target = tree.this if node != "TruncateTable" else (tree.expressions or [None])[0]
        table, schema = table_parts(target)
        return _make(src, StatementKind.DATA, table=table, schema_name=schema, name=table)
    if isinstance(tree, exp.Command):
        return _from_toks(src, toks, parsed=True)
    return _make(src, StatementKind.OTHER)


def _from_create(src: StatementSource, tree: exp.Create, toks: list[Tok]) -> MigrationStatement:
    kind_text = str(tree.args.get("kind") or "").upper()
    if kind_text == "TABLE":
        table, schema = table_parts(tree.this)
        actions: list[AlterAction] = []
        if isinstance(tree.this, exp.Schema):
            for item in tree.this.expressions:
                if isinstance(item, exp.ColumnDef):
                    actions.append(column_action(src.dialect, item, ActionKind.ADD_COLUMN))
                else:
                    actions.extend(constraint_actions(item, not_valid=False))
        return _make(
            src,
            StatementKind.CREATE_TABLE,
            table=table,
            name=table,
            schema_name=schema,
            actions=tuple(actions),
            if_exists=bool(tree.args.get("exists")),
        )
    if kind_text == "INDEX" and isinstance(tree.this, exp.Index):
        index = tree.this
        table, schema = table_parts(index.args.get("table"))
        return _make(
            src,
            StatementKind.CREATE_INDEX,
            table=table,
            schema_name=schema,
            name=node_name(index.this),
            concurrently=bool(tree.args.get("concurrently")),
            unique=bool(tree.args.get("unique")),
            if_exists=bool(tree.args.get("exists")),
        )
    if kind_text == "TYPE":
        name, schema = table_parts(tree.this)
        values: tuple[str, ...] = ()
        dtype = tree.expression
        if isinstance(dtype, exp.DataType) and dtype.is_type(exp.DataType.Type.ENUM):
            values = tuple(str(v.this) for v in dtype.expressions if isinstance(v, exp.Literal))
        return _make(
            src, StatementKind.CREATE_TYPE, name=name, schema_name=schema, enum_values=values
        )
    return _from_toks(src, toks, parsed=True)


def _from_drop(src: StatementSource, tree: exp.Drop) -> MigrationStatement:
    kind_text = str(tree.args.get("kind") or "").upper()
    kinds = {
        "TABLE": StatementKind.DROP_TABLE,
        "INDEX": StatementKind.DROP_INDEX,
        "TYPE": StatementKind.DROP_TYPE,
    }
    parts = [table_parts(t) for t in tree.args.get("tables") or []]
    names = tuple(n for n, _ in parts if n)
    name = names[0] if names else None
    schema = parts[0][1] if parts else None
    table = name if kind_text == "TABLE" else None
    on = tree.args.get("cluster")
    if kind_text == "INDEX" and isinstance(on, exp.OnProperty):
        table = table_parts(on.this)[0]
    return _make(
        src,
        kinds.get(kind_text, StatementKind.OTHER),
        table=table,
        schema_name=schema,
        name=name,
        names=names,
        concurrently=bool(tree.args.get("concurrently")),
        if_exists=bool(tree.args.get("exists")),
    )


def _alter_actions(src: StatementSource, tree: exp.Alter) -> tuple[AlterAction, ...]:
    not_valid = bool(tree.args.get("not_valid"))
    out: list[AlterAction] = []
    for action in tree.args.get("actions") or []:
        out.extend(_alter_action(src, action, not_valid))
    return tuple(out)


def _alter_action(src: StatementSource, action: Any, not_valid: bool) -> list[AlterAction]:
    node = type(action).__name__
    if isinstance(action, exp.ColumnDef):
        return [column_action(src.dialect, action, ActionKind.ADD_COLUMN)]
    if isinstance(action, exp.Drop):
        kind_text = str(action.args.get("kind") or "").upper()
        targets = [node_name(t) for t in action.args.get("tables") or []]
        if kind_text == "COLUMN":
            return [AlterAction(kind=ActionKind.DROP_COLUMN, column=t) for t in targets]
        if kind_text in ("CONSTRAINT", "FOREIGN KEY"):
            return [
                AlterAction(kind=ActionKind.DROP_CONSTRAINT, constraint_name=t) for t in targets
            ]
        return [AlterAction(kind=ActionKind.OTHER)]
    if node == "AlterColumn":
        return [_alter_column(src, action)]
    if node == "ModifyColumn" and isinstance(action.this, exp.ColumnDef):
        modified = column_action(src.dialect, action.this, ActionKind.MODIFY_COLUMN)
        old = node_name(action.args.get("rename_from"))
        if old and old != modified.column:
            rename = AlterAction(
                kind=ActionKind.RENAME_COLUMN, column=old, new_name=modified.column
            )
            return [rename, modified]
        return [modified]
    if node == "RenameColumn":
        return [
            AlterAction(
                kind=ActionKind.RENAME_COLUMN,
                column=node_name(action.this),
                new_name=node_name(action.args.get("to")),
            )
        ]
    if node == "AlterRename":
        return [AlterAction(kind=ActionKind.RENAME, new_name=table_parts(action.this)[0])]
    if node == "AddConstraint":
        return [c for item in action.expressions for c in constraint_actions(item, not_valid)]
    return [AlterAction(kind=ActionKind.OTHER)]


def _alter_column(src: StatementSource, action: Any) -> AlterAction:
    column = node_name(action.this)
    dtype = action.args.get("dtype")
    if dtype is not None:
        return AlterAction(
            kind=ActionKind.ALTER_COLUMN_TYPE, column=column, data_type=type_sql(src.dialect, dtype)
        )
    allow_null = action.args.get("allow_null")
    if allow_null is not None:
        kind = ActionKind.DROP_NOT_NULL if allow_null else ActionKind.SET_NOT_NULL
        return AlterAction(kind=kind, column=column)
    if action.args.get("default") is not None:
        return AlterAction(kind=ActionKind.SET_DEFAULT, column=column)
    if action.args.get("drop"):
        return AlterAction(kind=ActionKind.DROP_DEFAULT, column=column)
    return AlterAction(kind=ActionKind.OTHER, column=column)
