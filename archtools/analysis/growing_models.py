"""Which tables grow with use, decided from the app itself once every entry point is analysed:

- the app adds rows to the table from an entry point (a create, insert or upsert one of them
  runs), and the table belongs to another row (it holds a foreign key: a user's, a team's, a
  parent's); a table filled by a seed, by migrations or by a script, and one that belongs to no
  row (plans, categories, settings), does not qualify;
- and the app itself reads it a page at a time somewhere (a cursor, an offset, a page size the
  caller chooses): the app's own authors expect more rows than one response should carry. The
  few rows a user keeps by design (their API keys, webhooks, invitations) are never paged and
  never qualify.

PRF002 and PRF003 (query_scale.py) are kept only on such tables, with the create and the paged
read that show it named in their message."""

from __future__ import annotations

from dataclasses import replace

from archtools.analysis.context import AnalysisContext
from archtools.analysis.entry_scope import EntryAnalysis
from archtools.analysis.query_args import reads_a_page
from archtools.analysis.query_scale import UNBOUNDED, UNINDEXED

_CREATES = frozenset({"create", "createMany", "createManyAndReturn", "upsert", "insert"})


def growing_models(ctx: AnalysisContext, analyses: list[EntryAnalysis]) -> dict[str, str]:
    """Each growing model with why: where the app adds its rows and where it pages them."""
    owned = {
        model.name
        for model in ctx.schema.models
        if any(f.relation is not None and f.relation.fields for f in model.fields)
    }
    created: dict[str, str] = {}
    for analysis in sorted(analyses, key=lambda a: a.entry.id):
        for query in analysis.queries:
            model = query.model
            if model in owned and model not in created and query.operation in _CREATES:
                created[model] = f"{query.file}:{query.line} ({analysis.entry.id})"
    paged: dict[str, str] = {}
    files = sorted({q.file for a in analyses for q in a.queries if q.model in created})
    for file in files:
        for op in ctx.classifier.db_ops(file):
            model = op.model
            if model in created and model not in paged and reads_a_page(ctx.program, op):
                paged[model] = f"{op.file}:{op.line}"
    return {
        model: f"rows are added at {created[model]} and read a page at a time at {paged[model]}"
        for model in sorted(paged)
    }


def settle_scale_problems(ctx: AnalysisContext, analyses: list[EntryAnalysis]) -> None:
    """Keep PRF002 and PRF003 on growing tables only, naming why each grows."""
    growing = growing_models(ctx, analyses)
    for analysis in analyses:
        kept = []
        for problem in analysis.problems:
            if problem.rule in (UNBOUNDED, UNINDEXED):
                why = growing.get(problem.model or "")
                if why is None:
                    continue
                problem = replace(
                    problem, message=f"{problem.message}; {problem.model} grows: {why}"
                )
            kept.append(problem)
        analysis.problems = kept
