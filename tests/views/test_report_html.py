"""The HTML report as a document: a strict CSP pinned to its own assets, nothing remote, every
repo-derived string escaped, the ERD rebuilt from an allow-list, matrix rows carrying data-*."""

from __future__ import annotations

import base64
import hashlib
import re
from html.parser import HTMLParser

import graphviz
import pytest

from archtools.results import Audit, RepoInfo, Stats, ToolInfo
from archtools.rules.base import RuleMeta
from archtools.views.report_html import csp_hash, render_html
from archtools.views.svg_clean import sanitize_svg

PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "h3", "h4", "p", "code",
    "nav", "ul", "li", "a", "main", "section", "div", "span", "table", "thead", "tbody", "tr", "th",
    "td", "button", "label", "input", "select", "option", "article", "pre", "footer", "script", "br",
    "details", "summary", "colgroup", "col", "strong", "ol", "datalist",
}  # fmt: skip
SVG_TAGS = {"svg", "g", "title", "polygon", "text", "path", "ellipse", "a"}


class _Page(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def attrs(self, tag: str) -> list[dict[str, str | None]]:
        return [a for t, a in self.tags if t == tag]


def _erd(names: list[str]) -> str:
    graph = graphviz.Digraph("erd")
    for name in names:
        graph.node(name, label=name, shape="box")
    graph.edge(names[1], names[0], label="author")
    return str(graph.pipe(format="svg", encoding="utf-8"))


def _sha(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode()).digest()).decode()


def test_csp_pins_the_inline_style_and_script(audit: Audit) -> None:
    html = render_html(audit)
    csp = _Page(html).attrs("meta")[1]
    assert csp["http-equiv"] == "Content-Security-Policy"
    match = re.fullmatch(
        r"default-src 'none'; img-src data:; style-src 'sha256-([A-Za-z0-9+/=]+)'; "
        r"script-src 'sha256-([A-Za-z0-9+/=]+)'; base-uri 'none'; form-action 'none'",
        str(csp["content"]),
    )
    assert match
    style = re.search(r"<style>(.*?)</style>", html, flags=re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", html, flags=re.DOTALL)
    assert style and script
    assert match.group(1) == _sha(style.group(1))
    assert match.group(2) == _sha(script.group(1))
    assert csp_hash("") == "'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"


def test_nothing_is_loaded_from_anywhere(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    html = render_html(audit, erd_svg=_erd(["User", "Note", "Invoice"]), rules=rules)
    page = _Page(html)
    assert {t for t, _ in page.tags} <= PAGE_TAGS | SVG_TAGS
    assert len(page.attrs("script")) == 1 and page.attrs("script")[0] == {}
    for tag, attrs in page.tags:
        assert "src" not in attrs and "style" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), tag
        href = attrs.get("href") or attrs.get("xlink:href")
        assert href is None or href.startswith(("#", "https://")), href
    assert "@import" not in html and "url(" not in html


def test_hostile_strings_are_text(hostile_audit: Audit, rules: dict[str, RuleMeta]) -> None:
    html = render_html(hostile_audit, rules=rules)
    page = _Page(html)
    assert {t for t, _ in page.tags} <= PAGE_TAGS
    assert len(page.attrs("script")) == 1
    assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs)
    assert "<img" not in html and "<svg" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=&#34;window.__pwned=1&#34;&gt;" in html
    text = "".join(page.text)
    assert '<script>window.__pwned=1</script>"><img src=x onerror="window.__pwned=1">' in text
    assert "\u202e" not in html and "\x1b" not in html
    assert "\\x1b[31mred\\u202e" in text
    ids = [a["id"] for _, a in page.tags if "id" in a]
    assert all(re.fullmatch(r"[A-Za-z0-9_-]+", str(i)) for i in ids)


def test_matrix_rows_carry_their_data(audit: Audit) -> None:
    page = _Page(render_html(audit))
    rows = [a for t, a in page.tags if t == "tr" and "data-kind" in a]
    assert len(rows) == 11
    delete = next(r for r in rows if r["data-id"] == NOTES_DELETE)
    assert delete == {
        "data-id": NOTES_DELETE,
        "data-kind": "route_handler",
        "data-statuses": "fail n/a pass",
    }
    headers = [a["data-type"] for t, a in page.tags if t == "th" and "data-type" in a]
    assert headers == ["text"] * 9 + ["number"] + ["text"] * 3
    options = [a["value"] for t, a in page.tags if t == "option"][:10]  # status, then kind
    assert options == [
        "", "pass", "fail", "n/a", "unknown",
        "", "pages_api", "route_handler", "server_action", "trpc_procedure",
    ]  # fmt: skip


NOTES_DELETE = "route_handler:apps/web/app/api/notes/[id]/route.ts#DELETE"


