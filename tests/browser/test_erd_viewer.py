"""The report's ERD viewer in a real headless Chromium, on the overview of a 300-model schema: the
wheel zooms, a drag pans, searching a model zooms to it and its neighbours, and all of it runs under
the report's Content-Security-Policy without a request or an error."""

from __future__ import annotations

from typing import Any

import pytest

from archtools.facts import prisma
from archtools.results import Audit
from archtools.views.erd import draw_erd
from archtools.views.report_html import render_html
from tests.browser.test_html_report import AUDITS, Loaded, open_report
from tests.support.large_schema import large_prisma_schema

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]
__all__ = ["open_report"]  # the fixture, shared with the report's own browser tests


@pytest.fixture(scope="module")
def large_overview() -> str:
    schema = prisma.parse_prisma({"prisma/schema.prisma": large_prisma_schema()})
    return draw_erd(schema, "svg", overview=True).data.decode("utf-8")


@pytest.fixture
def viewer(open_report: Any, large_overview: str) -> Loaded:
    audit: Audit = AUDITS.build_audit()
    loaded: Loaded = open_report(render_html(audit, erd_svg=large_overview))
    return loaded


def _view_box(page: Any) -> list[float]:
    text: str = page.get_attribute("#erd-view svg", "viewBox")
    return [float(v) for v in text.split()]


def test_viewer_runs_under_the_csp(viewer: Loaded) -> None:
    assert viewer.page_errors == [] and viewer.console_errors == []
    assert viewer.csp_violations() == []
    assert viewer.requests == [viewer.url]
    assert viewer.page.is_visible("#erd-tools")
    options = viewer.page.eval_on_selector_all("#erd-models option", "o => o.map(x => x.value)")
    assert len(options) >= 290 and "User" in options and "BillingRecord" in options


def test_wheel_zooms_and_drag_pans(viewer: Loaded) -> None:
    page = viewer.page
    page.locator("#erd-view").scroll_into_view_if_needed()
    full = _view_box(page)
    box = page.locator("#erd-view svg").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.wheel(0, -300)
    page.wait_for_function(
        f"document.querySelector('#erd-view svg').viewBox.baseVal.width < {full[2]}"
    )
    zoomed = _view_box(page)
    assert zoomed[2] < full[2] and zoomed[3] < full[3]
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 120, box["y"] + box["height"] / 2 + 60)
    page.mouse.up()
    panned = _view_box(page)
    assert panned[0] < zoomed[0] and panned[1] < zoomed[1] and panned[2] == zoomed[2]
    page.click("#erd-fit")
    assert _view_box(page) == full


def test_search_focuses_a_model_and_its_neighbours(viewer: Loaded) -> None:
    page = viewer.page
    full = _view_box(page)
    page.fill("#erd-search", "billingreco")
    page.press("#erd-search", "Enter")
    assert page.get_attribute("#erd-view", "data-focus") == "BillingRecord"
    assert page.input_value("#erd-search") == "BillingRecord"
    focused = _view_box(page)
    assert focused[2] < full[2] and focused[3] < full[3]
    hit = page.eval_on_selector_all(
        "#erd-view g.node.erd-hit title", "t => t.map(x => x.textContent)"
    )
    assert hit == ["BillingRecord"]
    kept = page.eval_on_selector_all(
        "#erd-view g.node:not(.erd-dim) title", "t => t.map(x => x.textContent).sort()"
    )
    assert "BillingRecord" in kept and 1 < len(kept) < 20
    assert page.text_content("#erd-status") == f"BillingRecord and {len(kept) - 1} related"
    page.click("#erd-clear")
    assert page.eval_on_selector_all("#erd-view .erd-dim", "d => d.length") == 0
    assert _view_box(page) == full
    page.fill("#erd-search", "NoSuchModel")
    page.press("#erd-search", "Enter")
    assert page.text_content("#erd-status") == "no model named NoSuchModel"
