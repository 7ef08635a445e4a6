"""Which tables grow with use, decided from the app itself once every entry point is analysed: the
app adds rows to the table from an entry point (a create, insert or upsert one of them runs) and
the table belongs to another row (it holds a foreign key: a user's, a team's, a parent's). A
table filled by a seed, by migrations or by an admin's script, and one that belongs to no row
(plans, categories, settings), does not qualify.

PRF002 and PRF003 (query_scale.py) are kept only on such tables, with the create that makes them
grow named in their message."""

from __future__ import annotations

from dataclasses import replace

from archtools.analysis.entry_scope import EntryAnalysis
from archtools.analysis.query_scale import UNBOUNDED, UNINDEXED
from archtools.facts.schema import Schema

_CREATES = frozenset({"create", "createMany", "createManyAndReturn", "upsert", "insert"})


def growing_models(schema: Schema, analyses: list[EntryAnalysis]) -> dict[str, str]:
    """Each growing model with where the app adds its rows (`file:line`, by the entry point)."""
    owned = {
        model.name
        for model in schema.models
        if any(f.relation is not None and f.relation.fields for f in model.fields)
    }
    found: dict[str, str] = {}
    for analysis in sorted(analyses, key=lambda a: a.entry.id):
        for query in analysis.queries:
            model = query.model
            if model in owned and model not in found and query.operation in _CREATES:
                found[model] = f"{query.file}:{query.line} ({analysis.entry.id})"
    return found


def settle_scale_problems(schema: Schema, analyses: list[EntryAnalysis]) -> None:
    """Keep PRF002 and PRF003 on growing tables only, naming where each grows."""
    growing = growing_models(schema, analyses)
    for analysis in analyses:
        kept = []
        for problem in analysis.problems:
            if problem.rule in (UNBOUNDED, UNINDEXED):
                created = growing.get(problem.model or "")
                if created is None:
                    continue
                problem = replace(
                    problem,
                    message=f"{problem.message}; {problem.model} grows: rows are added at "
                    f"{created}",
                )
            kept.append(problem)
        analysis.problems = kept
