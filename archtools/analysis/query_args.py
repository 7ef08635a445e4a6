"""What a read asks of its table: whether it caps its rows (`take`, `limit`), which columns its
filter and its sort name, read from a Prisma call's argument object or a Drizzle chain.

Only what is written out is read: a filter or an argument object built elsewhere (a variable, a
spread, a Drizzle `$dynamic()` query finished by a helper), an `OR`/`or(...)`, a filter on a
relation or on a joined table make the arguments `opaque`, and the rules that read them say
nothing about that query.
"""

from __future__ import annotations

from dataclasses import dataclass

from archtools.analysis.orms.base import DbOp
from archtools.analysis.program import Program
from archtools.facts.code import Call, Expr, ExprKind, FileFacts
from archtools.facts.schema import FieldKind, Model
from archtools.knowledge.vocabulary import is_soft_delete_field

# Drizzle's column operators: the first argument is the column compared
_DRIZZLE_FILTERS = frozenset(
    {
        "eq",
        "ne",
        "gt",
        "gte",
        "lt",
        "lte",
        "like",
        "ilike",
        "notLike",
        "notIlike",
        "inArray",
        "notInArray",
        "isNull",
        "isNotNull",
        "between",
        "notBetween",
        "arrayContains",
        "arrayContained",
        "arrayOverlaps",
    }
)
_DRIZZLE_SORTS = frozenset({"asc", "desc"})
_PRISMA_CAPS = frozenset({"take", "first", "last"})
# what a soft-delete column is compared with to keep the rows not deleted
_LIVE_VALUES = frozenset({"null", "false"})
_AGGREGATES = ("count(", "sum(", "avg(", "min(", "max(", "countDistinct(", "count<", "sum<")


class _Opaque(Exception):
    """The arguments hold something this reader does not follow."""


@dataclass(frozen=True)
class QueryArgs:
    """capped: the query caps its rows (take/limit); where: the columns its filter names (all
    joined by AND); order: the columns it sorts by, first key first; aggregate: it returns a
    count or groups (one row per group), not rows of the table; live: the soft-delete columns the
    filter tests only for a live row (`deletedAt: null`, `isNull(t.deletedAt)`, `isDeleted:
    false`), a test nearly every row passes."""

    capped: bool
    where: tuple[str, ...]
    order: tuple[str, ...]
    aggregate: bool = False
    live: tuple[str, ...] = ()


def query_args(program: Program, op: DbOp, model: Model) -> QueryArgs | None:
    """The read's arguments, or None when they are not written out in full where it is called."""
    facts = program.files[op.file]
    call = facts.calls[op.call]
    try:
        if "()" not in op.callee and op.callee.count(".") >= 1 and ".query." not in op.callee:
            return _prisma(facts, call, model)
        chain = program.chain(op.file, call)
        if chain and ".query." in chain[0].callee:
            return _drizzle_relational(facts, chain[0], op, model)
        return _drizzle_builder(facts, chain, op, model)
    except _Opaque:
        return None


def counts_or_groups(program: Program, op: DbOp) -> bool:
    """A Drizzle select that counts or groups (`select({ total: count() })`, `.groupBy(...)`),
    however the rest of its chain is written: it returns figures about rows, not rows."""
    if op.operation != "select":
        return False
    chain = program.chain(op.file, program.files[op.file].calls[op.call])
    if not chain:
        return False
    return any(link.name == "groupBy" for link in chain[1:]) or any(
        a in arg.text for arg in chain[0].args for a in _AGGREGATES
    )


# -- Prisma ------------------------------------------------------------------------------------


def _prisma(facts: FileFacts, call: Call, model: Model) -> QueryArgs:
    if not call.args:
        return QueryArgs(capped=False, where=(), order=())
    if len(call.args) > 1 or call.args[0].kind != ExprKind.OBJECT:
        raise _Opaque
    capped = False
    where: tuple[str, ...] = ()
    order: tuple[str, ...] = ()
    live: list[str] = []
    for pair in call.args[0].pairs:
        if pair.key == "...":
            raise _Opaque
        if pair.key in _PRISMA_CAPS:
            capped = True
        elif pair.key == "where":
            where = tuple(_prisma_where(pair.value, model, live))
        elif pair.key == "orderBy":
            order = tuple(_prisma_order(pair.value, model))
    aggregate = call.name in ("count", "aggregate", "groupBy")
    return QueryArgs(capped, where, order, aggregate, _unique(live))


