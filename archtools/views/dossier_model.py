"""The feature dossier's view model: one feature's entry points, models, findings and scorecard."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from archtools.errors import InputError
from archtools.facts.schema import Model, Schema
from archtools.results import Audit, EntryPoint, Finding, ItemStatus, Scorecard, ScoreItem
from archtools.rules.base import RuleMeta
from archtools.views.erd_model import RelationEdge, relation_edges

# Scorecard items worst first: what fails, what could not be checked, what half passes.
ITEM_ORDER = {
    ItemStatus.FAIL: 0,
    ItemStatus.UNKNOWN: 1,
    ItemStatus.WARN: 2,
    ItemStatus.PASS: 3,
    ItemStatus.NA: 4,
}
_CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
# Findings that speak of how clients reach the feature: revalidation, caching, the client boundary.
INTEGRATION_RULES = ("NXT001", "EXP003", "SEC002")
TYPE_RULES = ("TYP001", "TYP002", "TYP003")


@dataclass(frozen=True)
class Dossier:
    """What the audit knows of one feature, sorted once for every format."""

    feature: str
    entries: tuple[EntryPoint, ...]  # by app, file, line, id
    models: tuple[Model, ...]  # the feature's models found in the schema, by name
    unmodelled: tuple[str, ...]  # models its entry points name that the schema does not hold
    relations: tuple[RelationEdge, ...]  # relations with at least one end in the feature
    findings: tuple[Finding, ...]  # active, worst first
    suppressed: tuple[Finding, ...]
    scorecard: Scorecard | None
    rules: Mapping[str, RuleMeta]
    schema: Schema

    @property
    def schema_orm(self) -> str | None:
        """prisma or drizzle; None when the audit found no schema."""
        return self.schema.orm.value if self.schema.orm is not None else None

    @property
    def model_names(self) -> frozenset[str]:
        return frozenset(m.name for m in self.models) | frozenset(self.unmodelled)

    def schema_findings(self) -> list[Finding]:
        """Findings on the feature's models that no entry point reaches: schema and migrations."""
        return [
            f
            for f in self.findings
            if f.model in self.model_names and not f.entry_point and not f.entry_points
        ]

    def findings_of(self, entry: EntryPoint) -> list[Finding]:
        return [f for f in self.findings if f.entry_point == entry.id or entry.id in f.entry_points]

    def findings_by_rule(self, rules: tuple[str, ...]) -> list[Finding]:
        return [f for f in self.findings if f.rule in rules]

    def items_worst_first(self) -> list[ScoreItem]:
        if self.scorecard is None:
            return []
        return sorted(self.scorecard.items, key=lambda i: (ITEM_ORDER[i.status], i.title))


def feature_names(audit: Audit) -> list[str]:
    """Every feature the audit names, from its entry points and its scorecards, sorted."""
    return sorted({e.feature for e in audit.entry_points} | {c.feature for c in audit.scorecards})


def unknown_feature_error(audit: Audit, feature: str) -> InputError:
    known = feature_names(audit)
    listed = ", ".join(known) if known else "none (the audit found no entry points)"
    return InputError(f"no feature {feature!r} in this audit; the features are: {listed}")


def finding_order(finding: Finding) -> tuple[int, int, str, int, str, str]:
    return (
        -finding.severity.rank,
        _CONFIDENCE_ORDER.get(finding.confidence, 3),
        finding.file,
        finding.line,
        finding.rule,
        finding.fingerprint,
    )


def _belongs(finding: Finding, entry_ids: set[str], models: set[str], carded: set[str]) -> bool:
    """A finding is the feature's when its scorecard counts it, an entry point of the feature
    reaches it, or it concerns one of the feature's models (a schema or migration finding)."""
    if finding.fingerprint in carded:
        return True
    if finding.entry_point in entry_ids or entry_ids.intersection(finding.entry_points):
        return True
    reached = finding.entry_point or finding.entry_points
    return finding.model is not None and finding.model in models and not reached


def build_dossier(
    audit: Audit, feature: str, rules: Mapping[str, RuleMeta] | None = None
) -> Dossier:
    """The dossier of `feature`; InputError naming the features when the audit has no such one."""
    if feature not in feature_names(audit):
        raise unknown_feature_error(audit, feature)
    entries = sorted(
        (e for e in audit.entry_points if e.feature == feature),
        key=lambda e: (e.app, e.file, e.line, e.id),
    )
    card = next((c for c in audit.scorecards if c.feature == feature), None)
    names = {m for e in entries for m in e.models} | set(card.models if card else ())
    schema = audit.schema_
    models = sorted((m for m in schema.models if m.name in names), key=lambda m: m.name)
    found = {m.name for m in models}
    carded = {fp for item in (card.items if card else []) for fp in item.findings}
    entry_ids = {e.id for e in entries}
    mine = sorted(
        (f for f in audit.findings if _belongs(f, entry_ids, names, carded)), key=finding_order
    )
    edges = [e for e in relation_edges(schema) if e.parent in found or e.child in found]
    return Dossier(
        feature=feature,
        entries=tuple(entries),
        models=tuple(models),
        unmodelled=tuple(sorted(names - found)),
        relations=tuple(sorted(edges, key=lambda e: e.sort_key)),
        findings=tuple(f for f in mine if f.suppressed is None),
        suppressed=tuple(f for f in mine if f.suppressed is not None),
        scorecard=card,
        rules=dict(rules or {}),
        schema=schema,
    )
