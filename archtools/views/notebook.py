"""Rich notebook display for audits, schemas, ERDs, matrices, scorecards and findings (wrappers, no patching)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import Any

from archtools.facts.schema import FieldKind, Schema
from archtools.results import CHECK_NAMES, Audit, EntryPoint, Finding, Scorecard, Severity
from archtools.rules.base import RuleMeta

SourceReader = Callable[[str], str | None]  # repo-relative path -> text, None when unreadable

SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
_STATUS_CSS = {"pass": "pass", "fail": "fail", "n/a": "na", "unknown": "unknown", "warn": "warn"}
# Scoped to .archtools-nb so nothing else on a notebook page is restyled.
CSS = (
    "<style>"
    ".archtools-nb{font-family:system-ui,sans-serif;font-size:13px;line-height:1.4}"
    ".archtools-nb table{border-collapse:collapse;margin:4px 0}"
    ".archtools-nb th,.archtools-nb td{border:1px solid #d0d7de;padding:2px 6px;"
    "text-align:left;vertical-align:top}"
    ".archtools-nb .st-pass{background:#dafbe1;color:#116329}"
    ".archtools-nb .st-fail{background:#ffebe9;color:#a40e26}"
    ".archtools-nb .st-warn{background:#fff8c5;color:#7d4e00}"
    ".archtools-nb .st-unknown{background:#fff8c5;color:#7d4e00}"
    ".archtools-nb .st-na{background:#f6f8fa;color:#57606a}"
    ".archtools-nb .sev{font-weight:600;text-transform:uppercase;font-size:11px}"
    ".archtools-nb .sev-critical,.archtools-nb .sev-high{color:#a40e26}"
    ".archtools-nb .sev-medium{color:#7d4e00}.archtools-nb .sev-low,.archtools-nb .sev-info{color:#57606a}"
    ".archtools-nb pre{background:#f6f8fa;padding:4px 6px;margin:2px 0;overflow-x:auto;font-size:12px}"
    ".archtools-nb pre mark{background:#fff1a8;display:inline-block;width:100%}"
    ".archtools-nb .side{display:flex;gap:16px;flex-wrap:wrap}"
    ".archtools-nb .side>div{flex:1 1 320px;min-width:0}"
    ".archtools-nb .muted{color:#57606a}"
    "</style>"
)


def esc(value: object) -> str:
    """Text from the audited repository, made inert for HTML (quotes included)."""
    return escape("" if value is None else str(value), quote=True)


def badge(status: str) -> str:
    return f'<span class="st-{_STATUS_CSS.get(status, "unknown")}">{esc(status)}</span>'


def _wrap(body: str, css_class: str = "", data: Mapping[str, str] | None = None) -> str:
    attrs = "".join(f' data-{key}="{esc(value)}"' for key, value in (data or {}).items())
    return f'{CSS}<div class="archtools-nb {css_class}"{attrs}>{body}</div>'


def source_excerpt_html(text: str, lines: Iterable[int], *, context: int = 2) -> str:
    """The source lines around `lines` (1-based), numbered, with `lines` highlighted; escaped."""
    all_lines = text.splitlines()
    marked = {n for n in lines if 1 <= n <= len(all_lines)}
    if not marked:
        return '<p class="muted">(line not found in the file)</p>'
    shown = sorted(
        {
            n
            for m in marked
            for n in range(max(1, m - context), min(len(all_lines), m + context) + 1)
        }
    )
    rows: list[str] = []
    previous = 0
    for number in shown:
        if previous and number != previous + 1:
            rows.append('<span class="muted">...</span>')
        code = f"{number:>4}  {esc(all_lines[number - 1])}"
        rows.append(f"<mark>{code}</mark>" if number in marked else code)
        previous = number
    return "<pre>" + "\n".join(rows) + "</pre>"


class RichView:
    """Base of the wrappers: HTML and plain text bundles for IPython's display machinery."""

    def text(self) -> str:
        raise NotImplementedError

    def _repr_html_(self) -> str:
        raise NotImplementedError

    def _repr_mimebundle_(
        self, include: Iterable[str] | None = None, exclude: Iterable[str] | None = None
    ) -> dict[str, str]:
        return {"text/html": self._repr_html_(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


def _severity_counts(findings: Iterable[Finding]) -> dict[Severity, int]:
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
        counts = _severity_counts(self.audit.findings)
        by_sev = ", ".join(f"{n} {s.value}" for s, n in counts.items() if n)
        return (
            f"Audit of {self.audit.repo.root}: {len(self.audit.entry_points)} entry points, "
            f"{sum(counts.values())} findings ({by_sev or 'none'}), "
            f"{len(self.audit.schema_.models)} models, {len(self.audit.scorecards)} scorecards"
        )

    def _repr_html_(self) -> str:
        audit = self.audit
        counts = _severity_counts(audit.findings)
        sev = "".join(
            f'<td class="sev sev-{s.value}">{s.value} {n}</td>' for s, n in counts.items()
        )
        grades = "".join(
            f"<tr><td>{esc(c.feature)}</td><td>{c.score}</td><td>{esc(c.grade)}</td></tr>"
            for c in sorted(audit.scorecards, key=lambda c: c.feature)
        )
        errors = "".join(
            f"<li>{esc(e.file)}:{esc(e.line or '')} {esc(e.message)}</li>" for e in audit.errors
        )
        body = (
            f"<h3>Audit of {esc(audit.repo.root)}</h3>"
            f"<p>{audit.stats.files_scanned} files scanned, {len(audit.entry_points)} entry points, "
            f"{len(audit.schema_.models)} models ({esc(audit.schema_.orm or 'no ORM')})</p>"
            f"<table><tr>{sev}</tr></table>"
            f"<h4>Scorecards</h4><table><tr><th>feature</th><th>score</th><th>grade</th></tr>{grades}</table>"
            f"<h4>Auth coverage</h4>{MatrixView(audit).table_html()}"
            f"<h4>Findings</h4>{findings_table_html(audit.findings)}"
            + (f"<h4>Errors</h4><ul>{errors}</ul>" if errors else "")
        )
        return _wrap(body, "archtools-audit")


def findings_table_html(findings: Iterable[Finding]) -> str:
    rows = sorted(findings, key=lambda f: (-f.severity.rank, f.file, f.line, f.rule))
    body = "".join(
        f'<tr><td class="sev sev-{f.severity.value}">{f.severity.value}</td><td>{esc(f.rule)}</td>'
        f"<td>{esc(f.file)}:{f.line}</td><td>{esc(f.message)}"
        + (f' <span class="muted">(suppressed: {esc(f.suppressed)})</span>' if f.suppressed else "")
        + "</td></tr>"
        for f in rows
    )
    if not body:
        return '<p class="muted">No findings.</p>'
    return f"<table><tr><th>severity</th><th>rule</th><th>where</th><th>message</th></tr>{body}</table>"


class SchemaView(RichView):
    """The schema as tables: one row per model, its keys, relations and source location."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema

    def text(self) -> str:
        return (
            f"{self.schema.orm or 'no ORM'} schema ({self.schema.provider or 'unknown provider'}): "
            f"{len(self.schema.models)} models, {len(self.schema.enums)} enums"
        )

    def _repr_html_(self) -> str:
        rows = []
        for model in sorted(self.schema.models, key=lambda m: m.name):
            relations = [f for f in model.fields if f.kind is FieldKind.RELATION]
            keys = [f.name for f in model.fields if f.id] or model.primary_key or []
            rows.append(
                f"<tr><td><b>{esc(model.name)}</b></td><td>{len(model.fields) - len(relations)}</td>"
                f"<td>{esc(', '.join(keys))}</td>"
                f"<td>{esc(', '.join(f'{r.name} -> {r.type}' for r in relations))}</td>"
                f"<td>{esc(model.file)}:{model.line}</td></tr>"
            )
        enums = "".join(
            f"<tr><td><b>{esc(e.name)}</b></td><td>{esc(', '.join(e.values))}</td></tr>"
            for e in self.schema.enums
        )
        body = (
            f"<h3>{esc(self.text())}</h3>"
            "<table><tr><th>model</th><th>columns</th><th>key</th><th>relations</th><th>defined at</th></tr>"
            f"{''.join(rows)}</table>"
            + (f"<table><tr><th>enum</th><th>values</th></tr>{enums}</table>" if enums else "")
        )
        return _wrap(body, "archtools-schema")


class ErdView:
    """The ERD as SVG (rendered by graphviz `dot`); options are erd_graph's."""

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
    ) -> dict[str, str]:
        return {"image/svg+xml": self.svg(), "text/plain": self.text()}

    def __repr__(self) -> str:
        return self.text()


class MatrixView(RichView):
    """The auth-coverage matrix, colour-coded; `ids` keeps some entry points only."""

    COLUMNS = ("route", "method", "kind", "file", "line", *CHECK_NAMES)

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
        parts = []
        for name in CHECK_NAMES:
            fails = sum(1 for e in shown if e.checks.get(name).status.value == "fail")
            parts.append(f"{name} {fails} fail")
        return f"Auth coverage of {len(shown)} entry points: " + ", ".join(parts)

    def _repr_html_(self) -> str:
        return _wrap(self.table_html(), "archtools-matrix-view")


def _evidence_html(evidence: Iterable[Any], reader: SourceReader | None) -> str:
    items = []
    for ev in evidence:
        item = f"<li><code>{esc(ev.file)}:{ev.line}</code> {esc(ev.detail)}"
        text = reader(ev.file) if reader is not None else None
        if text is not None:
            item += source_excerpt_html(text, [ev.line])
        items.append(item + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


class EntryPointView(RichView):
    """One entry point: its checks with their evidence, and the source lines when a reader is given."""

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
            f"<td>{_evidence_html(ep.checks.get(name).evidence, self.reader)}</td></tr>"
            for name in CHECK_NAMES
        )
        body = (
            f"<h4>{esc(ep.method)} {esc(ep.route or ep.name)}</h4>"
            f'<p class="muted">{esc(ep.kind.value)} at <code>{esc(ep.file)}:{ep.line}</code>, '
            f"feature {esc(ep.feature)}{', public by design' if ep.public else ''}</p>"
            f"<table><tr><th>check</th><th>status</th><th>evidence</th></tr>{rows}</table>"
        )
        return _wrap(body, "archtools-entry", {"id": ep.id})


class ScorecardView(RichView):
    """One feature's scorecard; with `audit`, each item's findings are shown by rule and message."""

    def __init__(self, card: Scorecard, audit: Audit | None = None) -> None:
        self.card = card
        self.findings = {f.fingerprint: f for f in audit.findings} if audit is not None else {}

    def text(self) -> str:
        counts = {
            s: sum(1 for i in self.card.items if i.status.value == s)
            for s in ("pass", "warn", "fail")
        }
        return (
            f"{self.card.feature}: {self.card.score}/100, grade {self.card.grade} "
            f"({counts['pass']} pass, {counts['warn']} warn, {counts['fail']} fail)"
        )

    def _finding(self, fingerprint: str) -> str:
        f = self.findings.get(fingerprint)
        if f is None:
            return f"<li><code>{esc(fingerprint)}</code></li>"
        return (
            f'<li><span class="sev sev-{f.severity.value}">{f.severity.value}</span> '
            f"<b>{esc(f.rule)}</b> <code>{esc(f.file)}:{f.line}</code> {esc(f.message)}</li>"
        )

    def _repr_html_(self) -> str:
        card = self.card
        rows = "".join(
            f'<tr data-item="{esc(item.id)}"><td>{esc(item.title)}</td><td>{badge(item.status.value)}</td>'
            f"<td>{_evidence_html(item.evidence, None)}</td>"
            f"<td><ul>{''.join(self._finding(fp) for fp in item.findings)}</ul></td></tr>"
            for item in card.items
        )
        body = (
            f'<h3>{esc(card.feature)}: <span class="grade">{esc(card.grade)}</span> ({card.score}/100)</h3>'
            f'<p class="muted">{len(card.entry_points)} entry points; models: '
            f"{esc(', '.join(card.models) or 'none')}</p>"
            f"<table><tr><th>item</th><th>status</th><th>evidence</th><th>findings</th></tr>{rows}</table>"
        )
        return _wrap(body, "archtools-scorecard", {"feature": card.feature, "grade": card.grade})


def rule_doc_html(rule: RuleMeta) -> str:
    doc = rule.doc
    refs = "".join(f"<li>{esc(ref)}</li>" for ref in doc.references)
    return (
        f"<h4>{esc(rule.id)} {esc(rule.name)}</h4><p><b>{esc(rule.title)}</b></p>"
        f'<p class="muted">severity {esc(rule.severity.value)}, confidence {esc(rule.confidence)}, '
        f"{esc(', '.join(rule.cwe) or 'no CWE')}</p>"
        f"<p><b>Why is this bad?</b> {esc(doc.why.strip())}</p>"
        f"<p><b>Example</b> <code>{esc(doc.bad.path)}</code></p><pre>{esc(doc.bad.code.rstrip())}</pre>"
        f"<p><b>Use instead</b> <code>{esc(doc.good.path)}</code></p><pre>{esc(doc.good.code.rstrip())}</pre>"
        + (f"<p><b>References</b></p><ul>{refs}</ul>" if refs else "")
    )


class FindingView(RichView):
    """One finding, with the rule's documentation beside it and the flagged lines when readable."""

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
            f'<p><span class="sev sev-{f.severity.value}">{f.severity.value}</span> <b>{esc(f.rule)}</b> '
            f"{esc(f.title)}</p><p><code>{esc(f.file)}:{f.line}</code></p><p>{esc(f.message)}</p>"
            f"{source}"
            f'<p class="muted">{esc(", ".join(f.cwe))} {esc(f.entry_point or f.model or "")}</p>'
            + (f'<p class="muted">suppressed: {esc(f.suppressed)}</p>' if f.suppressed else "")
        )
        right = (
            rule_doc_html(self.rule)
            if self.rule is not None
            else '<p class="muted">No rule documentation.</p>'
        )
        body = f'<div class="side"><div>{left}</div><div>{right}</div></div>'
        return _wrap(body, "archtools-finding", {"rule": f.rule})


