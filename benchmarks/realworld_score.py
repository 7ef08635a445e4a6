"""Scores one audit (the JSON contract, as a dict) against an app's labels: entry points, checks, evidence."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from benchmarks.realworld_labels import (
    CHECKS,
    AppLabels,
    ClassifiedFinding,
    LabelEntry,
    Line,
    strata,
)

PREDICTED = ("pass", "fail", "n/a", "unknown", "missing")


@dataclass
class CheckScore:
    """One check over the labelled entries: label verdict x predicted verdict."""

    confusion: Counter[tuple[str, str]] = field(default_factory=Counter)
    evidence_right: int = 0
    evidence_wrong: int = 0
    wrong: list[str] = field(default_factory=list)  # "id: label -> predicted"

    @property
    def scored(self) -> int:
        return sum(self.confusion.values())

    @property
    def correct(self) -> int:
        return sum(n for (label, got), n in self.confusion.items() if label == got)

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.scored if self.scored else None

    @property
    def fails(self) -> int:
        return sum(n for (label, _), n in self.confusion.items() if label == "fail")

    @property
    def fail_recall(self) -> float | None:
        return self.confusion[("fail", "fail")] / self.fails if self.fails else None

    @property
    def unknown(self) -> int:
        return sum(n for (_, got), n in self.confusion.items() if got == "unknown")

    def add(self, other: CheckScore) -> None:
        self.confusion.update(other.confusion)
        self.evidence_right += other.evidence_right
        self.evidence_wrong += other.evidence_wrong
        self.wrong.extend(other.wrong)


@dataclass
class EntryMatch:
    label: LabelEntry
    audit: dict[str, Any] | None


@dataclass
class AppScore:
    labelled: int = 0
    found: int = 0
    spurious: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    kind_mismatch: list[str] = field(default_factory=list)
    checks: dict[str, CheckScore] = field(default_factory=lambda: {c: CheckScore() for c in CHECKS})

    @property
    def recall(self) -> float | None:
        return self.found / self.labelled if self.labelled else None

    def add(self, other: AppScore) -> None:
        self.labelled += other.labelled
        self.found += other.found
        self.spurious.extend(other.spurious)
        self.missing.extend(other.missing)
        self.kind_mismatch.extend(other.kind_mismatch)
        for check in CHECKS:
            self.checks[check].add(other.checks[check])

    @property
    def unknown_share(self) -> float | None:
        scored = sum(c.scored for c in self.checks.values())
        return sum(c.unknown for c in self.checks.values()) / scored if scored else None


def _methods_agree(label: LabelEntry, entry: dict[str, Any]) -> bool:
    if entry["kind"] in ("trpc_procedure", "server_action"):
        return True
    got = str(entry.get("method") or "*").upper()
    want = label.method.upper()
    return want == "*" or got == "*" or got == want


def _routes_agree(label: LabelEntry, entry: dict[str, Any]) -> bool:
    if label.kind != "trpc_procedure" or not label.route or not entry.get("route"):
        return True
    return str(entry["route"]).endswith(label.route) or label.route.endswith(str(entry["route"]))


def match_entries(labels: AppLabels, audit: dict[str, Any]) -> tuple[list[EntryMatch], list[str]]:
    """Pairs each label with the audit's entry point (same file and name, method and tRPC path
    agreeing), and lists the audit's entry points inside the scope that no label claims."""
    in_scope = [e for e in audit.get("entry_points", []) if labels.in_scope(e["file"])]
    by_key: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in in_scope:
        by_key.setdefault((entry["file"], entry["name"]), []).append(entry)
    claimed: set[str] = set()
    matches = []
    for label in labels.entries:
        candidates = [
            e
            for e in by_key.get((label.file, label.name), [])
            if _methods_agree(label, e) and _routes_agree(label, e)
        ]
        exact = [e for e in candidates if str(e.get("method", "")).upper() == label.method.upper()]
        pick = exact or candidates
        chosen = pick[0] if pick else None
        if chosen is not None:
            claimed.add(chosen["id"])
        matches.append(EntryMatch(label, chosen))
    spurious = sorted(e["id"] for e in in_scope if e["id"] not in claimed)
    return matches, spurious


def _evidence_lines(check: dict[str, Any]) -> set[Line]:
    return {Line(str(e["file"]), int(e["line"])) for e in check.get("evidence", [])}


