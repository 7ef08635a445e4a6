"""Prisma: `prisma.note.findUnique({ where, select })`, one call per operation."""

from __future__ import annotations

from archtools.analysis.orms.base import DbOp, Orm, OrmContext
from archtools.facts.code import Call, Expr, ExprKind
from archtools.facts.schema import Orm as SchemaOrm


def read_op(ctx: OrmContext, file: str, call: Call) -> DbOp | None:
    if ctx.schema.orm == SchemaOrm.DRIZZLE:
        return None  # `api.highlights.delete()` in a Drizzle app is no Prisma delegate
    segments = call.callee.split(".")
    if len(segments) < 2 or "()" in call.callee:
        return None
    kind = ctx.knowledge.prisma_kind(segments[-1])
    model = ctx.accessors.get(segments[-2])
    if kind is None or model is None or segments[-3:-2] == ["query"]:
        return None
    where: list[Expr] = []
    data: list[Expr] = []
    narrowed = False
    if call.args and call.args[0].kind == ExprKind.OBJECT:
        for pair in call.args[0].pairs:
            if pair.key == "where":
                where.append(pair.value)
            elif pair.key in ("data", "create", "update"):
                data.append(pair.value)
            elif pair.key in ("select", "omit"):
                narrowed = True
    elif call.args:
        data.extend(call.args)
    return DbOp(
        file=file,
        func=call.func,
        line=call.line,
        call=call.index,
        callee=call.callee,
        model=model,
        table=segments[-2],
        kind=kind,
        operation=segments[-1],
        where=where,
        data=data,
        narrowed=narrowed
        or segments[-1] in ("count", "aggregate", "groupBy", "deleteMany", "updateMany"),
        returns_rows=segments[-1] not in ("count", "deleteMany", "updateMany", "createMany"),
        assigned_to=tuple(call.assigned_to),
        returned=call.returned,
    )


def inserts(call: Call) -> str | None:
    """The accessor of a `create*` call (`prisma.auditLog.create` -> `auditLog`)."""
    segments = call.callee.split(".")
    if len(segments) >= 2 and call.name.startswith("create"):
        return segments[-2]
    return None


PRISMA = Orm("prisma", read_op, inserts=inserts)