def test_sections_and_links(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    html = render_html(audit, rules=rules)
    page = _Page(html)
    sections = [a["id"] for t, a in page.tags if t == "section"]
    assert sections == [
        "summary",
        "coverage",
        "scorecards",
        "findings",
        "suppressed",
        "rules",
        "problems",
    ]
    findings = [
        str(a["id"]) for t, a in page.tags if t == "article" and a.get("class") == "finding"
    ]
    assert sorted(findings) == sorted(f"finding-{n}" for n in range(1, 10))
    hrefs = [a["href"] for t, a in page.tags if t == "a"]
    assert "#finding-1" in hrefs  # notes scorecard -> AZ001
    assert "#rule-AZ001" in hrefs
    assert "#rule-AZ003" not in hrefs  # no catalog entry, so nothing to link to
    rules_shown = [a["id"] for t, a in page.tags if t == "details" and a.get("class") == "rule"]
    assert rules_shown == ["rule-ATH001", "rule-AZ001", "rule-VAL001"]  # used rules only
    assert "Any signed-in user can read or delete another user&#39;s rows" in html
    assert (
        "<h4>Known limitations</h4>\n<p>idor-unbound-id cannot see &lt;runtime&gt; values.</p>"
        in html
    )
    assert (
        '<p class="meta">Suppressed: archtools-ignore EXP001: the select drops passwordHash</p>'
        in html
    )
    assert '<td><code>apps/web/app/broken/route.ts</code></td><td class="num">17</td>' in html
    assert '<span class="grade grade-D">D</span>' in html


def test_snippets_are_escaped_code(hostile_audit: Audit) -> None:
    html = render_html(hostile_audit)
    blocks = re.findall(r"<pre><code>(.*?)</code></pre>", html, flags=re.DOTALL)
    assert len(blocks) == 3  # AZ001, VAL001, SCH002
    assert all("<" not in block for block in blocks)
    assert any("  await prisma.note.delete({ where: { id: params.id } });\n" in b for b in blocks)


def test_erd_is_embedded_inline(audit: Audit) -> None:
    html = render_html(audit, erd_svg=_erd(["User", "Note", "Invoice"]))
    section = html[html.index('<section id="erd">') : html.index('<section id="coverage">')]
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in section
    assert ">Note</text>" in section and ">author</text>" in section
    assert "<!DOCTYPE" not in section and "<?xml" not in section
    assert '<section id="erd">' not in render_html(audit)  # no diagram given, no section


def test_erd_is_rebuilt_without_active_content() -> None:
    svg = _erd(["User", "Note", "Invoice"])
    hostile = svg.replace(
        '<g id="graph0"',
        "<script>window.__pwned=1</script>"
        '<foreignObject><img src="x" onerror="x()"/></foreignObject>'
        '<a xlink:href="javascript:alert(1)"><text>bad</text></a><a xlink:href="#node1">'
        '<text>ok</text></a><image href="https://evil.example/x.png"/>'
        '<path fill="url(https://evil.example/p.svg#g)" d="M0 0"/>'
        '<path fill="url(#grad)" d="M1 1"/>'
        '<g onclick="alert(1)" style="fill:red" id="graph0"',
    ).replace("<svg ", '<svg onload="alert(1)" ', 1)
    clean = sanitize_svg(hostile)
    assert clean is not None
    for needle in ("script", "foreignObject", "onload", "onclick", "onerror", "javascript:",
                   "style=", "<image", "evil.example", "<img"):  # fmt: skip
        assert needle not in clean, needle
    assert '<a xlink:href="#node1"><text>ok</text></a>' in clean
    assert "<a><text>bad</text></a>" in clean
    assert '<path d="M0 0"></path><path d="M1 1" fill="url(#grad)"></path>' in clean
    assert ">Invoice</text>" in clean


def test_unusable_svg_is_not_embedded(audit: Audit) -> None:
    assert sanitize_svg("<svg><g></svg>") is None
    assert sanitize_svg("<html><body>not svg</body></html>") is None
    html = render_html(audit, erd_svg="<svg><script>alert(1)")
    assert "The diagram could not be embedded." in html
    assert "alert(1)" not in html


@pytest.mark.parametrize("which", ["audit", "hostile_audit"])
def test_deterministic(
    which: str, request: pytest.FixtureRequest, rules: dict[str, RuleMeta]
) -> None:
    audit: Audit = request.getfixturevalue(which)
    svg = _erd(["User", "Note", "Invoice"])
    assert render_html(audit, erd_svg=svg, rules=rules) == render_html(
        audit, erd_svg=svg, rules=rules
    )


def test_empty_audit() -> None:
    empty = Audit(tool=ToolInfo(version="0.1.0"), repo=RepoInfo(root="r"), stats=Stats())
    page = _Page(render_html(empty))
    assert [a["id"] for t, a in page.tags if t == "section"] == ["summary", "coverage", "findings"]
    text = "".join(page.text)
    assert "No entry points found." in text and "No findings." in text
