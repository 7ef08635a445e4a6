"""Which tables grow with use, decided from the app itself once every entry point is analysed:

- the app adds rows to the table from an entry point (a create, insert or upsert one of them
  runs), and the table belongs to another row (it holds a foreign key: a user's, a team's, a
  parent's); a table filled by a seed, by migrations or by a script, and one that belongs to no
  row (plans, categories, settings), does not qualify;
- and the app itself reads it a page at a time somewhere (a cursor, an offset, a page size the
  caller chooses): its own authors expect more rows than one response should carry.

PRF003 (query_scale.py) is kept on such tables. PRF002 is kept when the rows it lists are those
the app pages: its filter's parents (the foreign keys it filters by) are among those of a paged
read of the same table, so the children of one parent are known to be many. The few rows a user
keeps by design (API keys, webhooks, invitations, a model's versions) are never paged per
parent, and are left alone. Each message names the create and the paged read."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import EntryAnalysis, Problem
from archtools.analysis.orms.base import DbOp
from archtools.analysis.query_args import filter_columns, query_args, reads_a_page
from archtools.analysis.query_scale import (
    UNBOUNDED,
    UNINDEXED,
    index_keys,
    unindexed_columns,
    unindexed_problem,
)
from archtools.parse.sql_indexes import SqlIndex

_CREATES = frozenset({"create", "createMany", "createManyAndReturn", "upsert", "insert"})


@dataclass(frozen=True)
class _Paged:
    where: str  # file:line
    columns: frozenset[str] | None  # what its filter names, None when not written out


@dataclass(frozen=True)
class _Growth:
    created: dict[str, str]  # model -> where an entry point adds its rows
    paged: dict[str, list[_Paged]]  # model -> its reads of a page at a time
    parents: dict[str, frozenset[str]]  # model -> its foreign key columns


def _growth(ctx: AnalysisContext, analyses: list[EntryAnalysis]) -> _Growth:
    parents = {
        model.name: frozenset(
            c for f in model.fields if f.relation is not None for c in f.relation.fields
        )
        for model in ctx.schema.models
    }
    created: dict[str, str] = {}
    for analysis in sorted(analyses, key=lambda a: a.entry.id):
        for query in analysis.queries:
            name = query.model
            if name and parents.get(name) and name not in created and query.operation in _CREATES:
                created[name] = f"{query.file}:{query.line} ({analysis.entry.id})"
    paged: dict[str, list[_Paged]] = {}
    files = sorted({q.file for a in analyses for q in a.queries if q.model in created})
    for file in files:
        for op in ctx.classifier.db_ops(file):
            model = ctx.schema.model(op.model) if op.model in created else None
            if model is not None and reads_a_page(ctx.program, op):
                columns = filter_columns(ctx.program, op, model)
                paged.setdefault(model.name, []).append(_Paged(f"{op.file}:{op.line}", columns))
    return _Growth(created, paged, parents)


def settle_scale_problems(
    ctx: AnalysisContext, analyses: list[EntryAnalysis], sql: Sequence[SqlIndex] = ()
) -> None:
    """Keep PRF002 and PRF003 on growing tables only, naming why each grows; PRF003 only where
    the indexes SQL files create (`sql`) do not serve the query either."""
    growth = _growth(ctx, analyses)
    for analysis in analyses:
        kept = []
        for problem in analysis.problems:
            if problem.rule in (UNBOUNDED, UNINDEXED):
                indexed = (
                    _with_sql_indexes(ctx, problem, sql) if problem.rule == UNINDEXED else problem
                )
                settled = _settle(ctx, growth, indexed) if indexed is not None else None
                if settled is None:
                    continue
                problem = settled
            kept.append(problem)
        analysis.problems = kept


def _settle(ctx: AnalysisContext, growth: _Growth, problem: Problem) -> Problem | None:
    model = problem.model or ""
    created = growth.created.get(model)
    reads = growth.paged.get(model, [])
    if created is None or not reads:
        return None
    paged = reads[0]
    if problem.rule == UNBOUNDED:
        parents = _filtered_parents(ctx, problem, growth.parents[model])
        if parents is None:
            return None
        same = [p for p in reads if p.columns is not None and parents <= p.columns]
        if not same:
            return None
        paged = same[0]
    why = f"rows are added at {created} and read a page at a time at {paged.where}"
    return replace(problem, message=f"{problem.message}; {model} grows: {why}")


def _with_sql_indexes(
    ctx: AnalysisContext, problem: Problem, sql: Sequence[SqlIndex]
) -> Problem | None:
    """The problem again with the indexes of SQL files consulted too; None when one serves it."""
    if not sql:
        return problem
    op = _op_at(ctx, problem)
    model = ctx.schema.model(problem.model or "")
    if op is None or model is None:
        return problem
    keys = index_keys(ctx.schema, model, sql)
    args = query_args(ctx.program, op, model)
    columns = unindexed_columns(args, keys) if args is not None else ()
    return unindexed_problem(ctx, op, columns, keys) if columns else None


def _filtered_parents(
    ctx: AnalysisContext, problem: Problem, parents: frozenset[str]
) -> frozenset[str] | None:
    """The foreign keys the listed read filters by."""
    op = _op_at(ctx, problem)
    schema_model = ctx.schema.model(problem.model or "")
    if op is None or schema_model is None:
        return None
    columns = filter_columns(ctx.program, op, schema_model)
    return None if columns is None else columns & parents


def _op_at(ctx: AnalysisContext, problem: Problem) -> DbOp | None:
    return next(
        (
            op
            for op in ctx.classifier.db_ops(problem.file)
            if op.line == problem.line and op.model == problem.model and op.kind == "read"
        ),
        None,
    )