def _prisma_where(value: Expr, model: Model, live: list[str]) -> list[str]:
    if value.kind != ExprKind.OBJECT:
        raise _Opaque
    columns: list[str] = []
    for pair in value.pairs:
        if pair.key == "AND":
            items = value_items(pair.value)
            for item in items:
                columns += _prisma_where(item, model, live)
            continue
        field = model.field(pair.key)
        if field is None or field.kind not in (FieldKind.SCALAR, FieldKind.ENUM):
            raise _Opaque  # OR/NOT, a relation filter, a compound unique key, a spread
        if pair.key not in columns:
            columns.append(pair.key)
        if is_soft_delete_field(pair.key) and pair.value.text.strip() in _LIVE_VALUES:
            live.append(pair.key)
    return columns


def value_items(value: Expr) -> tuple[Expr, ...]:
    if value.kind == ExprKind.ARRAY:
        return value.items
    if value.kind == ExprKind.OBJECT:
        return (value,)
    raise _Opaque


def _prisma_order(value: Expr, model: Model) -> list[str]:
    columns: list[str] = []
    for item in value_items(value):
        for pair in item.pairs:
            field = model.field(pair.key)
            if field is None or field.kind not in (FieldKind.SCALAR, FieldKind.ENUM):
                raise _Opaque  # a relation's field, `_count`, `_relevance`
            columns.append(pair.key)
    return columns


# -- Drizzle -----------------------------------------------------------------------------------


def _drizzle_builder(facts: FileFacts, chain: list[Call], op: DbOp, model: Model) -> QueryArgs:
    head = chain[0]
    aggregate = any(a in arg.text for arg in head.args for a in _AGGREGATES)
    capped = False
    where: list[str] = []
    order: list[str] = []
    live: list[str] = []
    tables = {op.table} if op.table else set()
    for link in chain[1:]:
        if link.name in ("$dynamic", "as") or "Join" in link.name:
            raise _Opaque  # finished elsewhere, or rows of other tables
        if link.name == "limit":
            capped = True
        elif link.name == "groupBy":
            aggregate = True
        elif link.name == "where":
            for arg in link.args:
                where += _drizzle_filter(facts, arg, tables, model, live)
        elif link.name == "orderBy":
            for arg in link.args:
                order += _drizzle_sort(facts, arg, tables, model)
    return QueryArgs(capped, _unique(where), tuple(order), aggregate, _unique(live))


def _drizzle_relational(facts: FileFacts, head: Call, op: DbOp, model: Model) -> QueryArgs:
    if not head.args:
        return QueryArgs(capped=False, where=(), order=())
    if len(head.args) > 1 or head.args[0].kind != ExprKind.OBJECT:
        raise _Opaque
    capped = head.name == "findFirst"
    where: list[str] = []
    order: list[str] = []
    live: list[str] = []
    for pair in head.args[0].pairs:
        if pair.key == "...":
            raise _Opaque
        if pair.key == "limit":
            capped = True
        elif pair.key in ("where", "orderBy"):
            value, tables = _callback_body(facts, pair.value, op)
            for item in _listed(value):
                if pair.key == "where":
                    where += _drizzle_filter(facts, item, tables, model, live)
                else:
                    order += _drizzle_sort(facts, item, tables, model)
    return QueryArgs(capped, _unique(where), tuple(order), live=_unique(live))


def _callback_body(facts: FileFacts, value: Expr, op: DbOp) -> tuple[Expr, set[str]]:
    """`(t, { eq }) => eq(t.id, id)`: the expression it returns and the name of its table
    parameter; any other value stands for itself, naming the table by its variable."""
    if value.kind != ExprKind.FUNCTION or value.func is None:
        return value, {op.table} if op.table else set()
    returned = [r.value for r in facts.returns if r.func == value.func and r.value is not None]
    if len(returned) != 1:
        raise _Opaque
    params = facts.functions[value.func].params
    return returned[0], {params[0].name} if params else set()


