"""What the report's first screen shows: the grades, the worst features and the top findings by
severity then confidence, each list bounded so the summary fits one screen at any scale."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from archtools.results import Finding, Scorecard

GRADES: tuple[str, ...] = ("A", "B", "C", "D", "F")
CONFIDENCES: tuple[str, ...] = ("high", "medium", "low")  # most sure first
TOP_FINDINGS = 10
WORST_FEATURES = 8


def confidence_rank(confidence: str) -> int:
    """0 for the surest; an unknown confidence sorts after every known one."""
    return CONFIDENCES.index(confidence) if confidence in CONFIDENCES else len(CONFIDENCES)


def finding_priority(finding: Finding) -> tuple[int, int, str, int, str, str]:
    """Most severe first, then most confident, then by place: the order a reader triages in."""
    return (
        -finding.severity.rank,
        confidence_rank(finding.confidence),
        finding.file,
        finding.line,
        finding.rule,
        finding.fingerprint,
    )


def grade_letter(grade: str) -> str:
    """The grade as one of GRADES, for its colour: anything unexpected counts as F."""
    return grade if grade in GRADES else "F"


@dataclass(frozen=True)
class Summary:
    grade_counts: tuple[tuple[str, int], ...]  # every grade of GRADES with its feature count
    worst: tuple[Scorecard, ...]  # lowest scores first
    top: tuple[Finding, ...]  # by finding_priority


def summarize(
    scorecards: Sequence[Scorecard],
    active: Iterable[Finding],
    *,
    top: int = TOP_FINDINGS,
    worst: int = WORST_FEATURES,
) -> Summary:
    letters = [grade_letter(card.grade) for card in scorecards]
    return Summary(
        grade_counts=tuple((g, letters.count(g)) for g in GRADES),
        worst=tuple(sorted(scorecards, key=lambda c: (c.score, c.feature))[:worst]),
        top=tuple(sorted(active, key=finding_priority)[:top]),
    )
