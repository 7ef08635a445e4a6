"""The format dispatcher: each name reaches its renderer with the right options."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.errors import InputError
from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.render import REPORT_FORMATS, RenderInputs, render_report
from archtools.views.report_html import render_html
from archtools.views.report_markdown import render_markdown
from archtools.views.report_sarif import render_sarif
from archtools.views.report_text import render_text

SVG = '<svg xmlns="http://www.w3.org/2000/svg"><text>Note</text></svg>'


def test_formats() -> None:
    assert REPORT_FORMATS == ("text", "json", "md", "html", "sarif")


def test_each_format_reaches_its_renderer(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    assert render_report(audit, "json") == audit.to_json()
    assert render_report(audit, "text") == render_text(audit)
    assert render_report(audit, "text", color=True) == render_text(audit, color=True)
    assert render_report(audit, "md", rules=rules) == render_markdown(audit, rules=rules)
    assert render_report(audit, "sarif", rules=rules) == render_sarif(audit, rules=rules)
    html = render_report(audit, "html", erd_svg=SVG, rules=rules)
    assert html == render_html(audit, erd_svg=SVG, rules=rules)
    assert "<text>Note</text>" in html
    assert 'id="rule-AZ001"' in html


def test_json_round_trips(audit: Audit) -> None:
    assert Audit.from_json(render_report(audit, "json")) == audit


def test_unknown_format(audit: Audit) -> None:
    with pytest.raises(
        InputError, match="unknown report format 'pdf'; expected one of: text, json"
    ):
        render_report(audit, "pdf")


def render_count(audit: Audit, inputs: RenderInputs) -> str:
    return f"{len(audit.findings)} findings, erd={inputs.erd_svg is not None}\n"


def test_a_format_is_one_registry_entry(
    audit: Audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from archtools import reporting
    from archtools.views import render

    extra = render.ReportFormat("count", "count.txt", f"{__name__}:render_count")
    monkeypatch.setitem(render.FORMATS_BY_NAME, "count", extra)
    assert render_report(audit, "count") == f"{len(audit.findings)} findings, erd=False\n"
    [written] = reporting.write_report_files(audit, tmp_path, ["count"])
    assert written.name == "count.txt" and "findings" in written.read_text()