def _listed(value: Expr) -> tuple[Expr, ...]:
    return value.items if value.kind == ExprKind.ARRAY else (value,)


def _drizzle_filter(
    facts: FileFacts, arg: Expr, tables: set[str], model: Model, live: list[str]
) -> list[str]:
    if arg.kind != ExprKind.CALL or arg.call is None:
        raise _Opaque  # sql`...`, a condition built elsewhere, `cond ? eq(...) : undefined`
    call = facts.calls[arg.call]
    if call.name == "and" and "." not in call.callee:
        return [
            c for inner in call.args for c in _drizzle_filter(facts, inner, tables, model, live)
        ]
    if call.name not in _DRIZZLE_FILTERS or "." in call.callee or not call.args:
        raise _Opaque
    column = _column(call.args[0], tables, model)
    tested = call.args[1].text.strip() if len(call.args) > 1 else ""
    if is_soft_delete_field(column) and (
        call.name == "isNull" or (call.name == "eq" and tested == "false")
    ):
        live.append(column)
    return [column]


def _drizzle_sort(facts: FileFacts, arg: Expr, tables: set[str], model: Model) -> list[str]:
    if arg.kind == ExprKind.CALL and arg.call is not None:
        call = facts.calls[arg.call]
        if call.name not in _DRIZZLE_SORTS or "." in call.callee or not call.args:
            raise _Opaque
        arg = call.args[0]
    return [_column(arg, tables, model)]


def _column(expr: Expr, tables: set[str], model: Model) -> str:
    """`notes.userId` (or `t.userId` in a callback) -> "userId", when it is a column of the
    query's own table."""
    if expr.kind != ExprKind.MEMBER:
        raise _Opaque
    table, _, name = expr.text.rpartition(".")
    field = model.field(name)
    if table not in tables or field is None or field.kind == FieldKind.RELATION:
        raise _Opaque
    return name


def _unique(columns: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(columns))


def reads_a_page(program: Program, op: DbOp) -> bool:
    """Whether a list read takes one page of many: a cursor or an offset (`skip`, `cursor`,
    `.offset()`), or a page size given by a value rather than a number (`take: input.limit`).
    Read from the written keys alone, whatever else the arguments hold."""
    if op.operation not in ("findMany", "select", "selectDistinct"):
        return False
    facts = program.files[op.file]
    chain = program.chain(op.file, facts.calls[op.call])
    head = chain[0]
    if head.args and head.args[0].kind == ExprKind.OBJECT:  # Prisma, or a relational read
        for pair in head.args[0].pairs:
            if pair.key in ("skip", "cursor", "offset"):
                return True
            if pair.key in ("take", "limit") and pair.value.kind != ExprKind.NUMBER:
                return True
    for link in chain[1:]:
        if link.name == "offset":
            return True
        if link.name == "limit" and any(arg.kind != ExprKind.NUMBER for arg in link.args):
            return True
    return False


def filter_columns(program: Program, op: DbOp, model: Model) -> frozenset[str] | None:
    """The columns a read's filter names, whatever else its arguments hold (a spread of paging
    options, a join), or None when the filter itself is not written out."""
    facts = program.files[op.file]
    chain = program.chain(op.file, facts.calls[op.call])
    head = chain[0]
    try:
        if head.args and head.args[0].kind == ExprKind.OBJECT:
            relational = ".query." in head.callee
            for pair in head.args[0].pairs:
                if pair.key != "where":
                    continue
                if not relational:
                    return frozenset(_prisma_where(pair.value, model, []))
                value, tables = _callback_body(facts, pair.value, op)
                return frozenset(
                    c
                    for item in _listed(value)
                    for c in _drizzle_filter(facts, item, tables, model, [])
                )
            return frozenset()
        tables = {op.table} if op.table else set()
        return frozenset(
            c
            for link in chain[1:]
            if link.name == "where"
            for arg in link.args
            for c in _drizzle_filter(facts, arg, tables, model, [])
        )
    except _Opaque:
        return None
