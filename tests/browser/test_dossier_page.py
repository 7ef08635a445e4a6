"""The dossier page in a real browser: it loads nothing, breaks no rule of its own CSP, and a
hostile repository's names run nothing."""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.rules.catalog import rule_catalog
from archtools.views.dossier_model import build_dossier, feature_names
from archtools.views.dossier_render import feature_erd_svg, render_dossier_html

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"
WATCH = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def _view_fixtures() -> ModuleType:
    path = Path(__file__).parents[1] / "views" / "conftest.py"
    spec = importlib.util.spec_from_file_location("archtools_dossier_audits", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.add_init_script(WATCH)
    yield page
    context.close()


def _load(page: Any, html: str, file: Path) -> dict[str, list[str]]:
    file.write_text(html, encoding="utf-8")
    seen: dict[str, list[str]] = {"errors": [], "requests": [], "dialogs": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))

    def on_dialog(dialog: Any) -> None:
        seen["dialogs"].append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(file.as_uri(), wait_until="load")
    seen["violations"] = page.evaluate("window.__cspViolations")
    return seen


def test_the_shop_orders_dossier_loads_clean(page: Any, tmp_path: Path) -> None:
    shop = audit(SHOP, AuditOptions(use_cache=False))
    d = build_dossier(shop, "orders", rule_catalog())
    file = tmp_path / "orders.html"
    seen = _load(page, render_dossier_html(d, erd_svg=feature_erd_svg(d)), file)
    assert seen == {"errors": [], "requests": [file.as_uri()], "dialogs": [], "violations": []}
    assert page.locator(".erd svg text", has_text="orderItems").count() >= 1
    assert page.locator("h2").all_text_contents() == [
        "1. Schema",
        "2. Types and validation",
        "3. Implementation",
        "4. Integration",
        "5. Security review",
    ]


def test_hostile_dossiers_run_nothing(page: Any, tmp_path: Path) -> None:
    fixtures = _view_fixtures()
    hostile = fixtures.build_hostile_audit()
    feature = next(f for f in feature_names(hostile) if f.startswith("notes"))
    d = build_dossier(hostile, feature, fixtures.build_rules())
    file = tmp_path / "hostile.html"
    seen = _load(page, render_dossier_html(d, erd_svg=feature_erd_svg(d)), file)
    assert seen["dialogs"] == [] and seen["violations"] == [] and seen["errors"] == []
    assert seen["requests"] == [file.as_uri()]
    assert page.evaluate("window.__pwned") is None
    assert "<script>window.__pwned=1</script>" in page.text_content("h1")
