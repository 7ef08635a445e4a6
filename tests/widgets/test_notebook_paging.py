"""The notebook views on a large audit: a page at a time, filtered, and one cell's HTML bounded."""

from __future__ import annotations

import re

import pytest

from archtools.facts.schema import Field, FieldKind, Model, Schema
from archtools.results import Audit, ScoreItem, Severity
from archtools.views.notebook import AuditView, MatrixView, ScorecardView, show
from archtools.views.notebook_pages import paginate, select_findings
from archtools.views.notebook_schema import ErdView, SchemaView, legible_focus
from archtools.widgets import CoverageMatrix, ErdExplorer

CELL_BUDGET = 100_000  # characters of HTML in one notebook cell
COPIES = 300  # x 4 entry points and 6 findings of the tiny audit: 1,200 and 1,800


def enlarged(audit: Audit, copies: int = COPIES) -> Audit:
    """The tiny audit repeated under `copies` folders: same shapes, a real app's counts."""
    entries = [
        e.model_copy(update={"id": f"{e.id}@{n:04d}", "file": f"app/f{n:04d}/{e.file}"})
        for n in range(copies)
        for e in audit.entry_points
    ]
    findings = [
        f.model_copy(
            update={"fingerprint": f"{f.fingerprint}-{n}", "file": f"app/f{n:04d}/{f.file}"}
        )
        for n in range(copies)
        for f in audit.findings
    ]
    card = audit.scorecards[1]
    items = [
        ScoreItem(
            id=i.id, title=i.title, status=i.status, findings=[f.fingerprint for f in findings]
        )
        for i in card.items
    ]
    return audit.model_copy(
        update={
            "entry_points": entries,
            "findings": findings,
            "scorecards": [card.model_copy(update={"items": items})],
        }
    )


@pytest.fixture
def big(audit: Audit) -> Audit:
    return enlarged(audit)


def pager(html: str) -> list[str]:
    return re.findall(r'<p class="muted pager">(.*?)</p>', html)


def test_paginate_counts_pages_and_refuses_a_page_past_the_end() -> None:
    page = paginate(list(range(120)), 3, 50)
    assert (page.items, page.number, page.pages, page.first, page.last) == (
        list(range(100, 120)),
        3,
        3,
        101,
        120,
    )
    assert paginate([], 1, 50).complete and paginate([], 1, 50).first == 0
    with pytest.raises(ValueError, match="page 4 does not exist: there are 3"):
        paginate(list(range(120)), 4, 50)
    with pytest.raises(ValueError, match="page_size must be at least 1"):
        paginate([1], 1, 0)


def test_select_findings_by_severity_floor_rule_prefix_and_path(big: Audit) -> None:
    high = select_findings(big.findings, severity="high")
    assert high and all(f.severity.rank >= Severity.HIGH.rank for f in high)
    assert len(high) < len(big.findings)
    assert [f.severity for f in high] == sorted((f.severity for f in high), key=lambda s: -s.rank)
    az = select_findings(big.findings, rule="AZ", file="app/f0001/")
    assert az and {f.rule[:2] for f in az} == {"AZ"}
    assert {f.file.split("/")[1] for f in az} == {"f0001"}
    with pytest.raises(ValueError, match="unknown severity 'urgent': use one of critical, high"):
        select_findings(big.findings, severity="urgent")


def test_show_on_a_large_audit_is_a_summary_and_one_page_of_findings(big: Audit) -> None:
    html = show(big)._repr_mimebundle_()["text/html"]
    assert len(html) < CELL_BUDGET
    assert pager(html) == [
        "entry points 1-50 of 1200, page 1 of 24. Next: <code>MatrixView(result, page=2)</code>",
        "findings 1-50 of 1800, page 1 of 36. Next: <code>show(result, page=2)</code>",
    ]
    assert html.split("<h4>Findings</h4>")[1].count("<tr><td>") == 50  # one page of rows
    # the unsuppressed ones
    assert show(big).text().startswith("Audit of tiny: 1200 entry points, 1500 findings")


def test_pages_and_filters_of_the_audit_view(big: Audit) -> None:
    last = AuditView(big, page=36)
    assert pager(last._repr_html_())[1] == (
        "findings 1751-1800 of 1800, page 36 of 36. Next: <code>show(result, page=1)</code>"
    )
    critical = show(big, severity="high", rule="ATH", page_size=20)._repr_mimebundle_()["text/html"]
    assert pager(critical)[1] == (
        "findings 1-20 of 300 (severity=&#x27;high&#x27;, rule=&#x27;ATH&#x27;, page_size=20), "
        "page 1 of 15. Next: <code>show(result, severity=&#x27;high&#x27;, rule=&#x27;ATH&#x27;, "
        "page_size=20, page=2)</code>"
    )
    with pytest.raises(ValueError, match="page 37 does not exist"):
        AuditView(big, page=37)


def test_matrix_view_pages_and_filters_by_check_status_and_feature(big: Audit) -> None:
    second = MatrixView(big, page=2)
    assert second._repr_html_().count("<tr><td>") == 50
    failing = MatrixView(big, check="authentication", status="fail", page_size=100)
    assert failing.text().startswith("Auth coverage of 300 entry points: authentication 300 fail,")
    assert pager(failing.table_html()) == [
        "entry points 1-100 of 300 (check=&#x27;authentication&#x27;, status=&#x27;fail&#x27;, "
        "page_size=100), page 1 of 3. Next: <code>MatrixView(result, "
        "check=&#x27;authentication&#x27;, status=&#x27;fail&#x27;, page_size=100, page=2)</code>"
    ]
    assert len(MatrixView(big, feature="notes").shown) == 600
    with pytest.raises(ValueError, match="give both or neither"):
        MatrixView(big, check="authorization")
    with pytest.raises(ValueError, match="unknown check 'authz'"):
        MatrixView(big, check="authz", status="fail")


