"""Which migrations the rules judge. A migration already applied to the databases is history: its
locks were taken and its data is gone or kept, so advice about it comes too late. The rules judge the
migrations a change adds: those new since a known earlier state (a git revision, a baseline), or,
without one, the newest migration of each migration folder."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from archtools.results import MigrationScopeKind as ScopeKind

if TYPE_CHECKING:  # the SQL parser (sqlglot) is loaded only by an audit that reads migrations
    from archtools.parse.sql_migrations import MigrationFile

ALL_KEYWORD = "all"  # `--migrations-since all`: every migration, as if none were applied


@dataclass(frozen=True)
class MigrationScope:
    """The migrations to judge; `applied` (for SINCE) holds the repo-relative paths of the
    migration files the earlier state had, `since` says what that state is ("git revision main",
    "the baseline .archtools-baseline.json")."""

    kind: ScopeKind = ScopeKind.NEWEST
    applied: frozenset[str] = frozenset()
    since: str = ""

    @classmethod
    def every(cls) -> MigrationScope:
        return cls(ScopeKind.ALL)

    @classmethod
    def newest(cls) -> MigrationScope:
        return cls(ScopeKind.NEWEST)

    @classmethod
    def since_state(cls, applied: frozenset[str], since: str) -> MigrationScope:
        return cls(ScopeKind.SINCE, applied, since)

    def pending(self, ordered: Sequence[MigrationFile]) -> frozenset[int]:
        """Indices into `ordered` (applying order, see order_migrations) of the files to judge."""
        if self.kind == ScopeKind.ALL:
            return frozenset(range(len(ordered)))
        if self.kind == ScopeKind.SINCE:
            return frozenset(i for i, m in enumerate(ordered) if m.path not in self.applied)
        newest: dict[str, int] = {}
        for index, migration in enumerate(ordered):
            newest[migration.directory] = index  # the last one of its folder wins
        return frozenset(newest.values())

    def cache_key(self) -> str:
        """What a cached audit must have been judged with to be reused."""
        if self.kind != ScopeKind.SINCE:
            return f"migrations={self.kind.value}"
        listing = "\n".join([self.since, *sorted(self.applied)])
        digest = hashlib.sha256(listing.encode()).hexdigest()[:16]
        return f"migrations=since:{digest}"

    def note(self, judged: int, skipped: int) -> str | None:
        """One line for the reports on what was judged and what was taken as history, or None when
        every migration was judged (or there are none)."""
        if skipped == 0 and (self.kind != ScopeKind.SINCE or judged == 0):
            return None
        taken = f"{_count(skipped, 'applied migration')} skipped as history"
        if self.kind == ScopeKind.SINCE:
            return (
                f"Migration rules judged {_count(judged, 'migration')} new since {self.since}; "
                f"{taken}."
            )
        return (
            f"Migration rules judged only the newest migration of each migration folder "
            f"({_count(judged, 'file')}); {taken}: give a base with --migrations-since REF (or a "
            f"baseline) to judge what a change adds, or --migrations-since all to judge every one."
        )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"
