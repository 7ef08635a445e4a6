"""The HTML report in a real headless Chromium: it loads nothing, breaks no CSP rule, its matrix
filters and sorts, and a hostile audit runs nothing, with the CSP and without it."""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import graphviz
import pytest

from archtools.results import Audit
from archtools.views.report_html import render_html

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _fixtures() -> ModuleType:
    """The audits built for the view tests (tests/views/conftest.py), loaded by path."""
    path = Path(__file__).parents[1] / "views" / "conftest.py"
    spec = importlib.util.spec_from_file_location("archtools_report_audits", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


AUDITS = _fixtures()

# Runs before the page's own script, outside its CSP: records every violation the page reports.
WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _erd_svg(hostile: bool = False) -> str:
    graph = graphviz.Digraph("erd")
    for name in ("User", "Note", "Invoice"):
        graph.node(name, label=name, shape="box")
    graph.edge("Note", "User", label="author")
    svg = str(graph.pipe(format="svg", encoding="utf-8"))
    if hostile:
        svg = svg.replace(
            '<g id="graph0"',
            '<script>window.__pwned=1</script><g onload="window.__pwned=1" id="graph0"',
        ).replace("<svg ", '<svg onload="window.__pwned=1" ', 1)
    return svg


@dataclass
class Loaded:
    page: Any
    url: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        found: list[str] = self.page.evaluate("window.__cspViolations")
        return found

    def visible_rows(self) -> list[str]:
        ids: list[str] = self.page.eval_on_selector_all(
            "#matrix tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.id)"
        )
        return ids

    def column(self, index: int) -> list[str]:
        cells: list[str] = self.page.eval_on_selector_all(
            "#matrix tbody tr",
            f"rows => rows.filter(r => !r.hidden).map(r => r.cells[{index}].textContent.trim())",
        )
        return cells


@pytest.fixture
def open_report(browser: Any, tmp_path: Path) -> Iterator[Any]:
    contexts: list[Any] = []

    def load(html: str) -> Loaded:
        file = tmp_path / f"report-{len(contexts)}.html"
        file.write_text(html, encoding="utf-8")
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.add_init_script(WATCH_CSP)
        loaded = Loaded(page=page, url=file.as_uri())
        page.on(
            "console",
            lambda msg: loaded.console_errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda err: loaded.page_errors.append(str(err)))
        page.on("request", lambda req: loaded.requests.append(req.url))

        def on_dialog(dialog: Any) -> None:
            loaded.dialogs.append(dialog.message)
            dialog.dismiss()

        page.on("dialog", on_dialog)
        page.goto(loaded.url, wait_until="load")
        return loaded

    yield load
    for context in contexts:
        context.close()


@pytest.fixture
def report(open_report: Any) -> Loaded:
    audit: Audit = AUDITS.build_audit()
    loaded: Loaded = open_report(render_html(audit, erd_svg=_erd_svg(), rules=AUDITS.build_rules()))
    return loaded


ROUTE, LINE = 0, 9  # matrix columns


def test_loads_with_no_error_no_violation_no_request(report: Loaded) -> None:
    assert report.console_errors == []
    assert report.page_errors == []
    assert report.csp_violations() == []
    assert report.requests == [report.url]
    assert report.dialogs == []
    # The script ran under the CSP: it numbered the rows and wrote the counter.
    assert report.page.eval_on_selector_all("#matrix tbody tr[data-order]", "r => r.length") == 11
    assert report.page.text_content("#matrix-count") == "11 of 11 entry points"
    assert report.page.locator("#erd svg text", has_text="Invoice").count() == 1


def test_typing_in_the_filter_hides_other_rows(report: Loaded) -> None:
    report.page.locator("#matrix-filter").press_sequentially("invoice")
    assert report.visible_rows() == [
        "trpc_procedure:apps/admin/server/routers/invoice.ts#byId",
        "trpc_procedure:apps/admin/server/routers/invoice.ts#update",
        "pages_api:apps/web/pages/api/webhooks/stripe.ts#default",  # its model is Invoice
    ]
    assert report.page.text_content("#matrix-count") == "3 of 11 entry points"
    report.page.locator("#matrix-filter").fill("")
    assert len(report.visible_rows()) == 11
    report.page.locator("#matrix-filter").press_sequentially("NOTES/[ID]")  # case-insensitive
    assert report.visible_rows() == ["route_handler:apps/web/app/api/notes/[id]/route.ts#DELETE"]


def test_clicking_a_header_sorts(report: Loaded) -> None:
    line = report.page.locator("#matrix thead th").nth(LINE)
    line.locator("button").click()
    assert line.get_attribute("aria-sort") == "ascending"
    assert report.column(LINE) == ["1", "3", "5", "6", "7", "8", "9", "12", "14", "21", "30"]
    line.locator("button").click()
    assert line.get_attribute("aria-sort") == "descending"
    assert report.column(LINE) == ["30", "21", "14", "12", "9", "8", "7", "6", "5", "3", "1"]
    route = report.page.locator("#matrix thead th").nth(ROUTE)
    route.locator("button").click()
    assert line.get_attribute("aria-sort") == "none"
    assert report.column(ROUTE)[:4] == [
        "/api/auth/[...nextauth]",
        "/api/health",
        "/api/legacy/export",
        "/api/notes",
    ]
    assert report.console_errors == []


def test_status_and_kind_selects_filter(report: Loaded) -> None:
    report.page.select_option("#matrix-status", "unknown")
    assert report.visible_rows() == [
        "trpc_procedure:apps/admin/server/routers/invoice.ts#update",
        "pages_api:apps/web/pages/api/legacy/export.ts#default",
    ]
    report.page.select_option("#matrix-status", "fail")
    assert len(report.visible_rows()) == 6
    report.page.select_option("#matrix-kind", "trpc_procedure")
    assert report.visible_rows() == [
        "trpc_procedure:apps/admin/server/routers/admin.ts#setRole",
        "trpc_procedure:apps/admin/server/routers/invoice.ts#byId",
    ]
    assert report.page.text_content("#matrix-count") == "2 of 11 entry points"
    report.page.select_option("#matrix-status", "")
    report.page.select_option("#matrix-kind", "")
    assert len(report.visible_rows()) == 11


def _assert_nothing_ran(loaded: Loaded) -> None:
    assert loaded.page.evaluate("typeof window.__pwned") == "undefined"
    assert loaded.dialogs == []
    assert loaded.requests == [loaded.url]
    assert loaded.page.evaluate("document.scripts.length") == 1
    assert (
        loaded.page.evaluate("document.querySelectorAll('img, iframe, object, embed').length") == 0
    )
    assert (
        loaded.page.evaluate("document.querySelectorAll('foreignObject, svg script').length") == 0
    )
    body = loaded.page.inner_text("body")
    assert '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=1">' in body


def test_hostile_audit_runs_nothing(open_report: Any) -> None:
    audit: Audit = AUDITS.build_hostile_audit()
    loaded: Loaded = open_report(render_html(audit, erd_svg=_erd_svg(hostile=True)))
    _assert_nothing_ran(loaded)
    assert loaded.csp_violations() == []
    assert loaded.console_errors == []
    # Payloads typed into the filter are only search text.
    loaded.page.locator("#matrix-filter").press_sequentially(
        '"><img src=x onerror="window.__pwned=1">'
    )
    assert len(loaded.visible_rows()) == 11  # every hostile row holds that text
    _assert_nothing_ran(loaded)


def test_escaping_alone_stops_the_payloads(open_report: Any) -> None:
    """The same hostile report with its CSP removed: escaping, not the policy, keeps it inert."""
    audit: Audit = AUDITS.build_hostile_audit()
    html = render_html(audit, erd_svg=_erd_svg(hostile=True))
    without_csp, removed = re.subn(r'<meta http-equiv="Content-Security-Policy"[^>]*>', "", html)
    assert removed == 1
    loaded: Loaded = open_report(without_csp)
    _assert_nothing_ran(loaded)
    assert loaded.page_errors == []