def score_app(labels: AppLabels, audit: dict[str, Any]) -> AppScore:
    matches, spurious = match_entries(labels, audit)
    score = AppScore(labelled=len(matches), spurious=spurious)
    for match in matches:
        label = match.label
        if match.audit is None:
            score.missing.append(
                f"{label.id} {label.kind} {label.file}#{label.name} {label.method}"
            )
        else:
            score.found += 1
            if match.audit["kind"] != label.kind:
                score.kind_mismatch.append(f"{label.id}: {label.kind} -> {match.audit['kind']}")
        for check in CHECKS:
            want = label.scored[check]
            if want == "any":
                continue
            got = "missing" if match.audit is None else match.audit["checks"][check]["status"]
            result = score.checks[check]
            result.confusion[(want, got)] += 1
            if want != got:
                result.wrong.append(f"{label.id}: {want} -> {got}")
            if want == got == "pass" and check in label.guards and match.audit is not None:
                if _evidence_lines(match.audit["checks"][check]) & label.guards[check]:
                    result.evidence_right += 1
                else:
                    result.evidence_wrong += 1
    return score


def wilson_lower(successes: int, total: int, z: float = 1.96) -> float | None:
    """The lower end of the 95% Wilson score interval of a proportion."""
    if total == 0:
        return None
    p = successes / total
    centre = p + z * z / (2 * total)
    margin = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    return (centre - margin) / (1 + z * z / total)


@dataclass
class FamilyPrecision:
    tp: int = 0
    fp: int = 0
    debatable: int = 0
    unclassified: int = 0  # drawn into the sample, no verdict yet
    stale: int = 0  # classified, but the current audit no longer reports it
    stale_tp: int = 0  # of those, classified true: findings a change lost

    @property
    def total(self) -> int:
        return self.tp + self.fp + self.debatable

    @property
    def precision(self) -> float | None:
        return self.tp / self.total if self.total else None

    @property
    def lower(self) -> float | None:
        return wilson_lower(self.tp, self.total)

    def add(self, other: FamilyPrecision) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.debatable += other.debatable
        self.unclassified += other.unclassified
        self.stale += other.stale
        self.stale_tp += other.stale_tp


def finding_key(rule: str, file: str, line: int) -> tuple[str, str, int]:
    return (rule, file, line)


def score_findings(
    classified: list[ClassifiedFinding],
    audit: dict[str, Any] | None,
    sample: list[tuple[str, dict[str, Any]]] | None = None,
) -> dict[str, FamilyPrecision]:
    """Precision per rule family, and per rule measured alone, on the sample drawn from the audit's
    findings (realworld_sample.py: each drawn finding with the family or rule it was drawn for), by
    the verdicts given so far; a drawn finding without one is counted as unclassified. Without a
    sample, every classified finding the audit reports counts. A classified finding the audit no
    longer reports is counted apart as stale."""
    # A verdict belongs to its place (rule, file, line: the corpus's commits are fixed). Not to a
    # fingerprint: when one finding goes, another's occurrence count may move onto its fingerprint.
    current: set[tuple[str, str, int]] = set()
    if audit is not None:
        for finding in audit.get("findings", []):
            current.add(finding_key(finding["rule"], finding["file"], finding["line"]))
    by_key = {finding_key(i.rule, i.file, i.line): i for i in classified}
    scores: dict[str, FamilyPrecision] = {}
    for item in classified:
        if audit is not None and finding_key(item.rule, item.file, item.line) not in current:
            for name in strata(item.rule):
                score = scores.setdefault(name, FamilyPrecision())
                score.stale += 1
                score.stale_tp += item.verdict == "TP"
    judged: list[tuple[str, ClassifiedFinding | None]]
    if sample is None:
        judged = [
            (name, i)
            for i in classified
            if audit is None or finding_key(i.rule, i.file, i.line) in current
            for name in strata(i.rule)
        ]
    else:
        judged = [
            (name, by_key.get(finding_key(f["rule"], f["file"], int(f["line"]))))
            for name, f in sample
        ]
    for name, known in judged:
        score = scores.setdefault(name, FamilyPrecision())
        if known is None:
            score.unclassified += 1
        elif known.verdict == "TP":
            score.tp += 1
        elif known.verdict == "FP":
            score.fp += 1
        else:
            score.debatable += 1
    return scores
