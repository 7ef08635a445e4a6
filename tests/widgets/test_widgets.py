"""The widgets as state machines: set a trait (or a control) and the rows, cards and drawings follow."""

# traitlets is untyped: mypy narrows a trait to the tuple it was first compared with, and then calls
# every later comparison of the same trait with another tuple non-overlapping.
# mypy: disable-error-code="comparison-overlap"

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archtools.facts.schema import Schema
from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.widgets import CoverageMatrix, ErdExplorer, FindingsBrowser, ScorecardBrowser
from archtools.widgets.erd import sized_svg

GET = "route_handler:app/api/notes/[id]/route.ts#GET"
DELETE = "route_handler:app/api/notes/[id]/route.ts#DELETE"
ADMIN = "route_handler:app/api/admin/invoices/route.ts#GET"
ACTION = "server_action:app/actions.ts#rename"


def rows_in_table(matrix: CoverageMatrix) -> list[str]:
    """The route and method of each row of the rendered matrix table."""
    html = matrix._table.value
    return re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", html)


class TestCoverageMatrix:
    def test_filters_change_the_visible_rows_and_the_table(self, audit: Audit, repo: Path) -> None:
        matrix = CoverageMatrix(audit, root=repo)
        assert matrix.visible == (ACTION, ADMIN, GET, DELETE)
        assert matrix._count.value == "4 of 4 entry points"
        matrix.feature = "notes"
        assert matrix.visible == (GET, DELETE)
        assert rows_in_table(matrix) == [("/api/notes/[id]", "GET"), ("/api/notes/[id]", "DELETE")]
        matrix.check, matrix.status = "authentication", "fail"
        assert matrix.visible == (DELETE,)
        assert matrix._count.value == "1 of 4 entry points"
        matrix.feature = ""
        matrix.check, matrix.status = "", ""
        matrix.model = "User"
        assert matrix.visible == (ADMIN,)
        matrix.model, matrix.kind = "", "server_action"
        assert [e.id for e in matrix.rows] == [ACTION]

    def test_the_dropdowns_drive_the_traits(self, audit: Audit) -> None:
        matrix = CoverageMatrix(audit)
        status = matrix._filters["status"]
        assert [v for _, v in status.options] == ["", "fail", "n/a", "pass", "unknown"]
        status.value = "unknown"
        assert matrix.status == "unknown"
        assert matrix.visible == (GET,)
        matrix.feature = "admin"
        assert matrix._filters["feature"].value == "admin"

    def test_selecting_a_row_shows_its_evidence_in_the_source(
        self, audit: Audit, repo: Path
    ) -> None:
        matrix = CoverageMatrix(audit, root=repo)
        assert matrix._detail.value == ""
        matrix._picker.value = GET
        assert matrix.selected == GET
        detail = matrix._detail.value
        assert 'data-id="route_handler:app/api/notes/[id]/route.ts#GET"' in detail
        marked = re.findall(r"<mark>\s*(\d+)  ([^<]*)</mark>", detail)
        assert marked == [
            ("6", "  if (!session) return new Response(null, { status: 401 });"),
            ("7", "  const note = await prisma.note.findUnique({ where: { id: params.id } });"),
        ]
        assert "returns early when !session" in detail

    def test_a_selection_filtered_out_is_cleared(self, audit: Audit) -> None:
        matrix = CoverageMatrix(audit)
        matrix.selected = ADMIN
        assert matrix._picker.value == ADMIN
        matrix.feature = "notes"
        assert matrix.selected == ""
        assert matrix._picker.value is None
        assert matrix._detail.value == ""

    def test_a_new_audit_resets_filters_it_cannot_offer(self, audit: Audit) -> None:
        matrix = CoverageMatrix(audit)
        matrix.feature = "admin"
        matrix.audit = audit.model_copy(update={"entry_points": audit.entry_points[:2]})
        assert matrix.feature == ""
        assert matrix.visible == (GET, DELETE)

    def test_hostile_text_is_escaped(self, hostile_audit: Audit, repo: Path) -> None:
        matrix = CoverageMatrix(hostile_audit, root=repo)
        matrix.selected = GET
        for html in (matrix._table.value, matrix._detail.value):
            assert "<script>" not in html and "<img" not in html
            assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html


