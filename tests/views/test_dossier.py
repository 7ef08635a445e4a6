"""The feature dossier on the shop sample: what each of the five parts says, in Markdown and HTML."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from archtools.errors import InputError
from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit
from archtools.rules.catalog import rule_catalog
from archtools.views.dossier_model import ITEM_ORDER, Dossier, build_dossier, feature_names
from archtools.views.dossier_render import (
    dossier,
    erd_detail,
    feature_erd_svg,
    render_dossier_html,
    render_dossier_markdown,
)

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"
SECTIONS = ("schema", "types", "implementation", "integration", "security")


@pytest.fixture(scope="module")
def shop() -> Audit:
    return audit(SHOP, AuditOptions(use_cache=False))


def build(shop: Audit, feature: str) -> Dossier:
    return build_dossier(shop, feature, rule_catalog())


_CELLS = {"td", "th", "li", "p", "h3", "h4", "pre", "table"}


class _Sections(HTMLParser):
    """The text of each part of an HTML dossier (the part opens at its h2 id)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.current = "head"
        self.parts: dict[str, list[str]] = {"head": []}
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs).get("id")
        if tag == "h2" and found:
            self.current = found
            self.parts[found] = []
        if tag in _CELLS:
            self.parts[self.current].append(" ")

    def handle_data(self, data: str) -> None:
        self.parts[self.current].append(data)

    def text(self, part: str) -> str:
        return " ".join("".join(self.parts[part]).split())


def sections(d: Dossier) -> _Sections:
    return _Sections(render_dossier_html(d))


def test_the_five_parts_come_in_the_seed_order(shop: Audit) -> None:
    markdown = render_dossier_markdown(build(shop, "orders"))
    headings = re.findall(r"^## (.+)$", markdown, flags=re.M)
    assert headings == [
        "1\\. Schema",
        "2\\. Types and validation",
        "3\\. Implementation",
        "4\\. Integration",
        "5\\. Security review",
    ]
    assert list(sections(build(shop, "orders")).parts) == ["head", *SECTIONS]


def test_schema_part_lists_models_keys_indexes_relations_and_schema_findings(shop: Audit) -> None:
    d = build(shop, "orders")
    assert [m.name for m in d.models] == ["orderItems", "orders", "products"]
    text = sections(d).text("schema")
    assert "Primary key: (id) Unique: (stripeSessionId) Indexes: (userId)" in text
    assert "orderItems.order orders many to one orderId -> id Cascade yes" in text
    assert "orders.user users many to one userId -> id not set yes" in text
    # the schema findings on these models, and none that an entry point reaches
    schema_rules = re.findall(r"\b(SCH\d{3}|MIG\d{3}|AZ\d{3})\b", text.split("Schema findings")[1])
    assert sorted(set(schema_rules)) == [
        "MIG002",
        "MIG005",
        "MIG006",
        "SCH001",
        "SCH002",
        "SCH004",
        "SCH005",
        "SCH008",
    ]
    markdown = render_dossier_markdown(d)
    mermaid = markdown.split("```mermaid\n")[1].split("```")[0]
    assert "orders ||--o{ orderItems" in mermaid and "users ||--o{ orders" in mermaid
    assert "    users\n" in mermaid  # a neighbour outside the feature, drawn by name only


def test_html_embeds_the_erd_of_the_feature_models_only(shop: Audit) -> None:
    d = build(shop, "orders")
    svg = feature_erd_svg(d)
    assert svg is not None
    html = render_dossier_html(d, erd_svg=svg)
    drawn = set(re.findall(r"<title>([^<]+)</title>", html.split('<div class="erd">')[1]))
    assert {"orders", "orderItems", "products"} <= drawn
    assert "coupons" not in drawn and "users" not in drawn


