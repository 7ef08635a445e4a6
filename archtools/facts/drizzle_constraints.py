"""The third argument of a Drizzle table: primary key, unique constraints, indexes, foreign keys."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from archtools.facts.code import Call, Expr, ExprKind
from archtools.facts.drizzle_columns import ForeignKey, normalize_action
from archtools.facts.drizzle_symbols import Symbols, last_segment, pair_value, string_of

_UNIQUE_ROOTS = frozenset({"unique", "uniqueIndex"})
_INDEX_ROOTS = frozenset({"index"}) | _UNIQUE_ROOTS


@dataclass
class Constraints:
    primary_key: list[str] | None = None
    unique: list[list[str]] = field(default_factory=list)
    indexes: list[list[str]] = field(default_factory=list)
    index_lines: list[int | None] = field(default_factory=list)
    foreign_keys: list[ForeignKey] = field(default_factory=list)


@dataclass(frozen=True)
class _Scope:
    symbols: Symbols
    file: str
    table: str  # the table's variable name
    roots: frozenset[str]  # names that stand for the table: callback parameters, the variable


def _path_field(scope: _Scope, path: str) -> str | None:
    segments = path.split(".")
    if len(segments) == 2 and segments[0] in scope.roots:
        return segments[1]
    return None


def _fields_of(scope: _Scope, expr: Expr) -> list[str]:
    """Field names an index entry names: `t.a`, `t.a.asc()`, sql`lower(${t.a})`, `a`."""
    if expr.kind is ExprKind.IDENTIFIER:
        return [expr.text]
    if expr.kind is ExprKind.MEMBER:
        name = _path_field(scope, expr.paths[0]) if len(expr.paths) == 1 else None
        return [name] if name else []
    if expr.kind is ExprKind.CALL:
        chain = scope.symbols.chain(scope.file, expr.call)
        if not chain:
            return []
        inner = chain[-1]
        if inner.tagged_template and inner.args:
            names = (_path_field(scope, p) for p in inner.args[0].paths)
            return [n for n in names if n]
        name = _path_field(scope, inner.callee.rpartition(".")[0])
        return [name] if name else []
    return []


def _fields(scope: _Scope, exprs: Sequence[Expr]) -> list[str]:
    found: list[str] = []
    for expr in exprs:
        for name in _fields_of(scope, expr):
            if name not in found:
                found.append(name)
    return found


def _array(expr: Expr | None) -> Sequence[Expr]:
    return expr.items if expr is not None and expr.kind is ExprKind.ARRAY else ()


def _foreign_key(scope: _Scope, chain: list[Call]) -> ForeignKey | None:
    root = chain[-1]
    config = root.args[0] if root.args else None
    columns = _fields(scope, _array(pair_value(config, "columns")))
    targets = [p for e in _array(pair_value(config, "foreignColumns")) for p in e.paths[:1]]
    tables = {p.split(".")[0] for p in targets}
    if not columns or len(targets) != len(columns) or len(tables) != 1:
        return None
    table = next(iter(tables))
    actions = {last_segment(c.callee): string_of(c.args[0]) for c in chain[:-1] if c.args}
    return ForeignKey(
        fields=columns,
        target=scope.table if table in scope.roots else scope.symbols.canonical(scope.file, table),
        references=[p.split(".")[-1] for p in targets],
        on_delete=normalize_action(actions.get("onDelete")),
        on_update=normalize_action(actions.get("onUpdate")),
        line=root.line,
    )


def _index_fields(scope: _Scope, chain: list[Call]) -> list[str]:
    for call in chain[:-1]:
        if call.name in ("on", "onOnly"):
            return _fields(scope, call.args)
        if call.name == "using":
            return _fields(scope, call.args[1:])
    return []


def read_constraints(
    symbols: Symbols, file: str, table: str, callback: Expr | None, errors: list[tuple[str, int]]
) -> Constraints:
    """Keys declared by `(t) => ({ ... })` or `(t) => [ ... ]`; unreadable ones go to `errors`."""
    found = Constraints()
    if callback is None or callback.kind is not ExprKind.FUNCTION or callback.func is None:
        return found
    functions = symbols.files[file].functions
    if not 0 <= callback.func < len(functions):
        return found
    params = {n for p in functions[callback.func].params for n in p.names}
    scope = _Scope(symbols, file, table, frozenset(params | {table}))
    for outer in symbols.outermost_calls(file, callback.func):
        chain = symbols.chain(file, outer.index)
        root = last_segment(chain[-1].callee)
        if root == "primaryKey":
            config = chain[-1].args[0] if chain[-1].args else None
            listed = pair_value(config, "columns")
            found.primary_key = _fields(scope, _array(listed) if listed else chain[-1].args)
        elif root in _INDEX_ROOTS:
            columns = _index_fields(scope, chain)
            if not columns:
                errors.append((f"`{table}`: cannot tell which columns {root}() covers", outer.line))
            elif root in _UNIQUE_ROOTS:
                found.unique.append(columns)
            else:
                found.indexes.append(columns)
                found.index_lines.append(outer.line)
        elif root == "foreignKey":
            foreign_key = _foreign_key(scope, chain)
            if foreign_key is None:
                errors.append((f"`{table}`: cannot read the foreignKey() columns", outer.line))
            else:
                found.foreign_keys.append(foreign_key)
    return found
