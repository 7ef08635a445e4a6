"""The migration rules as an audit runs them: on the migrations not yet applied, with the whole
history read first (see migration_scope)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from archtools.parse.sql_migrations import MigrationFile
from archtools.results import MigrationScopeKind
from archtools.rules.base import Hit
from archtools.rules.migration_history import build_history, order_migrations
from archtools.rules.migration_scope import MigrationScope
from archtools.rules.migrations import rule_hits


@dataclass(frozen=True)
class MigrationJudgement:
    """The hits on the migrations judged, and which files were judged or taken as history (both
    in applying order)."""

    hits: list[Hit]
    judged: tuple[str, ...]
    history: tuple[str, ...]


def judge_migrations(
    migrations: Sequence[MigrationFile],
    scope: MigrationScope,
    reports: Callable[[str], bool] = lambda _rule: True,
    orm: str | None = None,
) -> MigrationJudgement:
    """Every migration rule `reports` selects, reporting only on the files `scope` judges. Tables
    created by an earlier file that is not applied yet either count as new (empty); with
    `MigrationScope.every()` the result is run_migration_rules'."""
    ordered = order_migrations(migrations)
    pending = scope.pending(ordered)
    unapplied = frozenset() if scope.kind == MigrationScopeKind.ALL else pending
    history = build_history(ordered, unapplied, orm)
    judged = tuple(m.path for i, m in enumerate(ordered) if i in pending)
    shown = set(judged)
    return MigrationJudgement(
        hits=[hit for hit in rule_hits(ordered, history, reports) if hit.file in shown],
        judged=judged,
        history=tuple(m.path for i, m in enumerate(ordered) if i not in pending),
    )
