"""The report view model: counts, groupings, matrix rows and anchors shared by every format."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from archtools.results import CHECK_NAMES, Audit, EntryPoint, Finding, Severity
from archtools.rules.base import RuleMeta

SEVERITIES: tuple[Severity, ...] = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
    Severity.INFO,
)

CHECK_LABELS: dict[str, str] = {
    "authentication": "Authn",
    "authorization": "Authz",
    "input_validation": "Input",
    "rate_limiting": "Rate limit",
    "audit_logging": "Audit log",
}

KIND_LABELS: dict[str, str] = {
    "route_handler": "route handler",
    "server_action": "server action",
    "pages_api": "pages API",
    "trpc_procedure": "tRPC procedure",
    "page": "page",
}

CHECK_STATUSES: tuple[str, ...] = ("pass", "fail", "n/a", "unknown")

# CSS class suffix per check or scorecard item status.
STATUS_CLASSES: dict[str, str] = {
    "pass": "pass",
    "fail": "fail",
    "n/a": "na",
    "unknown": "unknown",
    "warn": "warn",
}


@dataclass(frozen=True)
class CoverageRow:
    """One entry point of the auth-coverage matrix: where it is and the status of each check."""

    id: str
    kind: str
    app: str
    route: str | None
    method: str
    name: str
    file: str
    line: int
    feature: str
    public: bool
    models: tuple[str, ...]
    statuses: tuple[str, ...]  # in CHECK_NAMES order
    caller: str | None = None  # the kind of caller an authentication pass proves


@dataclass(frozen=True)
class AppSummary:
    app: str
    entry_points: int
    failing_checks: int
    findings: tuple[int, ...]  # active findings per severity, in SEVERITIES order

    @property
    def total_findings(self) -> int:
        return sum(self.findings)


@dataclass(frozen=True)
class ReportData:
    """Everything a report shows, sorted once so every format lists things in the same order."""

    audit: Audit
    rows: tuple[CoverageRow, ...]
    active: tuple[Finding, ...]  # unsuppressed, most severe first
    suppressed: tuple[Finding, ...]
    severity_counts: tuple[int, ...]  # active findings per severity, in SEVERITIES order
    apps: tuple[AppSummary, ...]
    rule_ids: tuple[str, ...]  # every rule with an active or suppressed finding, sorted
    rules: Mapping[str, RuleMeta]
    finding_anchors: Mapping[str, str]  # fingerprint -> HTML id

    def by_severity(self) -> list[tuple[Severity, list[Finding]]]:
        """The active findings grouped by severity, most severe first, empty groups left out."""
        groups = [(sev, [f for f in self.active if f.severity == sev]) for sev in SEVERITIES]
        return [(sev, found) for sev, found in groups if found]

    def anchor(self, finding: Finding) -> str:
        return self.finding_anchors.get(finding.fingerprint, "")


def _severity_order(finding: Finding) -> tuple[int, str, int, str, str]:
    return (-finding.severity.rank, finding.file, finding.line, finding.rule, finding.fingerprint)


def coverage_rows(audit: Audit) -> list[CoverageRow]:
    """The matrix rows, sorted by app, file, line and id."""
    entry_points = sorted(audit.entry_points, key=lambda e: (e.app, e.file, e.line, e.id))
    return [_row(ep) for ep in entry_points]


def _row(ep: EntryPoint) -> CoverageRow:
    return CoverageRow(
        id=ep.id,
        kind=ep.kind.value,
        app=ep.app,
        route=ep.route,
        method=ep.method,
        name=ep.name,
        file=ep.file,
        line=ep.line,
        feature=ep.feature,
        public=ep.public,
        models=tuple(ep.models),
        statuses=tuple(ep.checks.get(name).status.value for name in CHECK_NAMES),
        caller=ep.checks.authentication.kind,
    )


def app_resolver(audit: Audit) -> Callable[[Finding], str]:
    """A function giving the app a finding belongs to: its entry point's app, else the app whose
    folder holds its file (the deepest one), else "."."""
    ep_apps = {ep.id: ep.app for ep in audit.entry_points}
    folders = [
        ("" if a.path in ("", ".") else a.path.rstrip("/") + "/", a.path) for a in audit.repo.apps
    ]
    prefixes = sorted(folders, key=lambda pair: (-len(pair[0]), pair[0]))  # the deepest first

    def resolve(finding: Finding) -> str:
        if finding.entry_point is not None and finding.entry_point in ep_apps:
            return ep_apps[finding.entry_point]
        for prefix, path in prefixes:
            if finding.file.startswith(prefix):
                return path
        return "."

    return resolve


def _app_summaries(
    audit: Audit, rows: list[CoverageRow], active: list[Finding]
) -> list[AppSummary]:
    app_of = app_resolver(audit)
    finding_apps = [app_of(f) for f in active]
    names = {app.path for app in audit.repo.apps} | {row.app for row in rows} | set(finding_apps)
    summaries = []
    for name in sorted(names):
        app_rows = [row for row in rows if row.app == name]
        app_findings = [f for f, app in zip(active, finding_apps, strict=True) if app == name]
        summaries.append(
            AppSummary(
                app=name,
                entry_points=len(app_rows),
                failing_checks=sum(row.statuses.count("fail") for row in app_rows),
                findings=tuple(sum(f.severity == s for f in app_findings) for s in SEVERITIES),
            )
        )
    return summaries


_UNSAFE_ID = re.compile(r"[^A-Za-z0-9_-]+")

# Control characters (ESC starts terminal escape sequences) and bidirectional overrides and
# isolates ("Trojan Source"): shown as visible escapes, never passed on to a terminal or a page.
_HIDDEN_ALL = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_HIDDEN_KEEP_LINES = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]"
)


def reveal(text: str, *, keep_lines: bool = False) -> str:
    """Repo-derived text with control and bidi characters turned into visible escapes (`\\x1b`,
    `\\u202e`); with `keep_lines`, tabs and newlines stay as they are (for code snippets)."""
    pattern = _HIDDEN_KEEP_LINES if keep_lines else _HIDDEN_ALL
    return pattern.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def safe_id(prefix: str, text: str) -> str:
    """An HTML id made of [A-Za-z0-9_-] only, whatever the input holds."""
    return prefix + _UNSAFE_ID.sub("-", text).strip("-")


def build_report_data(audit: Audit, rules: Mapping[str, RuleMeta] | None = None) -> ReportData:
    rows = coverage_rows(audit)
    ordered = sorted(audit.findings, key=_severity_order)
    active = [f for f in ordered if f.suppressed is None]
    suppressed = [f for f in ordered if f.suppressed is not None]
    anchors = {f.fingerprint: f"finding-{i}" for i, f in enumerate(active + suppressed, start=1)}
    return ReportData(
        audit=audit,
        rows=tuple(rows),
        active=tuple(active),
        suppressed=tuple(suppressed),
        severity_counts=tuple(sum(f.severity == s for f in active) for s in SEVERITIES),
        apps=tuple(_app_summaries(audit, rows, active)),
        rule_ids=tuple(sorted({f.rule for f in audit.findings})),
        rules=dict(rules or {}),
        finding_anchors=anchors,
    )
