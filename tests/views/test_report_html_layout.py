"""The HTML report's layout at scale, as a document: a bounded summary, a fixed-width matrix whose
check cells carry their evidence and link the findings behind them, findings grouped by rule in
collapsed groups with their filter, and the budgets the generated 1,000-entry-point repository
must stay within (the browser side is tests/browser/test_html_report_scale.py)."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import ClassVar

import pytest

from archtools.checklist.scorecard import CHECK_ITEMS
from archtools.results import (
    CHECK_NAMES,
    Audit,
    Evidence,
    Finding,
    ItemStatus,
    Scorecard,
    ScoreItem,
    Severity,
)
from archtools.rules.base import RuleMeta
from archtools.rules.catalog import rule_catalog
from archtools.views.report_data import build_report_data
from archtools.views.report_findings import rule_groups
from archtools.views.report_html import render_html
from archtools.views.report_matrix import cell_findings, shorten_path
from archtools.views.report_summary import finding_priority, summarize
from tests.support.large_repo import large_audit

# The generated repository's report: 2.50 MB for 1,148 findings (2.18 kB a finding), 52,714
# elements, 969,480 px tall before the layout of this change; each budget leaves room for growth,
# none for the old layout.
LARGE_BYTES_PER_FINDING = 2_100  # 2.60 MB for its 1,291 findings today
LARGE_ELEMENTS = 40_000  # in the file; the browser test budgets the live page (rows paged out)


class _Tree(HTMLParser):
    """Elements with their attributes, parent and text (void elements closed at once)."""

    VOID: ClassVar[frozenset[str]] = frozenset({"meta", "input", "br", "col"})

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.nodes: list[dict[str, object]] = []
        self.stack: list[int] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        parent = self.stack[-1] if self.stack else -1
        self.nodes.append({"tag": tag, "attrs": dict(attrs), "parent": parent, "text": ""})
        if tag not in self.VOID:
            self.stack.append(len(self.nodes) - 1)

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.nodes[self.stack.pop()]["tag"] == tag:
                break

    def handle_data(self, data: str) -> None:
        for index in self.stack:
            node = self.nodes[index]
            node["text"] = str(node["text"]) + data

    def find(self, tag: str, **attrs: str) -> list[int]:
        return [
            i
            for i, n in enumerate(self.nodes)
            if n["tag"] == tag and all(self.attr(i, k) == v for k, v in attrs.items())
        ]

    def attr(self, index: int, name: str) -> str | None:
        found = self.nodes[index]["attrs"]
        assert isinstance(found, dict)
        value = found.get(name.replace("_", "-"))
        return None if value is None else str(value)

    def has_attr(self, index: int, name: str) -> bool:
        found = self.nodes[index]["attrs"]
        assert isinstance(found, dict)
        return name in found

    def text(self, index: int) -> str:
        return " ".join(str(self.nodes[index]["text"]).split())

    def inside(self, index: int, ancestor: int) -> bool:
        parent = int(str(self.nodes[index]["parent"]))
        while parent != -1:
            if parent == ancestor:
                return True
            parent = int(str(self.nodes[parent]["parent"]))
        return False

    def children(self, ancestor: int, tag: str) -> list[int]:
        return [i for i in self.find(tag) if self.inside(i, ancestor)]


def test_paths_are_shortened_around_an_ellipsis() -> None:
    path = "apps/web/app/(dashboard)/api-keys/[id]/edit/page.tsx"
    # the first segment leads when it costs no trailing segment, else the tail gets the room
    assert shorten_path(path, 26) == "apps/\u2026/[id]/edit/page.tsx"
    assert shorten_path(path, 30) == "\u2026/api-keys/[id]/edit/page.tsx"
    assert shorten_path("/api/notes/[id]", 30) == "/api/notes/[id]"  # fits: unchanged
    assert (
        shorten_path("/api/admin/api-keys/[id]/export/all", 30)
        == "/\u2026/api-keys/[id]/export/all"
    )
    assert shorten_path("x" * 40 + ".ts", 30) == "\u2026" + ("x" * 40 + ".ts")[-29:]
    for limit in (8, 12, 20, 30):
        assert len(shorten_path(path, limit)) <= limit


def _finding(rule: str, severity: Severity, confidence: str, file: str, line: int) -> Finding:
    return Finding(
        rule=rule,
        title=f"{rule} title",
        severity=severity,
        file=file,
        line=line,
        message="m",
        fingerprint=f"{rule}-{file}-{line}",
        confidence=confidence,
    )


def test_top_findings_are_by_severity_then_confidence_never_by_path() -> None:
    found = [
        _finding("A1", Severity.MEDIUM, "high", "a.ts", 1),
        _finding("A2", Severity.HIGH, "low", "a.ts", 2),
        _finding("A3", Severity.HIGH, "high", "z.ts", 9),
        _finding("A4", Severity.HIGH, "medium", "b.ts", 3),
        _finding("A5", Severity.CRITICAL, "medium", "c.ts", 4),
    ]
    cards = [
        Scorecard(feature=name, score=score, grade=grade)
        for name, score, grade in [("b", 50, "F"), ("a", 50, "F"), ("c", 91, "A"), ("d", 75, "C")]
    ]
    summary = summarize(cards, found, top=4, worst=3)
    assert [f.rule for f in summary.top] == ["A5", "A3", "A4", "A2"]
    assert [c.feature for c in summary.worst] == ["a", "b", "d"]
    assert summary.grade_counts == (("A", 1), ("B", 0), ("C", 1), ("D", 0), ("F", 2))
    assert sorted(found, key=finding_priority)[-1].rule == "A1"


def test_summary_is_bounded_and_links_into_the_report(audit: Audit) -> None:
    html = render_html(audit)
    tree = _Tree(html)
    (top,) = tree.find("ol", id="top-findings")
    items = tree.children(top, "li")
    data = build_report_data(audit)
    expected = sorted(data.active, key=finding_priority)
    assert len(items) == len(expected) == 8
    links = [tree.attr(i, "href") for i in tree.children(top, "a")]
    assert links == [f"#{data.anchor(f)}" for f in expected]
    assert tree.text(items[0]).startswith("critical AZ001")
    (grades,) = tree.find("table", id="grades")
    features = [tree.text(i) for i in tree.children(grades, "a")]
    assert features == ["notes", "billing", "auth"]  # lowest score first
    scorecard_ids = {tree.attr(i, "id") for i in tree.find("details", **{"class": "scorecard"})}
    assert {tree.attr(i, "href")[1:] for i in tree.children(grades, "a")} <= scorecard_ids  # type: ignore[index]


def test_matrix_has_fixed_columns_and_shortened_cells_keep_their_full_text(audit: Audit) -> None:
    tree = _Tree(render_html(audit))
    widths = [tree.attr(i, "class") for i in tree.find("col")]
    assert widths == ["w-route", "w-method", "w-kind", *["w-check"] * 5, "w-file", "w-line",
                      "w-app", "w-feature", "w-models"]  # fmt: skip
    css = render_html(audit)
    assert re.search(r"#matrix \{ table-layout: fixed;", css)
    rows = tree.find(
        "tr", data_id="route_handler:apps/web/app/api/auth/[...nextauth]/route.ts#POST"
    )
    cells = tree.children(rows[0], "td")
    file_cell = cells[8]
    assert tree.text(file_cell) == "\u2026/[...nextauth]/route.ts"
    assert tree.attr(file_cell, "title") == "apps/web/app/api/auth/[...nextauth]/route.ts"
    assert not tree.has_attr(cells[0], "title")  # "/api/auth/[...nextauth]" fits as it is


def test_each_check_cell_carries_its_evidence_and_the_findings_behind_it(audit: Audit) -> None:
    tree = _Tree(render_html(audit))
    data = build_report_data(audit)
    articles = {tree.attr(i, "id"): i for i in tree.find("article")}
    by_anchor = {data.anchor(f): f for f in audit.findings}
    linked = 0
    for ep in audit.entry_points:
        (row,) = tree.find("tr", data_id=ep.id)
        checks = [c for c in tree.children(row, "td") if "st" in str(tree.attr(c, "class"))]
        assert len(checks) == len(CHECK_NAMES)
        for cell, name in zip(checks, CHECK_NAMES, strict=True):
            check = ep.checks.get(name)
            assert tree.text(cell) == check.status.value
            title = tree.attr(cell, "title")
            if check.evidence:
                assert title is not None
                assert title.split("\n") == list(
                    dict.fromkeys(
                        f"{e.file}:{e.line}: {e.detail}"
                        if e.file != ep.file
                        else f"line {e.line}: {e.detail}"
                        for e in check.evidence
                    )
                )
            else:
                assert title is None
            anchors = (tree.attr(cell, "data-findings") or "").split()
            for anchor in anchors:
                assert anchor in articles
                finding = by_anchor[anchor]
                assert ep.id in (finding.entry_point, *finding.entry_points)
                assert CHECK_ITEMS[str(finding.checklist)] == name
            if anchors:
                (link,) = tree.children(cell, "a")
                assert tree.attr(link, "href") == f"#{anchors[0]}"
                linked += 1
    assert linked == 6  # one cell per finding against a check of an entry point


def test_cell_findings_follow_entry_points_and_checklist_items() -> None:
    reached = _finding("AZ001", Severity.HIGH, "high", "a.ts", 1).model_copy(
        update={"entry_point": "ep1", "entry_points": ["ep1", "ep2"], "checklist": "authorization"}
    )
    elsewhere = _finding("SCH001", Severity.LOW, "high", "s.prisma", 1).model_copy(
        update={"entry_point": "ep1", "checklist": "database-constraints"}
    )
    anchors = {reached.fingerprint: "finding-1", elsewhere.fingerprint: "finding-2"}
    assert cell_findings([reached, elsewhere], anchors) == {
        "ep1|authorization": ["finding-1"],
        "ep2|authorization": ["finding-1"],
    }


def test_findings_are_grouped_by_rule_collapsed_with_counts(audit: Audit) -> None:
    rules: dict[str, RuleMeta] = {}
    tree = _Tree(render_html(audit, rules=rules))
    groups = [
        g
        for g in tree.find("details", **{"class": "rule-group"})
        if str(tree.attr(g, "id")).startswith("findings-")
    ]
    data = build_report_data(audit)
    expected = rule_groups(data.active)
    assert [tree.attr(g, "data-rule") for g in groups] == [g.rule for g in expected]
    assert [tree.attr(g, "data-rule") for g in groups][:1] == ["AZ001"]  # the critical one first
    for group, model in zip(groups, expected, strict=True):
        assert not tree.has_attr(group, "open")
        articles = tree.children(group, "article")
        assert [tree.attr(a, "id") for a in articles] == [data.anchor(f) for f in model.findings]
        (count,) = [c for c in tree.children(group, "span") if tree.attr(c, "class") == "count"]
        assert tree.text(count) == str(len(articles))
    (controls,) = tree.find("div", id="findings-controls")
    assert tree.has_attr(controls, "hidden")  # shown by the script, useless without it
    selects = {tree.attr(s, "id"): s for s in tree.children(controls, "select")}
    assert set(selects) == {"findings-severity", "findings-rule", "findings-confidence"}
    rule_values = [tree.attr(o, "value") for o in tree.children(selects["findings-rule"], "option")]
    assert rule_values == ["", *sorted(g.rule for g in expected)]


def test_hostile_evidence_and_paths_stay_text(hostile_audit: Audit) -> None:
    html = render_html(hostile_audit)
    tree = _Tree(html)
    titles = [tree.attr(i, "title") for i in tree.find("td") if tree.has_attr(i, "title")]
    assert any("<script>window.__pwned=1</script>" in str(t) for t in titles)
    assert "<img" not in html and "\u202e" not in html and "\x1b" not in html
    assert 'title="lib/session.ts&lt;script&gt;' in html


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    return large_audit(tmp_path_factory.mktemp("large-repo"))


def test_large_report_stays_within_its_budgets(large: Audit) -> None:
    html = render_html(large, rules=rule_catalog())
    assert len(html.encode("utf-8")) < LARGE_BYTES_PER_FINDING * len(large.findings)
    elements = len(re.findall(r"<[a-zA-Z]", html))
    assert elements < LARGE_ELEMENTS
    tree = _Tree(html)
    assert len(tree.find("tr", data_kind=large.entry_points[0].kind.value)) >= 1
    assert sum(1 for i in tree.find("tr") if tree.has_attr(i, "data-id")) == len(large.entry_points)
    groups = tree.find("details", **{"class": "rule-group"})
    assert groups and not any(tree.has_attr(g, "open") for g in groups)
    assert len(tree.find("li")) < LARGE_ELEMENTS // 4
    (top,) = tree.find("ol", id="top-findings")
    assert len(tree.children(top, "li")) == 10


def test_large_report_cells_link_every_check_finding(large: Audit) -> None:
    html = render_html(large)
    linked = set(re.findall(r'data-findings="([^"]*)"', html))
    anchors = {a for group in linked for a in group.split()}
    data = build_report_data(large)
    behind_checks = {
        data.anchor(f)
        for f in large.findings
        if f.checklist in CHECK_ITEMS and (f.entry_point or f.entry_points)
    }
    assert anchors == behind_checks


def test_scorecards_are_collapsed_and_list_a_bounded_evidence(audit: Audit) -> None:
    evidence = [Evidence(file="lib/a.ts", line=n, detail=f"why {n}") for n in range(1, 9)]
    items = [
        ScoreItem(id="authentication", title="Authn", status=ItemStatus.PASS, evidence=evidence),
        ScoreItem(id="safe-errors", title="Errors", status=ItemStatus.WARN, evidence=evidence),
    ]
    card = Scorecard(feature="notes", score=70, grade="C", items=items)
    tree = _Tree(render_html(audit.model_copy(update={"scorecards": [card]})))
    (details,) = tree.find("details", **{"class": "scorecard"})
    assert not tree.has_attr(details, "open")
    assert tree.text(tree.children(details, "summary")[0]) == "C notes 70/100 · 1 warn · 1 pass"
    lists = [tree.children(u, "li") for u in tree.children(details, "ul")]
    assert [len(found) for found in lists] == [3, 5]  # a matrix column lists fewer
    text = tree.text(details)
    assert "and 5 more: each entry point's in the matrix" in text
    assert "and 3 more in the JSON and Markdown reports" in text