class TestScorecardBrowser:
    def test_picking_a_feature_changes_the_card(self, audit: Audit) -> None:
        browser = ScorecardBrowser(audit)
        assert browser.feature == "admin"
        assert browser.card is not None and browser.card.feature == "admin"
        assert 'data-feature="admin" data-grade="F"' in browser._card.value
        browser.feature = "project"
        assert browser.card is not None and browser.card.grade == "A"
        assert 'data-feature="project" data-grade="A"' in browser._card.value
        assert "admin" not in browser._card.value
        browser._picker.value = "notes"
        assert browser.feature == "notes"
        assert re.findall(r'data-item="([^"]+)"', browser._card.value) == [
            "authentication",
            "authorization",
            "rate-limiting",
        ]

    def test_item_findings_show_rule_and_location(self, audit: Audit) -> None:
        browser = ScorecardBrowser(audit)
        browser.feature = "notes"
        html = browser._card.value
        assert "<b>AZ001</b> <code>app/api/notes/[id]/route.ts:7</code> AZ001 message" in html
        assert "<b>ATH001</b> <code>app/api/notes/[id]/route.ts:11</code>" in html
        assert browser._grades.value == "admin F  notes F  project A"

    def test_without_an_audit_nothing_is_shown(self) -> None:
        browser = ScorecardBrowser()
        assert browser.card is None
        assert browser._card.value == ""


class TestFindingsBrowser:
    def test_filters_change_the_list_and_the_first_is_shown(
        self, audit: Audit, rules: dict[str, RuleMeta], repo: Path
    ) -> None:
        browser = FindingsBrowser(audit, root=repo, rules=rules)
        assert browser.visible == (
            "fp-az3-admin",
            "fp-az-get",
            "fp-ath-del",
            "fp-az-del",
            "fp-aud-del",
        )
        assert browser.selected == "fp-az3-admin"
        browser.severity = "high"
        assert browser.visible == ("fp-az-get", "fp-ath-del", "fp-az-del")
        assert browser.selected == "fp-az-get"
        browser.rule = "ATH001"
        assert browser.visible == ("fp-ath-del",)
        assert browser._count.value == "1 of 6 findings"
        browser.severity, browser.rule = "low", ""
        assert browser.visible == ("fp-aud-del",)
        browser._suppressed.value = True
        assert browser.visible == ("fp-aud-del", "fp-typ")

    def test_a_finding_sits_beside_its_rule_docs_and_source(
        self, audit: Audit, rules: dict[str, RuleMeta], repo: Path
    ) -> None:
        browser = FindingsBrowser(audit, root=repo, rules=rules)
        browser._list.value = "fp-az-get"
        assert browser.selected == "fp-az-get"
        html = browser._detail.value
        assert '<div class="rule-doc"><h4>AZ001 idor-unbound-id</h4>' in html
        assert "<b>Why is this bad?</b> Why idor-unbound-id hurts." in html
        assert "<b>Known limitations</b> idor-unbound-id cannot see &lt;runtime&gt;" in html
        assert re.findall(r"<mark>\s*(\d+)", html) == ["7"]
        browser.selected = "fp-az3-admin"  # no documentation in this catalog
        assert "No rule documentation." in browser._detail.value

    def test_the_rule_dropdown_lists_the_audit_rules(
        self, audit: Audit, rules: dict[str, RuleMeta]
    ) -> None:
        browser = FindingsBrowser(audit, rules=rules)
        assert [v for _, v in browser._rule.options] == [
            "",
            "ATH001",
            "AUD001",
            "AZ001",
            "AZ003",
            "TYP002",
        ]
        browser._rule.value = "AZ003"
        assert browser.rule == "AZ003" and browser.visible == ("fp-az3-admin",)

    def test_hostile_messages_are_escaped(
        self, hostile_audit: Audit, rules: dict[str, RuleMeta]
    ) -> None:
        browser = FindingsBrowser(hostile_audit, rules=rules)
        html = browser._detail.value
        assert "<script>" not in html and "<img" not in html
        assert "AZ003 message&lt;script&gt;" in html


