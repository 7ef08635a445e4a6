"""PRF002 (unbounded list) and PRF003 (unindexed filter or sort): reads whose cost grows with the
table they read.

- PRF002: a list read (Prisma `findMany`, Drizzle `select().from()` or `query.t.findMany`) whose
  rows the entry point sends to its caller, with no `take`/`limit`. A filter on the primary key or
  a unique column bounds it to one row (or to the ids asked for); counts and grouped reads return
  no rows of the table.
- PRF003: a read whose filter names no column that an index, the primary key or a unique
  constraint starts with (an index serves a filter through its leading column), or which sorts a
  table it does not narrow through an index by a column no index starts with.

Both are only about tables that grow with use: the problems made here are kept or dropped once
every entry point is known (growing_models.py), by whether the app itself adds rows to the table
from an entry point and the table belongs to another row (holds a foreign key); lookup tables a
seed fills, and enums, never qualify. A read whose arguments are not written out where it is
called (query_args.py) is left alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import Problem
from archtools.analysis.orms.base import DbOp
from archtools.analysis.query_args import QueryArgs, query_args
from archtools.facts.schema import Model, Schema
from archtools.parse.sql_indexes import SqlIndex

UNBOUNDED = "PRF002"
UNINDEXED = "PRF003"
_LISTS = frozenset({"findMany", "select", "selectDistinct"})


@dataclass(frozen=True)
class IndexKey:
    """An index the database keeps: its columns in order, and how the schema declares it."""

    columns: tuple[str, ...]
    label: str


def index_keys(schema: Schema, model: Model, sql: Sequence[SqlIndex] = ()) -> list[IndexKey]:
    """The primary key, unique constraints and indexes of a model, in declaration order; on
    MySQL, also the index InnoDB makes for each foreign key it enforces; then the indexes SQL
    files of the repository create on its table."""
    keys: list[IndexKey] = []
    primary = model.primary_key or [f.name for f in model.fields if f.id][:1]
    if primary:
        keys.append(IndexKey(tuple(_column(c) for c in primary), f"primary key ({_list(primary)})"))
    for field in model.fields:
        if field.unique:
            keys.append(IndexKey((field.name,), f"unique ({field.name})"))
    for entry in model.unique:
        keys.append(IndexKey(tuple(_column(c) for c in entry), f"unique ({_list(entry)})"))
    for entry in model.indexes:
        keys.append(IndexKey(tuple(_column(c) for c in entry), f"index ({_list(entry)})"))
    if schema.provider == "mysql":
        for field in model.fields:
            relation = field.relation
            if relation is not None and relation.fields and relation.enforced:
                cols = tuple(relation.fields)
                keys.append(IndexKey(cols, f"foreign key index ({_list(cols)})"))
    table = (model.db_name or model.name).lower()
    by_column = {(f.db_name or f.name): f.name for f in model.fields}
    for index in sql:
        if index.table.lower() == table:
            cols = tuple(by_column.get(c, c) for c in index.columns)
            label = f"index ({', '.join(cols)}) in {index.file}:{index.line}"
            keys.append(IndexKey(cols, label))
    seen: set[tuple[bool, tuple[str, ...]]] = set()
    found: list[IndexKey] = []
    for key in keys:  # a parser may list a field's @unique among the model's uniques too
        kind = (key.label.startswith("unique"), key.columns)
        if key.columns and kind not in seen:
            seen.add(kind)
            found.append(key)
    return found


def scale_problems(ctx: AnalysisContext, op: DbOp, reaches_client: bool) -> list[Problem]:
    """PRF002 and PRF003 for one read of an entry point, before the table's growth is known."""
    if op.kind != "read" or op.subquery or op.model is None:
        return []
    model = ctx.schema.model(op.model)
    if model is None or model.kind != "model":
        return []
    args = query_args(ctx.program, op, model)
    if args is None:
        return []
    keys = index_keys(ctx.schema, model)
    problems: list[Problem] = []
    if reaches_client and _unbounded(op, args, keys):
        problems.append(_unbounded_problem(ctx, op))
    unindexed = unindexed_columns(args, keys)
    if unindexed:
        problems.append(unindexed_problem(ctx, op, unindexed, keys))
    return problems


def _unbounded(op: DbOp, args: QueryArgs, keys: list[IndexKey]) -> bool:
    if op.operation not in _LISTS or args.capped or args.aggregate:
        return False
    # a filter on the primary key or a unique column picks one row (or the ids it is given)
    return not any(set(key.columns) <= set(args.where) for key in _unique_keys(keys))


def _unique_keys(keys: list[IndexKey]) -> list[IndexKey]:
    return [k for k in keys if not k.label.startswith(("index", "foreign key index"))]


def unindexed_columns(args: QueryArgs, keys: list[IndexKey]) -> tuple[str, ...]:
    """The columns of a filter none of which an index starts with, and the sort column when the
    rows sorted are not narrowed through an index and no index starts with it. A soft-delete
    column tested for live rows (`deletedAt: null`) is left out: it selects nearly every row."""
    leading = {key.columns[0] for key in keys}
    if set(args.where) & leading:
        return ()
    # keeping the live rows of a soft-deleted table passes nearly every row: no index would narrow it
    columns = [column for column in args.where if column not in args.live]
    if args.order and args.order[0] not in leading and not args.aggregate:
        columns.append(args.order[0])
    return tuple(dict.fromkeys(columns))


def _unbounded_problem(ctx: AnalysisContext, op: DbOp) -> Problem:
    cap = "take" if _prisma(ctx) else "limit"
    return Problem(
        UNBOUNDED,
        op.file,
        op.line,
        f"{op.callee}() on {op.model} (line {op.line}) sends every matching row to the caller "
        f"with no {cap}: the response grows with the table; page it with {cap} and a cursor "
        "or offset",
        f"unbounded:{op.model}:{op.callee}",
        op.model,
    )


def unindexed_problem(
    ctx: AnalysisContext, op: DbOp, columns: tuple[str, ...], keys: list[IndexKey]
) -> Problem:
    consulted = "; ".join(key.label for key in keys) or "none"
    declare = "@@index" if _prisma(ctx) else "index().on()"
    return Problem(
        UNINDEXED,
        op.file,
        op.line,
        f"{op.callee}() on {op.model} (line {op.line}) filters or sorts by {_list(columns)}, "
        f"which no index starts with (indexes of {op.model}: {consulted}): each call scans the "
        f"table; declare an {declare} leading with {columns[0]}",
        f"unindexed:{op.model}:{','.join(columns)}",
        op.model,
    )


def _prisma(ctx: AnalysisContext) -> bool:
    return ctx.schema.orm is None or ctx.schema.orm.value == "prisma"


def _column(entry: str) -> str:
    """An index entry's field, without arguments such as `title(sort: Desc)`."""
    return entry.split("(", 1)[0].strip()


def _list(columns: list[str] | tuple[str, ...]) -> str:
    return ", ".join(_column(c) for c in columns)
