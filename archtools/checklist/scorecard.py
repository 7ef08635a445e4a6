"""A scorecard per feature over the quality checklist, with one documented scoring formula.

Each checklist item gets a status: `pass`, `warn`, `fail`, `n/a` or `unknown` (it applies but could not
be checked: the schema items when the schema does not parse, and any item with neither a finding nor
a fact that proves it: "no finding" alone is no pass, see archtools/checklist/proof.py). The score is the weighted mean of the
items that apply, counting pass as 1, warn as 0.5, fail and unknown as 0 (a check that could not run
earns nothing; weights in knowledge/checklist.yaml), times 100, rounded. Grades: A >= 90, B >= 80, C >= 70, D >= 60, else F. A feature where nothing applies
scores 100."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources

from archtools.checklist.proof import ProjectFacts, Proof, prove
from archtools.results import (
    AuditError,
    CheckStatus,
    EntryPoint,
    Evidence,
    Finding,
    ItemStatus,
    Scorecard,
    ScoreItem,
    Severity,
)
from archtools.yaml_data import safe_load

STATUS_VALUE = {
    ItemStatus.PASS: 1.0,
    ItemStatus.WARN: 0.5,
    ItemStatus.FAIL: 0.0,
    ItemStatus.UNKNOWN: 0.0,
}
# The items that read the schema: unknown when it does not parse.
SCHEMA_ITEMS = ("database-constraints", "safe-migrations")
GRADES = ((90, "A"), (80, "B"), (70, "C"), (60, "D"))
# Checklist items that come straight from a matrix column.
CHECK_ITEMS = {
    "inputs-validated": "input_validation",
    "authentication": "authentication",
    "authorization": "authorization",
    "rate-limiting": "rate_limiting",
    "audit-trail": "audit_logging",
}
MAX_EVIDENCE = 12


@dataclass(frozen=True)
class ChecklistItem:
    id: str
    title: str
    weight: int


@cache
def checklist() -> tuple[ChecklistItem, ...]:
    text = resources.files("archtools.knowledge").joinpath("checklist.yaml").read_text("utf-8")
    return tuple(ChecklistItem(**raw) for raw in safe_load(text))


def grade_of(score: int) -> str:
    for threshold, grade in GRADES:
        if score >= threshold:
            return grade
    return "F"


def score_of(items: Iterable[ScoreItem]) -> int:
    weights = {item.id: item.weight for item in checklist()}
    total = 0.0
    earned = 0.0
    for item in items:
        if item.status == ItemStatus.NA:
            continue
        weight = weights.get(item.id, 1)
        total += weight
        earned += weight * STATUS_VALUE[item.status]
    return 100 if total == 0 else round(100 * earned / total)


def _finding_status(findings: Sequence[Finding]) -> ItemStatus:
    if any(f.severity in (Severity.CRITICAL, Severity.HIGH) for f in findings):
        return ItemStatus.FAIL
    return ItemStatus.WARN


def _item_from_checks(
    item: ChecklistItem, check: str, entries: Sequence[EntryPoint], findings: Sequence[Finding]
) -> ScoreItem:
    statuses = [e.checks.get(check).status for e in entries]
    evidence: list[Evidence] = []
    for wanted in (CheckStatus.FAIL, CheckStatus.UNKNOWN, CheckStatus.PASS):
        for entry in entries:
            if entry.checks.get(check).status == wanted:
                evidence.extend(entry.checks.get(check).evidence[:2])
    if CheckStatus.FAIL in statuses:
        status = ItemStatus.FAIL
    elif CheckStatus.UNKNOWN in statuses or findings:
        status = ItemStatus.WARN if CheckStatus.FAIL not in statuses else ItemStatus.FAIL
        if findings and _finding_status(findings) == ItemStatus.FAIL:
            status = ItemStatus.FAIL
    elif CheckStatus.PASS in statuses:
        status = ItemStatus.PASS
    else:
        status = ItemStatus.NA
    return ScoreItem(
        id=item.id,
        title=item.title,
        status=status,
        evidence=evidence[:MAX_EVIDENCE],
        findings=[f.fingerprint for f in findings],
    )


def _item_from_findings(
    item: ChecklistItem, applies: bool, findings: Sequence[Finding], proof: Proof | None
) -> ScoreItem:
    if findings:
        evidence = [
            Evidence(file=f.file, line=f.line, detail=f"{f.rule}: {f.message}") for f in findings
        ]
        return ScoreItem(
            id=item.id,
            title=item.title,
            status=_finding_status(findings),
            evidence=evidence[:MAX_EVIDENCE],
            findings=[f.fingerprint for f in findings],
        )
    if not applies:
        return ScoreItem(id=item.id, title=item.title, status=ItemStatus.NA)
    if proof is None:
        return ScoreItem(id=item.id, title=item.title, status=ItemStatus.UNKNOWN)
    return ScoreItem(
        id=item.id, title=item.title, status=proof.status, evidence=proof.evidence[:MAX_EVIDENCE]
    )


def _unknown_schema_item(item: ChecklistItem, errors: Sequence[AuditError]) -> ScoreItem:
    evidence = [
        Evidence(file=e.file, line=e.line or 1, detail=f"the schema does not parse: {e.message}")
        for e in errors[:MAX_EVIDENCE]
    ]
    return ScoreItem(id=item.id, title=item.title, status=ItemStatus.UNKNOWN, evidence=evidence)


def build_scorecard(
    feature: str,
    entries: Sequence[EntryPoint],
    models: Sequence[str],
    findings: Sequence[Finding],
    *,
    has_migrations: bool,
    schema_errors: Sequence[AuditError] = (),
    facts: ProjectFacts | None = None,
) -> Scorecard:
    """One feature's scorecard. `schema_errors`: why the schema does not parse (its items are then
    unknown unless a finding already speaks for them). `facts`: what can prove an item with no
    finding against it (without them such an item is unknown)."""
    active = [f for f in findings if f.suppressed is None]
    items: list[ScoreItem] = []
    facts = facts or ProjectFacts()
    for item in checklist():
        related = [f for f in active if f.checklist == item.id]
        if item.id in CHECK_ITEMS and entries:
            items.append(_item_from_checks(item, CHECK_ITEMS[item.id], entries, related))
            continue
        if item.id in SCHEMA_ITEMS and schema_errors and not related:
            items.append(_unknown_schema_item(item, schema_errors))
            continue
        applies = {
            "database-constraints": bool(models),
            "safe-migrations": has_migrations and bool(models),
        }.get(item.id, bool(entries) or bool(related))
        proof = prove(item.id, entries, models, facts) if applies and not related else None
        items.append(_item_from_findings(item, applies, related, proof))
    score = score_of(items)
    return Scorecard(
        feature=feature,
        entry_points=[e.id for e in entries],
        models=sorted(models),
        score=score,
        grade=grade_of(score),
        items=items,
    )
