"""The self-contained HTML report: Jinja2 with autoescape, inline assets pinned by a strict CSP."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from functools import cache
from importlib.resources import files

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from archtools.results import CHECK_NAMES, Audit
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
from archtools.views.svg_clean import sanitize_svg

_MATRIX_HEADERS = (
    ("Route", "text"),
    ("Method", "text"),
    ("Kind", "text"),
    *((CHECK_LABELS[c], "text") for c in CHECK_NAMES),
    ("File", "text"),
    ("Line", "number"),
    ("Name", "text"),
    ("App", "text"),
    ("Feature", "text"),
    ("Models", "text"),
)


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
    documented = [data.rules[r] for r in data.rule_ids if r in data.rules]
    search = [
        " ".join(
            (
                row.id,
                row.route or "",
                row.method,
                row.name,
                row.file,
                row.app,
                row.feature,
                *row.models,
            )
        ).lower()
        for row in data.rows
    ]
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
        kind_labels=KIND_LABELS,
        matrix_headers=_MATRIX_HEADERS,
        search=search,
        scorecards=scorecards,
        card_ids=[f"scorecard-{i}" for i in range(1, len(scorecards) + 1)],
        grades=("A", "B", "C", "D", "F"),
        finding_labels={f.fingerprint: f"{f.rule} {f.file}:{f.line}" for f in audit.findings},
        rule_anchors={meta.id: safe_id("rule-", meta.id) for meta in documented},
        documented=documented,
        errors=sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message)),
        skipped=sorted(audit.skipped, key=lambda k: (k.file, k.reason)),
    )


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_html(audit, erd_svg=inputs.erd_svg, rules=inputs.rules)