def test_a_scorecard_item_lists_ten_findings_and_counts_the_rest(big: Audit) -> None:
    html = ScorecardView(big.scorecards[0], big)._repr_html_()
    assert len(html) < CELL_BUDGET
    assert f"... {len(big.findings) - 10} more" in html


def test_the_coverage_widget_shows_one_page_and_pages(big: Audit) -> None:
    matrix = CoverageMatrix(big)
    assert len(matrix.visible) == 1200 and matrix._pager.max == 24
    assert matrix._table.value.count("<tr><td>") == 50
    matrix.page = 24
    assert pager(matrix._table.value) == ["entry points 1151-1200 of 1200, page 24 of 24"]
    matrix.check, matrix.status = "authorization", "fail"
    assert matrix.page == 1 and matrix._pager.max == 18  # 900 of them


def wide_schema(models: int) -> Schema:
    """A hub model related to `models` others, each with a few columns."""

    def field(name: str, type_: str, kind: FieldKind = FieldKind.SCALAR) -> Field:
        return Field(name=name, type=type_, kind=kind, id=name == "id")

    others = [f"Thing{n:03d}" for n in range(models)]
    hub = Model(
        name="Hub",
        file="schema.prisma",
        line=1,
        fields=[field("id", "String"), *(field(o.lower(), o, FieldKind.RELATION) for o in others)],
    )
    leaves = [
        Model(
            name=o,
            file="schema.prisma",
            line=10 + n,
            fields=[
                field("id", "String"),
                field("label", "String"),
                field("hub", "Hub", FieldKind.RELATION),
            ],
        )
        for n, o in enumerate(others)
    ]
    return Schema(models=[hub, *leaves])


def test_a_large_schema_is_summarized_not_drawn() -> None:
    schema = wide_schema(120)
    whole = ErdView(schema)
    bundle = whole._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"}
    assert bundle["text/plain"] == (
        "ERD of 121 models: more than 30, not drawn; pick a part with focus= or groups="
    )
    assert (
        "<code>ErdView(schema, focus=&#x27;Hub&#x27;, depth=1)</code> 120 relations"
        in (bundle["text/html"])
    )
    assert len(bundle["text/html"]) < CELL_BUDGET
    assert legible_focus(schema) == "Thing000"  # a leaf and the hub; the hub's own is 121 models
    small = ErdView(schema, focus="Thing007", depth=0)
    assert set(small._repr_mimebundle_()) == {"image/svg+xml", "text/plain"}
    heavy = ErdView(schema, focus="Thing007", depth=1, max_bytes=2_000)
    assert "KB, more than 2 KB, not drawn" in heavy.text()
    assert "image/svg+xml" not in heavy._repr_mimebundle_()
    page = SchemaView(schema, page=2)._repr_html_()
    assert pager(page) == [
        "models 101-121 of 121, page 2 of 2. Next: <code>SchemaView(schema, page=1)</code>"
    ]


def test_the_erd_explorer_summarizes_a_large_schema() -> None:
    explorer = ErdExplorer(wide_schema(60))
    assert explorer.svg == "" and "more than 30, not drawn" in explorer.error
    explorer.focus = "Thing001"
    explorer.depth = 0
    assert explorer.svg.startswith("<svg") and explorer.error == ""


def test_the_schema_summary_escapes_names_from_the_repository() -> None:
    schema = wide_schema(40)
    hostile = schema.models[0].model_copy(update={"name": '<img src=x onerror=alert(1)>"'})
    schema = schema.model_copy(update={"models": [hostile, *schema.models[1:]]})
    html = ErdView(schema)._repr_mimebundle_()["text/html"]
    assert "<img" not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_findings_come_most_severe_then_most_confident_first(big: Audit) -> None:
    shaken = [
        f.model_copy(update={"confidence": ("low", "medium", "high")[n // 6 % 3]})  # per copy
        for n, f in enumerate(big.findings)
    ]
    ranked = select_findings(shaken)
    keys = [(-f.severity.rank, ("high", "medium", "low").index(f.confidence)) for f in ranked]
    assert keys == sorted(keys)
    first = AuditView(big.model_copy(update={"findings": shaken}))._repr_mimebundle_()["text/html"]
    rows = re.findall(r'<tr><td><span class="sev sev-(\w+)">\w+</span></td><td>(\w+)</td>', first)
    assert rows[:2] == [("critical", "high"), ("critical", "high")]
    assert len(rows) == 50 and {sev for sev, _ in rows} == {"critical"}


def test_notebook_html_shows_bidi_and_control_characters_as_escapes() -> None:
    from archtools.views.notebook_html import esc, source_excerpt_html

    assert esc('a\u202eb"\x1b') == "a\\u202eb&quot;\\x1b"
    assert source_excerpt_html("if (isAdmin\u2067) {\n\tok();", [1]) == (
        "<pre><mark>   1  if (isAdmin\\u2067) {</mark>\n   2  \tok();</pre>"
    )