def titles(svg: str) -> set[str]:
    """The node names of a graphviz drawing."""
    found = re.findall(r"<title>([^<]+)</title>", svg)
    return {t for t in found if "&" not in t and t != "erd" and not t.startswith("cluster_")}


class TestErdExplorer:
    def test_focus_depth_and_scalars(self, audit: Audit) -> None:
        explorer = ErdExplorer(audit.schema_)
        assert explorer.error == ""
        assert titles(explorer.svg) == {"User", "Team", "Note", "Invoice"}
        assert explorer._depth.disabled
        explorer.focus = "Note"
        assert titles(explorer.svg) == {"Note", "User"}
        assert not explorer._depth.disabled
        explorer.depth = 2
        assert titles(explorer.svg) == {"Note", "User", "Team"}
        with_scalars = explorer.svg
        explorer.hide_scalars = True
        assert ">title<" in with_scalars and ">title<" not in explorer.svg
        assert ">authorId<" in explorer.svg  # key fields stay

    def test_group_filter_and_options(self, grouped_schema: Schema) -> None:
        explorer = ErdExplorer(grouped_schema)
        assert [v for _, v in explorer._group.options] == ["", "accounts", "billing", "content"]
        assert [v for _, v in explorer._focus.options] == ["", "Invoice", "Note", "Team", "User"]
        explorer._group.value = "accounts"
        assert explorer.group == "accounts"
        assert titles(explorer.svg) == {"User", "Team"}

    def test_the_drawing_is_sanitized_svg(self, audit: Audit) -> None:
        explorer = ErdExplorer(audit.schema_)
        assert explorer.svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
        assert "<script" not in explorer.svg and ' style="' not in explorer.svg
        assert explorer.svg in explorer._drawing.value

    @pytest.mark.parametrize("schema", [None, Schema()])
    def test_no_schema_says_so(self, schema: Schema | None) -> None:
        explorer = ErdExplorer(schema)
        assert explorer.svg == ""
        assert explorer.error == "This repository has no schema to draw."
        assert "This repository has no schema to draw." in explorer._drawing.value

    def test_search_focuses_on_a_model(self, grouped_schema: Schema) -> None:
        explorer = ErdExplorer(grouped_schema)
        assert list(explorer._search.options) == ["Invoice", "Note", "Team", "User"]
        explorer.group = "billing"
        explorer._search.value = "not"  # a part of a name, any case
        assert explorer.focus == "Note" and explorer.group == ""
        assert titles(explorer.svg) == {"Note", "User"}
        explorer._search.value = "TEAM"
        assert explorer.focus == "Team"
        explorer._search.value = "Ghost"
        assert (
            explorer.error == "no model named Ghost"
            and "no model named Ghost" in explorer._drawing.value
        )

    def test_zoom_sizes_the_drawing_and_zero_fits_the_pane(self, audit: Audit) -> None:
        explorer = ErdExplorer(audit.schema_)
        width = float(re.search(r'<svg[^>]* width="([\d.]+)pt"', explorer.svg).group(1))  # type: ignore[union-attr]
        explorer._zoom.value = 200
        shown = re.search(r'<svg[^>]* width="([\d.]+)pt"', explorer._drawing.value)
        assert shown is not None and abs(float(shown.group(1)) - 2 * width) <= 1
        assert "overflow:auto" in explorer._drawing.value  # pans by scrolling
        explorer._zoom.value = 0
        assert re.search(r'<svg[^>]* width="100%"', explorer._drawing.value)
        assert sized_svg("<p>not svg</p>", 50) == "<p>not svg</p>"

    def test_an_unknown_focus_reports_an_error(self, audit: Audit) -> None:
        explorer = ErdExplorer(audit.schema_)
        explorer._focus.options = [*explorer._focus.options, ("Ghost", "Ghost")]
        explorer.focus = "Ghost"
        assert explorer.svg == ""
        assert "Ghost" in explorer.error