class VerdictView(RichView):
    """Before and after a fix: the rule's findings in one file, and optionally one entry point's check."""

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

    def counts(self) -> tuple[int, int]:
        def count(audit: Audit) -> int:
            return sum(1 for f in audit.findings if f.rule == self.rule and f.file == self.file)

        return count(self.before), count(self.after)

    def statuses(self) -> tuple[str, str] | None:
        if self.entry is None or self.check is None:
            return None

        def status(audit: Audit) -> str:
            found = next((e for e in audit.entry_points if e.id == self.entry), None)
            return "missing" if found is None else found.checks.get(self.check or "").status.value

        return status(self.before), status(self.after)

    def fixed(self) -> bool:
        statuses = self.statuses()
        return self.counts()[1] == 0 and (statuses is None or statuses[1] in ("pass", "n/a"))

    def lines(self) -> list[str]:
        before, after = self.counts()
        out = [f"{self.rule} findings in {self.file}: {before} -> {after}"]
        statuses = self.statuses()
        if statuses is not None:
            out.append(f"{self.check} of {self.entry}: {statuses[0]} -> {statuses[1]}")
        out.append("verdict: fixed" if self.fixed() else "verdict: not fixed yet")
        return out

    def text(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        css = "st-pass" if self.fixed() else "st-fail"
        items = "".join(f"<li>{esc(line)}</li>" for line in self.lines()[:-1])
        return _wrap(
            f'<ul>{items}</ul><p class="{css}"><b>{esc(self.lines()[-1])}</b></p>',
            "archtools-verdict",
        )


def show(obj: Any, **opts: Any) -> Any:
    """The rich view of an archtools object (Audit, Schema, Scorecard, Finding, EntryPoint)."""
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
