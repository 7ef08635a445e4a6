"""Rich notebook display of archtools objects through small wrappers (nothing global is patched)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from archtools.facts.schema import Schema
from archtools.results import CHECK_NAMES, Audit, EntryPoint, Finding, Scorecard, Severity
from archtools.rules.base import RuleMeta
from archtools.views.notebook_base import RichView
from archtools.views.notebook_html import (
    SEVERITY_ORDER,
    SourceReader,
    badge,
    esc,
    evidence_html,
    findings_table_html,
    rule_doc_html,
    severity_label,
    source_excerpt_html,
    wrap,
)
from archtools.views.notebook_pages import (
    PAGE_SIZE,
    custom_size,
    filters_text,
    pager_html,
    paginate,
    select_findings,
)
from archtools.views.notebook_schema import ErdView, SchemaView

__all__ = [
    "AuditView",
    "EntryPointView",
    "ErdView",
    "FindingView",
    "MatrixView",
    "RichView",
    "SchemaView",
    "ScorecardView",
    "VerdictView",
    "show",
]

ERRORS_SHOWN = 20
FINDINGS_PER_ITEM = 10  # per scorecard item; a large feature has hundreds


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Unsuppressed findings per severity, most severe first."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for finding in findings:
        if finding.suppressed is None:
            counts[finding.severity] += 1
    return counts


class AuditView(RichView):
    """A whole audit, summarized: counts, scorecard grades, the first page of the coverage matrix
    and one page of findings (`page`, `page_size`), optionally filtered by `severity` (that
    severity or above), `rule` (an id or a prefix) and `file` (a path prefix)."""

    def __init__(
        self,
        audit: Audit,
        *,
        page: int = 1,
        page_size: int = PAGE_SIZE,
        severity: str | None = None,
        rule: str | None = None,
        file: str | None = None,
    ) -> None:
        self.audit = audit
        self.filters = filters_text(
            severity=severity, rule=rule, file=file, page_size=custom_size(page_size)
        )
        chosen = select_findings(audit.findings, severity=severity, rule=rule, file=file)
        self.page = paginate(chosen, page, page_size)

    def text(self) -> str:
        counts = severity_counts(self.audit.findings)
        by_sev = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        return (
            f"Audit of {self.audit.repo.root}: {len(self.audit.entry_points)} entry points, "
            f"{sum(counts.values())} findings ({by_sev or 'none'}), "
            f"{len(self.audit.schema_.models)} models, {len(self.audit.scorecards)} scorecards"
        )

    def _repr_html_(self) -> str:
        audit = self.audit
        counts = severity_counts(audit.findings)
        sev = "".join(f"<td>{severity_label(s)} {n}</td>" for s, n in counts.items())
        grades = "".join(
            f"<tr><td>{esc(c.feature)}</td><td>{c.score}</td><td>{esc(c.grade)}</td></tr>"
            for c in sorted(audit.scorecards, key=lambda c: c.feature)
        )
        errors = paginate(audit.errors, 1, ERRORS_SHOWN)
        error_items = "".join(
            f"<li>{esc(e.file)}:{esc(e.line or '')} {esc(e.message)}</li>" for e in errors.items
        )
        if not errors.complete:
            error_items += f"<li>... {errors.total - errors.last} more in result.errors</li>"
        matrix = MatrixView(audit, page_size=self.page.size)
        body = (
            f"<h3>Audit of {esc(audit.repo.root)}</h3>"
            f"<p>{audit.stats.files_scanned} files scanned, {len(audit.entry_points)} entry "
            f"points, {len(audit.schema_.models)} models "
            f"({esc(audit.schema_.orm or 'no ORM')})</p>"
            f"<table><tr>{sev}</tr></table>"
            "<h4>Scorecards</h4><table><tr><th>feature</th><th>score</th><th>grade</th></tr>"
            f"{grades}</table>"
            f"<h4>Auth coverage</h4>{matrix.table_html()}"
            f"<h4>Findings</h4>{findings_table_html(self.page.items)}"
            + pager_html(self.page, "findings", "show(result, {args})", self.filters)
            + (f"<h4>Errors</h4><ul>{error_items}</ul>" if error_items else "")
        )
        return wrap(body, "archtools-audit")


class MatrixView(RichView):
    """The auth-coverage matrix, colour-coded, one page at a time; `ids` keeps only those entry
    points, `feature`, `check` and `status` (`check="authorization", status="fail"`) filter."""

    COLUMNS = ("route", "method", "kind", "file", "line", *CHECK_NAMES, "caller")

    def __init__(
        self,
        audit: Audit,
        ids: Iterable[str] | None = None,
        *,
        page: int = 1,
        page_size: int = PAGE_SIZE,
        feature: str | None = None,
        check: str | None = None,
        status: str | None = None,
        next_call: str = "MatrixView(result, {args})",
    ) -> None:
        if (check is None) != (status is None):
            raise ValueError("check and status filter together: give both or neither")
        if check is not None and check not in CHECK_NAMES:
            raise ValueError(f"unknown check {check!r}: use one of {', '.join(CHECK_NAMES)}")
        from archtools.views.matrix import coverage_table

        self.audit = audit
        self.ids = None if ids is None else set(ids)
        self.filters = filters_text(
            feature=feature, check=check, status=status, page_size=custom_size(page_size)
        )
        self.next_call = next_call
        self.shown = [
            e
            for e in audit.entry_points
            if (self.ids is None or e.id in self.ids)
            and (feature is None or e.feature == feature)
            and (check is None or e.checks.get(check).status.value == status)
        ]
        frame = coverage_table(audit)
        frame = frame[frame["id"].isin({e.id for e in self.shown})]
        self.page = paginate(list(frame.index), page, page_size)
        self._rows = frame.loc[self.page.items, list(self.COLUMNS)]

    def table_html(self) -> str:
        from archtools.views.matrix import styled_coverage_html

        pager = pager_html(self.page, "entry points", self.next_call, self.filters)
        return styled_coverage_html(self._rows) + pager

    def text(self) -> str:
        fails = [
            f"{name} {sum(1 for e in self.shown if e.checks.get(name).status.value == 'fail')} fail"
            for name in CHECK_NAMES
        ]
        return f"Auth coverage of {len(self.shown)} entry points: " + ", ".join(fails)

    def _repr_html_(self) -> str:
        return wrap(self.table_html(), "archtools-matrix-view")


class EntryPointView(RichView):
    """One entry point: its checks with evidence, and the source lines when a reader is given."""

    def __init__(self, entry: EntryPoint, reader: SourceReader | None = None) -> None:
        self.entry = entry
        self.reader = reader

    def text(self) -> str:
        statuses = ", ".join(f"{n} {self.entry.checks.get(n).status.value}" for n in CHECK_NAMES)
        return f"{self.entry.id}: {statuses}"

    def _repr_html_(self) -> str:
        ep = self.entry
        rows = "".join(
            f"<tr><td>{name}</td><td>{badge(ep.checks.get(name).status.value)}</td>"
            f"<td>{evidence_html(ep.checks.get(name).evidence, self.reader)}</td></tr>"
            for name in CHECK_NAMES
        )
        body = (
            f"<h4>{esc(ep.method)} {esc(ep.route or ep.name)}</h4>"
            f'<p class="muted">{esc(ep.kind.value)} at <code>{esc(ep.file)}:{ep.line}</code>, '
            f"feature {esc(ep.feature)}{', public by design' if ep.public else ''}</p>"
            f"<table><tr><th>check</th><th>status</th><th>evidence</th></tr>{rows}</table>"
        )
        return wrap(body, "archtools-entry", {"id": ep.id})


class ScorecardView(RichView):
    """One feature's scorecard; given the audit, each item's findings show rule and message."""

    def __init__(self, card: Scorecard, audit: Audit | None = None) -> None:
        self.card = card
        self.findings = {f.fingerprint: f for f in audit.findings} if audit is not None else {}

    def text(self) -> str:
        counts = [
            f"{sum(1 for i in self.card.items if i.status.value == s)} {s}"
            for s in ("pass", "warn", "fail")
        ]
        card = self.card
        return f"{card.feature}: {card.score}/100, grade {card.grade} ({', '.join(counts)})"

    def _finding(self, fingerprint: str) -> str:
        f = self.findings.get(fingerprint)
        if f is None:
            return f"<li><code>{esc(fingerprint)}</code></li>"
        return (
            f"<li>{severity_label(f.severity)} <b>{esc(f.rule)}</b> "
            f"<code>{esc(f.file)}:{f.line}</code> {esc(f.message)}</li>"
        )

    def _findings(self, fingerprints: list[str]) -> str:
        page = paginate(fingerprints, 1, FINDINGS_PER_ITEM)
        more = (
            f'<li class="muted">... {page.total - page.last} more: '
            f"<code>show(result, file=...)</code> or the FindingsBrowser</li>"
            if not page.complete
            else ""
        )
        return f"<ul>{''.join(self._finding(fp) for fp in page.items)}{more}</ul>"

    def _repr_html_(self) -> str:
        card = self.card
        rows = "".join(
            f'<tr data-item="{esc(item.id)}"><td>{esc(item.title)}</td>'
            f"<td>{badge(item.status.value)}</td><td>{evidence_html(item.evidence)}</td>"
            f"<td>{self._findings(item.findings)}</td></tr>"
            for item in card.items
        )
        body = (
            f'<h3>{esc(card.feature)}: grade <span class="grade">{esc(card.grade)}</span> '
            f"({card.score}/100)</h3>"
            f'<p class="muted">{len(card.entry_points)} entry points; models: '
            f"{esc(', '.join(card.models) or 'none')}</p>"
            "<table><tr><th>item</th><th>status</th><th>evidence</th><th>findings</th></tr>"
            f"{rows}</table>"
        )
        return wrap(body, "archtools-scorecard", {"feature": card.feature, "grade": card.grade})


class FindingView(RichView):
    """One finding with its rule's documentation beside it, and the flagged lines if readable."""

    def __init__(
        self, finding: Finding, rule: RuleMeta | None = None, reader: SourceReader | None = None
    ) -> None:
        self.finding = finding
        self.rule = rule
        self.reader = reader

    def text(self) -> str:
        f = self.finding
        return f"{f.severity.value.upper()} {f.rule} {f.file}:{f.line} {f.message}"

    def _repr_html_(self) -> str:
        f = self.finding
        text = self.reader(f.file) if self.reader is not None else None
        if text is not None:
            source = source_excerpt_html(text, range(f.line, (f.end_line or f.line) + 1))
        else:
            source = f"<pre>{esc(f.snippet)}</pre>" if f.snippet else ""
        left = (
            f"<p>{severity_label(f.severity)} <b>{esc(f.rule)}</b> {esc(f.title)}</p>"
            f"<p><code>{esc(f.file)}:{f.line}</code></p><p>{esc(f.message)}</p>{source}"
            f'<p class="muted">{esc(", ".join(f.cwe))} {esc(f.entry_point or f.model or "")}</p>'
            + (f'<p class="muted">suppressed: {esc(f.suppressed)}</p>' if f.suppressed else "")
        )
        right = (
            rule_doc_html(self.rule)
            if self.rule is not None
            else '<p class="muted">No rule documentation.</p>'
        )
        body = f'<div class="side"><div>{left}</div><div class="rule-doc">{right}</div></div>'
        return wrap(body, "archtools-finding", {"rule": f.rule})


