"""What one Prisma or Drizzle operation filters on and writes, by column, and what the schema says
of those columns: the shared reading of DATA003 (dependent writes) and DATA004 (check-then-act).

Prisma names columns as object keys (`where: { email }`, `data: { credits: { decrement: 1 } }`);
Drizzle as members of the table (`where(eq(users.email, email))`, `.set({ credits: sql`...` })`).
Both are read from the facts of the call, its chain and the calls in its arguments."""

from __future__ import annotations

import re
from collections.abc import Iterator

from archtools.analysis.orms import DbOp
from archtools.facts.code import Expr, ExprKind, FileFacts
from archtools.facts.schema import FieldKind, Model, Schema

_DEPTH = 6
# Prisma's logical combinators: their values hold more column filters
_COMBINATORS = ("AND", "OR", "NOT")
# `sql\`${t.count} + 1\``, `sql\`${t.count} - ${n}\``: a column moved relative to itself
_SQL_STEP = re.compile(r"\$\{\s*[\w.\[\]\"']+\s*\}\s*[-+]\s*(?:\d|\$\{)")
_PRISMA_STEPS = ("increment", "decrement")
_TIMESTAMP_TYPE = re.compile(r"date|time", re.I)
_CREATES = ("create", "createMany", "createManyAndReturn", "insert")
_UPDATES = ("update", "updateMany")


def is_create(op: DbOp) -> bool:
    return op.kind == "write" and op.operation in _CREATES


def is_update(op: DbOp) -> bool:
    return op.kind == "write" and op.operation in _UPDATES


def target(op: DbOp) -> str | None:
    """The model the operation touches, or the table variable as written."""
    return op.model or op.table


def written(facts: FileFacts, op: DbOp) -> dict[str, Expr]:
    """The columns the write sets, with their values (`data: { a: x }`, `.set({ a: x })`,
    `.values({ a: x })`; a spread or computed key is kept as written)."""
    found: dict[str, Expr] = {}
    for expr in op.data:
        for obj in _objects(expr):
            for pair in obj.pairs:
                found.setdefault(pair.key, pair.value)
    return found


def stepped(facts: FileFacts, op: DbOp) -> list[str]:
    """The columns the write moves relative to their own value: Prisma's `{ increment: n }` /
    `{ decrement: n }`, Drizzle's `sql`${t.column} - 1``."""
    found: list[str] = []
    for key, value in written(facts, op).items():
        prisma_step = value.kind == ExprKind.OBJECT and any(
            p.key in _PRISMA_STEPS for p in value.pairs
        )
        if prisma_step or _SQL_STEP.search(value.text):
            found.append(key)
    return found


def filtered(facts: FileFacts, op: DbOp) -> set[str]:
    """The columns the operation's filter names: Prisma's `where` keys (inside AND/OR/NOT too, a
    compound unique key `a_b: { a, b }` as its parts; a relation filter as the relation's name),
    Drizzle's `table.column` operands."""
    columns: set[str] = set()
    # `findFirst({ where: (t, { eq }) => eq(t.email, email) })`: the callback's table parameter
    params = _where_params(facts, op)
    for expr in op.where:
        if expr.kind == ExprKind.OBJECT:
            _prisma_keys(expr, columns, 0)
            continue
        for part, depth in _all_parts(facts, expr, 0):
            # a member operand of a call (`eq(users.email, ...)`), or of the callback's body
            for path in part.paths:
                root, _, rest = path.partition(".")
                if not rest or "." in rest:
                    continue
                if root in params or (depth and (op.table is None or root == op.table)):
                    columns.add(rest)
    return columns


def _where_params(facts: FileFacts, op: DbOp) -> set[str]:
    """The first parameter of a `where` callback handed to the operation's call."""
    names: set[str] = set()
    for arg in facts.calls[op.call].args:
        for pair in arg.pairs:
            func = pair.value.func
            if pair.key == "where" and func is not None and facts.functions[func].params:
                names.add(facts.functions[func].params[0].name)
    return names


def _prisma_keys(obj: Expr, columns: set[str], depth: int) -> None:
    for pair in obj.pairs:
        if pair.key == "...":
            continue
        if pair.key in _COMBINATORS and depth < _DEPTH:
            for part in (pair.value, *pair.value.items):
                if part.kind == ExprKind.OBJECT:
                    _prisma_keys(part, columns, depth + 1)
            continue
        columns.add(pair.key)
        if pair.value.kind == ExprKind.OBJECT and "_" in pair.key:
            # `userId_teamId: { userId, teamId }`: a compound unique key
            columns.update(p.key for p in pair.value.pairs if p.key != "...")


def unique_sets(model: Model) -> list[frozenset[str]]:
    """The column sets the schema makes unique: the primary key, `@unique` / `.unique()` columns,
    `@@unique` / `uniqueIndex` and `@@id` sets."""
    sets = [frozenset([f.name]) for f in model.fields if f.id or f.unique]
    if model.primary_key:
        sets.append(frozenset(model.primary_key))
    sets.extend(frozenset(columns) for columns in model.unique)
    return sets


def foreign_keys(model: Model) -> dict[str, str]:
    """The model's foreign-key columns, each with the model it references."""
    return {
        column: field.type
        for field in model.fields
        if field.kind == FieldKind.RELATION and field.relation is not None
        for column in field.relation.fields
    }


def is_link_table(model: Model) -> bool:
    """A join table: every column is a key, a foreign key or a timestamp (`projectId`,
    `referenceId`, `createdAt`)."""
    keys = set(foreign_keys(model))
    if len(keys) < 2:
        return False
    for field in model.fields:
        if field.kind == FieldKind.RELATION or field.name in keys or field.id:
            continue
        if not _TIMESTAMP_TYPE.search(field.type):
            return False
    return True


def schema_model(schema: Schema, op: DbOp) -> Model | None:
    name = target(op)
    return schema.model(name) if name is not None else None


def _objects(expr: Expr) -> Iterator[Expr]:
    """The object literals of a data argument, looking through arrays (`createMany`, a Drizzle
    insert of several rows); a computed argument (`values(rows.map(...))`) has none."""
    if expr.kind == ExprKind.OBJECT:
        yield expr
    elif expr.kind == ExprKind.ARRAY:
        for item in expr.items:
            yield from _objects(item)


def _all_parts(facts: FileFacts, expr: Expr, depth: int) -> Iterator[tuple[Expr, int]]:
    """The expression, its nested objects and arrays, and the arguments of the calls in it
    (`and(eq(t.a, x), eq(t.b, y))`), each with how many calls deep it sits."""
    for part in expr.parts():
        yield part, depth
        if part.call is not None and depth < _DEPTH and part.call < len(facts.calls):
            for arg in facts.calls[part.call].args:
                yield from _all_parts(facts, arg, depth + 1)