def test_types_part_quotes_the_input_schemas_and_hand_written_types(shop: Audit) -> None:
    text = sections(build(shop, "orders")).text("types")
    assert "POST /api/orders pass src/app/api/orders/route.ts:38 validated by " in text
    assert "createOrderSchema.safeParse()" in text
    assert "tRPC mutation order.create pass" in text
    assert "PATCH /api/orders/[id] fail" in text and "`body.shippingAddress`" in text
    account = sections(build(shop, "account")).text("types")
    assert "Written by hand instead of derived from the schema (TYP003): users." in account
    assert "type User repeats the users model by hand" in account
    assert "Not known: the types each entry point takes and returns" in account


def test_implementation_part_has_guards_with_evidence_and_findings(shop: Audit) -> None:
    text = sections(build(shop, "orders")).text("implementation")
    by_id = text.split("tRPC query order.byId A tRPC procedure at ")[1]
    by_id = by_id.split("tRPC query order.mine A tRPC procedure at")[0]
    assert by_id.startswith("src/server/api/routers/order.ts:16; models orders.")
    assert "Authn fail src/server/api/routers/order.ts:16 no authentication" in by_id
    assert "Input pass src/server/api/routers/order.ts:17 input validated by " in by_id
    assert "ATH001 src/server/api/routers/order.ts:16" in by_id
    assert "AZ001 src/server/api/routers/order.ts:20" in by_id
    assert "VAL001" not in by_id  # another entry point's finding
    # the query it runs, with where it runs and what it reads
    assert "src/server/api/routers/order.ts:20 ctx.db.query.orders.findFirst orders read" in by_id


def test_integration_part_says_how_clients_call_and_what_is_not_known(shop: Audit) -> None:
    orders = sections(build(shop, "orders")).text("integration")
    assert "PATCH /api/orders/[id] an HTTP request to /api/orders/[id] (method PATCH)" in orders
    assert "tRPC mutation order.create the tRPC client's order.create mutation" in orders
    assert "Not known: which client components and pages call these entry points" in orders
    account = sections(build(shop, "account")).text("integration")
    assert (
        "action updateDisplayName imports updateDisplayName from "
        "src/app/(shop)/account/actions.ts and calls it NXT001 Server Action updateDisplayName "
        "changes users but never revalidates" in account
    )


def test_security_part_lists_items_and_findings_worst_first_with_fixes(shop: Audit) -> None:
    d = build(shop, "orders")
    items = d.items_worst_first()
    assert [ITEM_ORDER[i.status] for i in items] == sorted(ITEM_ORDER[i.status] for i in items)
    ranks = [f.severity.rank for f in d.findings]
    assert ranks == sorted(ranks, reverse=True) and ranks[0] == 3
    text = sections(d).text("security")
    card = next(c for c in shop.scorecards if c.feature == "orders")
    assert f"Checklist scorecard: grade F, {card.score}/100, worst first." in text
    fixes = text.split("Fixes")[1]
    az001 = rule_catalog()["AZ001"]
    assert f"AZ001 {az001.title} (2)" in fixes
    assert " ".join(az001.doc.good.code.split()) in fixes
    # each rule's fix once, in the order of its worst finding
    order = re.findall(r"\b([A-Z]{2,4}\d{3}) [A-Z][^()]* \(\d+\)", fixes)
    assert order[:2] == ["MIG002", "AZ004"] and len(order) == len(set(order))


def test_unknown_feature_lists_the_features(shop: Audit) -> None:
    with pytest.raises(InputError) as raised:
        build(shop, "nope")
    message = str(raised.value)
    assert "no feature 'nope'" in message
    assert "account, admin, auth, checkout, legacy, orders, products, project" in message
    assert feature_names(shop)[:2] == ["account", "admin"]


def test_notebook_view_shows_the_html_and_the_markdown_text(shop: Audit) -> None:
    view = dossier(shop, "checkout", draw_erd=False)
    html = view._repr_html_()
    assert 'data-feature="checkout"' in html and 'id="security"' in html
    assert "action applyCoupon" in html
    assert view.text().startswith("# Feature dossier: `checkout`")


def test_a_large_feature_erd_draws_less_of_each_model() -> None:
    assert erd_detail(3) == {"hide_scalars": False}
    assert erd_detail(20) == {"hide_scalars": True}
    assert erd_detail(48) == {"overview": True}
