"""Rich notebook display of archtools objects through small wrappers (nothing global is patched)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from archtools.facts.schema import FieldKind, Schema
from archtools.results import CHECK_NAMES, Audit, EntryPoint, Finding, Scorecard, Severity
from archtools.rules.base import RuleMeta
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

Bundle = dict[str, str]


class RichView:
    """Base of the wrappers: an HTML and a plain-text form for IPython's display machinery."""

    def text(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> Bundle:
        return {"text/html": self._repr_html_(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
    """Unsuppressed findings per severity, most severe first."""
    counts = dict.fromkeys(SEVERITY_ORDER, 0)
    for finding in findings:
        if finding.suppressed is None:
            counts[finding.severity] += 1
    return counts


class AuditView(RichView):
    """A whole audit: counts, scorecard grades, the coverage matrix and the findings."""

    def __init__(self, audit: Audit) -> None:
        self.audit = audit

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
        errors = "".join(
            f"<li>{esc(e.file)}:{esc(e.line or '')} {esc(e.message)}</li>" for e in audit.errors
        )
        body = (
            f"<h3>Audit of {esc(audit.repo.root)}</h3>"
            f"<p>{audit.stats.files_scanned} files scanned, {len(audit.entry_points)} entry "
            f"points, {len(audit.schema_.models)} models "
            f"({esc(audit.schema_.orm or 'no ORM')})</p>"
            f"<table><tr>{sev}</tr></table>"
            "<h4>Scorecards</h4><table><tr><th>feature</th><th>score</th><th>grade</th></tr>"
            f"{grades}</table>"
            f"<h4>Auth coverage</h4>{MatrixView(audit).table_html()}"
            f"<h4>Findings</h4>{findings_table_html(audit.findings)}"
            + (f"<h4>Errors</h4><ul>{errors}</ul>" if errors else "")
        )
        return wrap(body, "archtools-audit")


class SchemaView(RichView):
    """The schema as tables: one row per model with its key, relations and where it is defined."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def text(self) -> str:
        schema = self.schema
        return (
            f"{schema.orm or 'no ORM'} schema ({schema.provider or 'unknown provider'}): "
            f"{len(schema.models)} models, {len(schema.enums)} enums"
        )

    def _repr_html_(self) -> str:
        rows = []
        for model in sorted(self.schema.models, key=lambda m: m.name):
            relations = [f for f in model.fields if f.kind is FieldKind.RELATION]
            keys = [f.name for f in model.fields if f.id] or model.primary_key or []
            links = ", ".join(f"{r.name} -> {r.type}" for r in relations)
            rows.append(
                f"<tr><td><b>{esc(model.name)}</b></td>"
                f"<td>{len(model.fields) - len(relations)}</td><td>{esc(', '.join(keys))}</td>"
                f"<td>{esc(links)}</td><td>{esc(model.file)}:{model.line}</td></tr>"
            )
        enums = "".join(
            f"<tr><td><b>{esc(e.name)}</b></td><td>{esc(', '.join(e.values))}</td></tr>"
            for e in self.schema.enums
        )
        head = "<th>model</th><th>columns</th><th>key</th><th>relations</th><th>defined at</th>"
        body = f"<h3>{esc(self.text())}</h3><table><tr>{head}</tr>{''.join(rows)}</table>" + (
            f"<table><tr><th>enum</th><th>values</th></tr>{enums}</table>" if enums else ""
        )
        return wrap(body, "archtools-schema")


class ErdView:
    """The ERD as SVG, drawn by graphviz `dot`; `opts` are erd_graph's (focus, depth, ...)."""

    def __init__(self, schema: Schema, **opts: Any) -> None:
        self.schema = schema
        self.opts = opts
        self._svg: str | None = None

    def svg(self) -> str:
        if self._svg is None:
            from archtools.views.erd import render_erd

            self._svg = render_erd(self.schema, "svg", **self.opts).decode("utf-8")
        return self._svg

    def text(self) -> str:
        focus = self.opts.get("focus")
        where = f" around {focus} (depth {self.opts.get('depth', 1)})" if focus else ""
        return f"ERD of {len(self.schema.models)} models{where}"

    def _repr_svg_(self) -> str:
        return self.svg()

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> Bundle:
        # As image/svg+xml the notebook shows it as an image: nothing in it can run.
        return {"image/svg+xml": self.svg(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


class MatrixView(RichView):
    """The auth-coverage matrix, colour-coded; `ids` keeps only those entry points."""

    COLUMNS = ("route", "method", "kind", "file", "line", *CHECK_NAMES, "caller")

    def __init__(self, audit: Audit, ids: Iterable[str] | None = None) -> None:
        self.audit = audit
        self.ids = None if ids is None else set(ids)

    def table_html(self) -> str:
        from archtools.views.matrix import coverage_table, styled_coverage_html

        frame = coverage_table(self.audit)
        if self.ids is not None:
            frame = frame[frame["id"].isin(self.ids)]
        return styled_coverage_html(frame[list(self.COLUMNS)])

    def text(self) -> str:
        shown = [e for e in self.audit.entry_points if self.ids is None or e.id in self.ids]
        fails = [
            f"{name} {sum(1 for e in shown if e.checks.get(name).status.value == 'fail')} fail"
            for name in CHECK_NAMES
        ]
        return f"Auth coverage of {len(shown)} entry points: " + ", ".join(fails)

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

    def _repr_html_(self) -> str:
        card = self.card
        rows = "".join(
            f'<tr data-item="{esc(item.id)}"><td>{esc(item.title)}</td>'
            f"<td>{badge(item.status.value)}</td><td>{evidence_html(item.evidence)}</td>"
            f"<td><ul>{''.join(self._finding(fp) for fp in item.findings)}</ul></td></tr>"
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
    """The rich view of an archtools object: Audit, Schema (with ERD options: the ERD), Scorecard
    (opts: audit), Finding (opts: rule, reader), EntryPoint (opts: reader), or a view as it is."""
    if isinstance(obj, RichView | ErdView):
        return obj
    if isinstance(obj, Audit):
        return AuditView(obj)
    if isinstance(obj, Schema):
        return ErdView(obj, **opts) if opts else SchemaView(obj)
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
