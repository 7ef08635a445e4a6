"""HTML pieces shared by the notebook views and widgets: scoped CSS, escaping, excerpts, rule docs."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from html import escape

from archtools.results import Evidence, Finding, Severity
from archtools.rules.base import RuleMeta
from archtools.views.report_data import reveal

SourceReader = Callable[[str], str | None]  # repo-relative path -> text, None when unreadable

SEVERITY_ORDER: tuple[Severity, ...] = tuple(sorted(Severity, key=lambda s: -s.rank))
_STATUS_CSS = {"pass": "pass", "fail": "fail", "n/a": "na", "unknown": "unknown", "warn": "warn"}
_NB = ".archtools-nb"
# Scoped to .archtools-nb so nothing else on a notebook page is restyled.
CSS = (
    "<style>"
    f"{_NB}{{font-family:system-ui,sans-serif;font-size:13px;line-height:1.4}}"
    f"{_NB} table{{border-collapse:collapse;margin:4px 0}}"
    f"{_NB} th,{_NB} td{{border:1px solid #d0d7de;padding:2px 6px;text-align:left;"
    "vertical-align:top}"
    f"{_NB} .st-pass{{background:#dafbe1;color:#116329}}"
    f"{_NB} .st-fail{{background:#ffebe9;color:#a40e26}}"
    f"{_NB} .st-warn,{_NB} .st-unknown{{background:#fff8c5;color:#7d4e00}}"
    f"{_NB} .st-na{{background:#f6f8fa;color:#57606a}}"
    f"{_NB} .sev{{font-weight:600;text-transform:uppercase;font-size:11px}}"
    f"{_NB} .sev-critical,{_NB} .sev-high{{color:#a40e26}}"
    f"{_NB} .sev-medium{{color:#7d4e00}}"
    f"{_NB} .sev-low,{_NB} .sev-info,{_NB} .muted{{color:#57606a}}"
    f"{_NB} pre{{background:#f6f8fa;padding:4px 6px;margin:2px 0;overflow-x:auto;"
    "font-size:12px}"
    f"{_NB} pre mark{{background:#fff1a8;display:inline-block;width:100%}}"
    f"{_NB} .side{{display:flex;gap:16px;flex-wrap:wrap}}"
    f"{_NB} .side>div{{flex:1 1 320px;min-width:0}}"
    "</style>"
)


def esc(value: object) -> str:
    """Text from the audited repository, made inert for HTML (quotes included), with control and
    bidi characters shown as escapes (`\\u202e`) so that code cannot read other than it runs."""
    return escape(reveal("" if value is None else str(value), keep_lines=True), quote=True)


def badge(status: str) -> str:
    """A check or scorecard status as a coloured label."""
    return f'<span class="st-{_STATUS_CSS.get(status, "unknown")}">{esc(status)}</span>'


def severity_label(severity: Severity) -> str:
    return f'<span class="sev sev-{severity.value}">{severity.value}</span>'


def wrap(body: str, css_class: str, data: Mapping[str, str] | None = None) -> str:
    """A view's HTML: the scoped style sheet and one classed div (data-* attributes escaped)."""
    attrs = "".join(f' data-{key}="{esc(value)}"' for key, value in (data or {}).items())
    return f'{CSS}<div class="archtools-nb {css_class}"{attrs}>{body}</div>'


def source_excerpt_html(text: str, lines: Iterable[int], *, context: int = 2) -> str:
    """The source lines around `lines` (1-based), numbered, with `lines` highlighted; escaped."""
    all_lines = text.splitlines()
    marked = {n for n in lines if 1 <= n <= len(all_lines)}
    if not marked:
        return '<p class="muted">(line not found in the file)</p>'
    last = len(all_lines)
    shown = sorted(
        {n for m in marked for n in range(max(1, m - context), min(last, m + context) + 1)}
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


def evidence_html(evidence: Iterable[Evidence], reader: SourceReader | None = None) -> str:
    """Evidence as a list; with a reader, each item shows its highlighted source lines."""
    items = []
    for ev in evidence:
        item = f"<li><code>{esc(ev.file)}:{ev.line}</code> {esc(ev.detail)}"
        text = reader(ev.file) if reader is not None else None
        if text is not None:
            item += source_excerpt_html(text, [ev.line])
        items.append(item + "</li>")
    return f"<ul>{''.join(items)}</ul>" if items else ""


def findings_table_html(findings: Iterable[Finding]) -> str:
    """Findings as a table, in the order given (notebook_pages.select_findings sorts them)."""
    body = "".join(
        f"<tr><td>{severity_label(f.severity)}</td><td>{esc(f.confidence)}</td><td>{esc(f.rule)}</td>"
        f"<td>{esc(f.file)}:{f.line}</td><td>{esc(f.message)}"
        + (f' <span class="muted">(suppressed: {esc(f.suppressed)})</span>' if f.suppressed else "")
        + "</td></tr>"
        for f in findings
    )
    if not body:
        return '<p class="muted">No findings.</p>'
    head = (
        "<tr><th>severity</th><th>confidence</th><th>rule</th><th>where</th><th>message</th></tr>"
    )
    return f"<table>{head}{body}</table>"


def rule_doc_html(rule: RuleMeta) -> str:
    """A rule's documentation: why it matters, a bad and a good example, references."""
    doc = rule.doc
    refs = "".join(f"<li>{esc(ref)}</li>" for ref in doc.references)
    return (
        f"<h4>{esc(rule.id)} {esc(rule.name)}</h4><p><b>{esc(rule.title)}</b></p>"
        f'<p class="muted">severity {esc(rule.severity.value)}, confidence '
        f"{esc(rule.confidence)}, {esc(', '.join(rule.cwe) or 'no CWE')}</p>"
        f"<p><b>Why is this bad?</b> {esc(doc.why.strip())}</p>"
        f"<p><b>Example</b> <code>{esc(doc.bad.path)}</code></p>"
        f"<pre>{esc(doc.bad.code.rstrip())}</pre>"
        f"<p><b>Use instead</b> <code>{esc(doc.good.path)}</code></p>"
        f"<pre>{esc(doc.good.code.rstrip())}</pre>"
        + (
            f"<p><b>Known limitations</b> {esc(doc.limitations.strip())}</p>"
            if doc.limitations.strip()
            else ""
        )
        + (f"<p><b>References</b></p><ul>{refs}</ul>" if refs else "")
    )
