"""The self-contained HTML report: Jinja2 with autoescape, inline assets pinned by a strict CSP."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from archtools.checklist.scorecard import CHECK_ITEMS
from archtools.results import CHECK_NAMES, Audit, Scorecard
from archtools.rules.base import RuleMeta
from archtools.views.render import RenderInputs
from archtools.views.report_data import (
    CHECK_LABELS,
    CHECK_STATUSES,
    KIND_LABELS,
    SEVERITIES,
    STATUS_CLASSES,
    build_report_data,
    reveal,
    safe_id,
)
from archtools.views.report_findings import confidences, rule_groups
from archtools.views.report_matrix import FILE_LIMIT, matrix_rows, shorten_path
from archtools.views.report_summary import grade_letter, summarize
from archtools.views.svg_clean import sanitize_svg

# Label, sort type and width class (report.css sizes each column: the table's layout is fixed).
_MATRIX_HEADERS = (
    ("Route", "text", "route"),
    ("Method", "text", "method"),
    ("Kind", "text", "kind"),
    *((CHECK_LABELS[c], "text", "check") for c in CHECK_NAMES),
    ("File", "text", "file"),
    ("Line", "number", "line"),
    ("App", "text", "app"),
    ("Feature", "text", "feature"),
    ("Models", "text", "models"),
)
# Evidence a scorecard lists per item: fewer for an item that is a matrix column (each entry
# point's evidence is in its cell); the JSON and Markdown reports list all of it.
_CARD_EVIDENCE = 5
_CARD_CHECK_EVIDENCE = 3
# Findings a scorecard links per item (all of them are under Findings, grouped by rule).
_CARD_FINDINGS = 5
# The per-app table starts open up to this many apps, so the summary still fits one screen.
_OPEN_APPS = 2
# Errors or skipped files listed open; longer lists start collapsed.
_OPEN_LIMIT = 20


def _finalize(value: object) -> object:
    """Every `{{ }}` value: repo-derived strings get their hidden characters revealed; our own
    Markup (assets, the rebuilt SVG) passes unchanged. Escaping comes after, by autoescape."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return reveal(value, keep_lines=True)
    return value


@cache
def _environment() -> Environment:
    return Environment(
        finalize=_finalize,
        loader=PackageLoader("archtools.views", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@cache
def _asset(name: str) -> str:
    text = (files("archtools.views") / "templates" / name).read_text(encoding="utf-8")
    closing = "</style" if name.endswith(".css") else "</script"
    if closing in text.lower():
        raise ValueError(f"{name} must not contain {closing}")
    return text


def csp_hash(text: str) -> str:
    """The CSP source expression allowing exactly this inline element content."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(css: str, js: str) -> str:
    return (
        f"default-src 'none'; img-src data:; style-src {csp_hash(css)}; "
        f"script-src {csp_hash(js)}; base-uri 'none'; form-action 'none'"
    )


def _item_counts(card: Scorecard) -> list[tuple[str, int]]:
    """How many of the card's items fail, warn and pass, the zeros left out."""
    statuses = [item.status.value for item in card.items]
    return [(s, n) for s in ("fail", "warn", "pass") if (n := statuses.count(s))]


def render_html(
    audit: Audit,
    *,
    erd_svg: str | None = None,
    rules: Mapping[str, RuleMeta] | None = None,
) -> str:
    """The whole report as one HTML file that loads nothing from anywhere."""
    data = build_report_data(audit, rules)
    css = _asset("report.css") + _asset("erd_viewer.css")
    js = _asset("report.js") + _asset("erd_viewer.js")
    svg: Markup | str | None = None
    if erd_svg is not None:
        cleaned = sanitize_svg(erd_svg)
        svg = Markup(cleaned) if cleaned else ""  # rebuilt from an allow-list above
    scorecards = sorted(audit.scorecards, key=lambda c: c.feature)
    card_ids = [f"scorecard-{i}" for i in range(1, len(scorecards) + 1)]
    documented = [data.rules[r] for r in data.rule_ids if r in data.rules]
    matrix = matrix_rows(audit, data)
    kinds = sorted({row.kind for row in data.rows})
    template = _environment().get_template("report.html.j2")
    return template.render(
        audit=audit,
        data=data,
        csp=content_security_policy(css, js),
        # Our own static assets, checked above to hold no closing tag.
        css=Markup(css),
        js=Markup(js),
        erd_svg=svg,
        severities=[s.value for s in SEVERITIES],
        severity_counts=[
            (s.value, n) for s, n in zip(SEVERITIES, data.severity_counts, strict=True)
        ],
        statuses=CHECK_STATUSES,
        status_classes=STATUS_CLASSES,
        kinds=[(k, KIND_LABELS.get(k, k)) for k in kinds],
        matrix_headers=_MATRIX_HEADERS,
        matrix=matrix,
        summary=summarize(scorecards, data.active),
        short=lambda path: shorten_path(path, FILE_LIMIT),
        grade_letter=grade_letter,
        scorecards=scorecards,
        card_ids=card_ids,
        card_anchors=dict(zip((c.feature for c in scorecards), card_ids, strict=True)),
        card_counts=[_item_counts(card) for card in scorecards],
        groups=rule_groups(data.active),
        suppressed_groups=rule_groups(data.suppressed, prefix="suppressed-"),
        confidences=confidences(data.active),
        open_limit=_OPEN_LIMIT,
        open_apps=_OPEN_APPS,
        check_items=CHECK_ITEMS,
        entry_labels={m.row.id: f"{m.row.method} {m.label}" for m in matrix},
        card_evidence=_CARD_EVIDENCE,
        card_check_evidence=_CARD_CHECK_EVIDENCE,
        card_findings=_CARD_FINDINGS,
        finding_labels={f.fingerprint: f"{f.rule} {f.file}:{f.line}" for f in audit.findings},
        rule_anchors={meta.id: safe_id("rule-", meta.id) for meta in documented},
        documented=documented,
        errors=sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message)),
        skipped=sorted(audit.skipped, key=lambda k: (k.file, k.reason)),
    )


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_html(audit, erd_svg=inputs.erd_svg, rules=inputs.rules)
