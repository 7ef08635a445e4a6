"""One entry point for every report format: picks the renderer for a format name."""

from __future__ import annotations

from collections.abc import Mapping

from archtools.errors import InputError
from archtools.results import Audit
from archtools.rules.base import RuleMeta

REPORT_FORMATS: tuple[str, ...] = ("text", "json", "md", "html", "sarif")


def render_report(
    audit: Audit,
    fmt: str,
    *,
    erd_svg: str | None = None,
    rules: Mapping[str, RuleMeta] | None = None,
    color: bool = False,
) -> str:
    """The audit in one of REPORT_FORMATS. `erd_svg` feeds the HTML report only, `rules` (the
    catalog, for rule docs) the Markdown, HTML and SARIF ones, `color` the text one."""
    # Each renderer is imported on demand so `--format json` never pays for Jinja2 or the rest.
    if fmt == "json":
        return audit.to_json()
    if fmt == "text":
        from archtools.views.report_text import render_text

        return render_text(audit, color=color)
    if fmt == "md":
        from archtools.views.report_markdown import render_markdown

        return render_markdown(audit, rules=rules)
    if fmt == "html":
        from archtools.views.report_html import render_html

        return render_html(audit, erd_svg=erd_svg, rules=rules)
    if fmt == "sarif":
        from archtools.views.report_sarif import render_sarif

        return render_sarif(audit, rules=rules)
    raise InputError(f"unknown report format {fmt!r}; expected one of: {', '.join(REPORT_FORMATS)}")