class VerdictView(RichView):
    """Before and after a fix: one rule's findings in one file (of one entry point, when given),
    and that entry point's `check`."""

    def __init__(
        self,
        before: Audit,
        after: Audit,
        *,
        rule: str,
        file: str,
        entry: str | None = None,
        check: str | None = None,
    ) -> None:
        self.before, self.after = before, after
        self.rule, self.file, self.entry, self.check = rule, file, entry, check

    def _count(self, audit: Audit) -> int:
        return sum(
            1
            for f in audit.findings
            if f.rule == self.rule
            and f.file == self.file
            and (self.entry is None or self.entry in (f.entry_point, *f.entry_points))
        )

    def _status(self, audit: Audit) -> str:
        found = next((e for e in audit.entry_points if e.id == self.entry), None)
        return "missing" if found is None else found.checks.get(self.check or "").status.value

    def fixed(self) -> bool:
        """No finding of the rule left in the file, and the check (if any) passes or is n/a."""
        if self._count(self.after):
            return False
        return self.check is None or self._status(self.after) in ("pass", "n/a")

    def lines(self) -> list[str]:
        out = [
            f"{self.rule} findings in {self.file}: "
            f"{self._count(self.before)} -> {self._count(self.after)}"
        ]
        if self.entry is not None and self.check is not None:
            out.append(
                f"{self.check} of {self.entry}: "
                f"{self._status(self.before)} -> {self._status(self.after)}"
            )
        out.append("verdict: fixed" if self.fixed() else "verdict: not fixed yet")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        *changes, verdict = self.lines()
        items = "".join(f"<li>{esc(line)}</li>" for line in changes)
        css = "st-pass" if self.fixed() else "st-fail"
        return wrap(f'<ul>{items}</ul><p class="{css}"><b>{verdict}</b></p>', "archtools-verdict")


def show(obj: Any, **opts: Any) -> RichView | ErdView:
    """The rich view of an archtools object: Audit (opts: page, page_size, severity, rule, file),
    Schema (opts: page, page_size; with ERD options: the ERD), Scorecard (opts: audit), Finding
    (opts: rule, reader), EntryPoint (opts: reader), or a view as it is."""
    if isinstance(obj, RichView | ErdView):
        return obj
    if isinstance(obj, Audit):
        return AuditView(obj, **opts)
    if isinstance(obj, Schema):
        paging = {k: opts.pop(k) for k in ("page", "page_size") if k in opts}
        return ErdView(obj, **opts) if opts else SchemaView(obj, **paging)
    if isinstance(obj, Scorecard):
        return ScorecardView(obj, opts.get("audit"))
    if isinstance(obj, Finding):
        rule = opts.get("rule")
        if rule is None:
            from archtools.rules.catalog import rule_catalog

            rule = rule_catalog().get(obj.rule)
        return FindingView(obj, rule, opts.get("reader"))
    if isinstance(obj, EntryPoint):
        return EntryPointView(obj, opts.get("reader"))
    raise TypeError(f"show() has no view for {type(obj).__name__}")
