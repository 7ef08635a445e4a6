"""Drizzle: a query-builder chain (`db.select().from(t).where(...)`) or a relational read
(`db.query.notes.findFirst({ where })`), read from the chain's outermost call."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from archtools.analysis.orms.base import DbOp, Orm, OrmContext
from archtools.facts.code import Call, Expr, ExprKind, FileFacts


@dataclass
class _DrizzleShape:
    """What a Drizzle call reads or writes, before its table is matched to a model."""

    table: str | None
    kind: str  # read | write | delete
    where: list[Expr] = field(default_factory=list)
    data: list[Expr] = field(default_factory=list)
    narrowed: bool = False
    returns_rows: bool = True


# the kind of operation each Drizzle query-builder root starts
_DRIZZLE_ROOT_KINDS = {
    "select": "read",
    "selectDistinct": "read",
    "insert": "write",
    "update": "write",
    "delete": "delete",
}

_SUBQUERY_SLOTS = {
    "from",
    "with",
    "leftJoin",
    "rightJoin",
    "innerJoin",
    "fullJoin",
    "leftJoinLateral",
    "innerJoinLateral",
    "crossJoinLateral",
    "inArray",
    "notInArray",
    "exists",
    "notExists",
}


def read_op(ctx: OrmContext, file: str, call: Call) -> DbOp | None:
    head = _chain_head(ctx, file, call)
    segments = head.callee.split(".")
    if len(segments) < 2:
        return None
    operation = segments[-1]
    if len(segments) >= 3 and segments[-3] == "query" and operation in ("findFirst", "findMany"):
        shape = _relational(ctx, file, head, segments[-2])
    elif operation in ctx.knowledge.database.drizzle_roots and operation != "query":
        shape = _builder(ctx.program.chain(file, call), operation)
    else:
        return None
    if shape.table is None:
        return None
    model = ctx.accessors.get(shape.table)
    if model is None:
        # a table imported under another name (`import { user as userTable } from "@/db/schema"`)
        symbol = ctx.program.lookup(file, shape.table.split(".", 1)[0])
        model = ctx.accessors.get(symbol.name) if symbol is not None else None
    if model is None:
        return None
    return DbOp(
        file=file,
        func=call.func,
        line=head.line,
        call=call.index,
        callee=call.callee,
        model=model,
        table=shape.table,
        kind=shape.kind,
        operation=operation,
        where=shape.where,
        data=shape.data,
        narrowed=shape.narrowed,
        returns_rows=shape.returns_rows,
        assigned_to=tuple(call.assigned_to),
        returned=call.returned,
    )


def _chain_head(ctx: OrmContext, file: str, call: Call) -> Call:
    """The innermost call of the method chain `call` ends (Program.chain's first, without the
    list: most calls are no query, and this is asked of every call of every file)."""
    if call.receiver is None:
        return call
    calls = ctx.program.files[file].calls
    seen = {call.index}
    current = call
    while current.receiver is not None and current.receiver not in seen:
        seen.add(current.receiver)
        current = calls[current.receiver]
    return current


def _callback_parts(ctx: OrmContext, file: str, value: Expr) -> list[Expr]:
    """A filter written as a callback (`where: (t, { eq }) => eq(t.id, id)`) stands for the
    arguments of the calls in its body; any other value for itself."""
    if value.func is None:
        return [value]
    return [
        arg for c in ctx.program.files[file].calls if c.func == value.func for arg in c.args
    ] or [value]


def _relational(ctx: OrmContext, file: str, head: Call, table: str) -> _DrizzleShape:
    """A relational read (`db.query.notes.findFirst({ where, columns })`)."""
    shape = _DrizzleShape(table=table, kind="read")
    if head.args and head.args[0].kind == ExprKind.OBJECT:
        for pair in head.args[0].pairs:
            if pair.key == "where":
                shape.where.extend(_callback_parts(ctx, file, pair.value))
            elif pair.key == "columns":
                shape.narrowed = True
    return shape


def _builder(chain: list[Call], operation: str) -> _DrizzleShape:
    """A query-builder chain (`db.select().from(t).where(...)`, `db.insert(t).values(...)`)."""
    head = chain[0]
    shape = _DrizzleShape(table=None, kind=_DRIZZLE_ROOT_KINDS[operation])
    if operation in ("select", "selectDistinct"):
        shape.narrowed = bool(head.args) and head.args[0].kind == ExprKind.OBJECT
    elif head.args and head.args[0].kind == ExprKind.IDENTIFIER:
        shape.table = head.args[0].text
    shape.returns_rows = operation in ("select", "selectDistinct")
    for link in chain[1:]:
        if link.name == "from" and link.args:
            shape.table = link.args[0].text
        elif link.name == "where":
            shape.where.extend(link.args)
        elif link.name in ("values", "set"):
            shape.data.extend(link.args)
        elif link.name == "returning":
            shape.returns_rows = True
            shape.narrowed = shape.narrowed or bool(link.args)
    return shape


def subqueries(facts: FileFacts) -> Callable[[Call], bool]:
    """Drizzle builders handed to another query (`.from(sub)`, `.leftJoinLateral(sub, ...)`,
    `inArray(t.id, sub)`) are parts of it, not operations of their own."""
    inside: set[int | str] = set()
    for c in facts.calls:
        if c.name in _SUBQUERY_SLOTS:
            for arg in c.args:
                inside.update(arg.roots)
                if arg.call is not None:
                    inside.add(arg.call)

    def nested(call: Call) -> bool:
        if call.name == "as" or call.index in inside:
            return True
        return not (call.awaited or call.returned) and any(
            name in inside for name in call.assigned_to
        )

    return nested


def inserts(call: Call) -> str | None:
    """The table of `db.insert(auditLogs)`."""
    if call.name == "insert" and call.args and call.args[0].kind is ExprKind.IDENTIFIER:
        return call.args[0].text
    return None


DRIZZLE = Orm("drizzle", read_op, subqueries=subqueries, inserts=inserts)
