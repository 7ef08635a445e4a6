"""The dossier of a hostile repository: markup, Markdown, control characters and file names inert."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from archtools.dossier import DossierTarget, feature_slug, write_dossiers
from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.dossier_model import build_dossier, feature_names
from archtools.views.dossier_render import (
    CSS,
    feature_erd_svg,
    render_dossier_html,
    render_dossier_markdown,
)
from archtools.views.report_html import csp_hash

PAGE_TAGS = {
    "html", "head", "meta", "title", "style", "body", "main", "h1", "h2", "h3", "h4", "p", "ul",
    "li", "table", "thead", "tbody", "tr", "th", "td", "code", "pre", "span", "strong", "div",
}  # fmt: skip
SVG_TAGS = {"svg", "g", "title", "polygon", "polyline", "text", "path", "ellipse", "a"}
HIDDEN = ("\x1b", "\u202e")


class _Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def test_html_of_every_hostile_feature_is_inert(
    hostile_audit: Audit, rules: dict[str, RuleMeta]
) -> None:
    features = feature_names(hostile_audit)
    assert any("<script>" in f for f in features)
    for feature in features:
        d = build_dossier(hostile_audit, feature, rules)
        html = render_dossier_html(d, erd_svg=feature_erd_svg(d))
        tags = _Tags(html).tags
        assert {t for t, _ in tags} <= PAGE_TAGS | SVG_TAGS
        for tag, attrs in tags:
            assert not [a for a in attrs if a.startswith("on")], tag
            assert all("javascript:" not in (v or "") for v in attrs.values()), tag
        assert "<script" not in html and "<img" not in html
        assert not any(h in html for h in HIDDEN)
        assert "\\u202e" in html  # shown as an escape instead (a space in the ERD's labels)
        csp = next(a for t, a in tags if t == "meta" and a.get("http-equiv"))
        assert csp["content"] is not None
        assert f"style-src {csp_hash(CSS)};" in csp["content"]
        assert "script-src 'none'" in csp["content"] and "default-src 'none'" in csp["content"]
        assert html.count("<style>") == 1


_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).*?(?<!`)\1(?!`)")


def _unescaped_pipes(line: str) -> int:
    return len(re.findall(r"(?<!\\)\|", line))


def test_markdown_of_every_hostile_feature_is_inert(
    hostile_audit: Audit, rules: dict[str, RuleMeta]
) -> None:
    for feature in feature_names(hostile_audit):
        markdown = render_dossier_markdown(build_dossier(hostile_audit, feature, rules))
        # a code span shows its text literally: markup inside one is inert, outside none is left
        outside = _CODE_SPAN.sub("", markdown)
        assert "<script" not in outside and "<img" not in outside and "<b>" not in outside
        assert "](javascript:" not in outside and "](https://evil" not in outside
        assert "<script" in markdown  # the payload is there, inside code spans
        assert not any(h in markdown for h in HIDDEN)
        lines = markdown.splitlines()
        assert lines[0].startswith("# Feature dossier: `") and len(lines[0].split("`")) >= 3
        # every table row keeps its header's columns: no pipe from the repo splits a cell
        for index, line in enumerate(lines):
            if line.startswith("| ") and index and not lines[index - 1].startswith("|"):
                width = _unescaped_pipes(line)
                table = lines[index : lines.index("", index)]
                assert all(_unescaped_pipes(row) == width for row in table), table


def test_hostile_feature_names_become_safe_file_names(
    hostile_audit: Audit, rules: dict[str, RuleMeta], tmp_path: Path
) -> None:
    folder = tmp_path / "out"
    written = write_dossiers(hostile_audit, DossierTarget(folder, "html", None), rules)
    assert len(written) == len(feature_names(hostile_audit))
    assert all(path.parent == folder for path in written)
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*\.html", path.name) for path in written)
    assert len({path.name for path in written}) == len(written)


def test_feature_slugs_stay_distinct_and_plain() -> None:
    taken: set[str] = set()
    slugs = [feature_slug(name, taken) for name in ("orders", "Orders", "../orders", "", "orders")]
    assert slugs[0] == "orders"
    assert all(re.fullmatch(r"[a-z0-9][a-z0-9_-]*", s) for s in slugs)
    assert len(set(slugs)) == len(slugs)
