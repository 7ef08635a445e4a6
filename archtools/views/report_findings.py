"""The report's findings grouped by rule: one collapsible group per rule, the most severe rule
first, with its counts by severity and the values the findings filter offers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from archtools.results import Finding, Severity
from archtools.views.report_data import SEVERITIES, safe_id
from archtools.views.report_summary import confidence_rank, finding_priority


@dataclass(frozen=True)
class RuleGroup:
    rule: str
    anchor: str  # HTML id of the group
    title: str  # the title of its first finding (findings of one rule share it)
    severity: Severity  # its most severe finding's
    findings: tuple[Finding, ...]  # by finding_priority
    counts: tuple[tuple[str, int], ...]  # non-zero counts per severity, most severe first


def rule_groups(findings: Iterable[Finding], prefix: str = "findings-") -> list[RuleGroup]:
    """One group per rule, the groups ordered by their most severe finding, then by size."""
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        by_rule[finding.rule].append(finding)
    groups = []
    for rule, found in by_rule.items():
        ordered = tuple(sorted(found, key=finding_priority))
        counts = tuple(
            (sev.value, n) for sev in SEVERITIES if (n := sum(f.severity == sev for f in found))
        )
        groups.append(
            RuleGroup(
                rule=rule,
                anchor=safe_id(prefix, rule),
                title=ordered[0].title,
                severity=ordered[0].severity,
                findings=ordered,
                counts=counts,
            )
        )
    return sorted(groups, key=lambda g: (-g.severity.rank, -len(g.findings), g.rule))


def confidences(findings: Iterable[Finding]) -> list[str]:
    """The confidence values present, surest first."""
    return sorted({f.confidence for f in findings}, key=lambda c: (confidence_rank(c), c))
