"""The summary view model shared by the terminal and the Markdown summary: the findings worth reading
first, findings counted by rule, check statuses counted over the matrix, the worst scorecards, and
an entry point's human name. Bounded whatever the size of the audit."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archtools.results import CHECK_NAMES, EntryKind, EntryPoint, Finding, Scorecard, Severity
from archtools.views.report_data import CHECK_STATUSES, CoverageRow

CONFIDENCE_RANK: dict[str, int] = {"high": 2, "medium": 1, "low": 0}
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "F")


def _confidence(finding: Finding) -> int:
    return CONFIDENCE_RANK.get(finding.confidence, 0)


def top_findings(active: Iterable[Finding], limit: int, per_rule: int = 2) -> list[Finding]:
    """The `limit` findings to read first, most severe, then most confident first. No rule gets
    more than `per_rule` of the places while another rule has a finding left to show (one noisy
    rule cannot fill the list), and among equals each rule's first finding comes before any rule's
    second; the file and line only break the last ties, to keep the order deterministic."""
    by_rule: dict[tuple[int, int, str], list[Finding]] = {}
    for finding in sorted(active, key=lambda f: (f.file, f.line, f.fingerprint)):
        key = (finding.severity.rank, _confidence(finding), finding.rule)
        by_rule.setdefault(key, []).append(finding)
    ranked = sorted(
        (
            (-f.severity.rank, -_confidence(f), turn, f.rule, f.file, f.line, f.fingerprint, f)
            for group in by_rule.values()
            for turn, f in enumerate(group)
        ),
        key=lambda item: item[:7],
    )
    chosen: set[int] = set()
    taken: Counter[str] = Counter()
    for index, item in enumerate(ranked):
        if len(chosen) == limit:
            break
        if taken[item[3]] < per_rule:
            chosen.add(index)
            taken[item[3]] += 1
    left = (i for i in range(len(ranked)) if i not in chosen)
    while len(chosen) < min(limit, len(ranked)):  # nothing else to show: fill in rank order
        chosen.add(next(left))
    return [ranked[i][-1] for i in sorted(chosen)]


@dataclass(frozen=True)
class RuleCount:
    """One rule's active findings: how many, how severe, how confident its most confident is."""

    rule: str
    title: str
    severity: Severity
    confidence: str
    count: int


def rule_counts(active: Iterable[Finding]) -> list[RuleCount]:
    """Active findings counted by rule: most severe first, then most confident, then most
    frequent, then by rule id."""
    groups: dict[str, list[Finding]] = {}
    for finding in active:
        groups.setdefault(finding.rule, []).append(finding)
    counts = []
    for rule, found in groups.items():
        worst = max(found, key=lambda f: (f.severity.rank, _confidence(f), f.title))
        counts.append(RuleCount(rule, worst.title, worst.severity, worst.confidence, len(found)))
    counts.sort(
        key=lambda c: (-c.severity.rank, -CONFIDENCE_RANK.get(c.confidence, 0), -c.count, c.rule)
    )
    return counts


def check_counts(rows: Sequence[CoverageRow]) -> list[tuple[str, tuple[int, ...]]]:
    """For each check, how many entry points have each status (in CHECK_STATUSES order)."""
    out = []
    for index, check in enumerate(CHECK_NAMES):
        seen = Counter(row.statuses[index] for row in rows)
        out.append((check, tuple(seen.get(status, 0) for status in CHECK_STATUSES)))
    return out


def grade_counts(cards: Iterable[Scorecard]) -> tuple[int, ...]:
    """How many features have each grade, in GRADES order."""
    seen = Counter(card.grade for card in cards)
    return tuple(seen.get(grade, 0) for grade in GRADES)


def worst_scorecards(cards: Iterable[Scorecard], limit: int) -> list[Scorecard]:
    """The `limit` lowest-scoring features, lowest first (ties by feature name)."""
    return sorted(cards, key=lambda c: (c.score, c.feature))[:limit]


_KIND_WORDS = {
    EntryKind.SERVER_ACTION: "action",
    EntryKind.TRPC_PROCEDURE: "tRPC",
    EntryKind.RPC_PROCEDURE: "procedure",
    EntryKind.PAGE: "page",
    EntryKind.PAGES_SSR: "page",
}


def entry_point_name(entry: EntryPoint) -> str:
    """What a reader calls an entry point: `GET /api/notes/[id]`, `action createNote`,
    `tRPC mutation invoice.update`, `page /notes/[id]`; the route or the function name."""
    if entry.kind in (EntryKind.ROUTE_HANDLER, EntryKind.PAGES_API) and entry.route:
        return f"{entry.method} {entry.route}"
    word = _KIND_WORDS.get(entry.kind, entry.kind.value)
    if entry.kind == EntryKind.SERVER_ACTION:
        return f"{word} {entry.name}"
    if entry.kind in (EntryKind.TRPC_PROCEDURE, EntryKind.RPC_PROCEDURE):
        return f"{word} {entry.method} {entry.route or entry.name}".replace("  ", " ")
    return f"{word} {entry.route or entry.name}"


def entry_point_label(entry: EntryPoint) -> str:
    """The human name and where it is: `GET /api/notes/[id] (app/api/notes/[id]/route.ts:12)`."""
    return f"{entry_point_name(entry)} ({entry.file}:{entry.line})"
