"""The coverage table (one row per entry point) and its escaped HTML form."""

from __future__ import annotations

import re

from archtools.results import Audit, RepoInfo, Stats, ToolInfo
from archtools.views.matrix import COLUMNS, coverage_table, styled_coverage_html

CHECKS = ["authentication", "authorization", "input_validation", "rate_limiting", "audit_logging"]


def test_columns_are_the_entry_point_facts_then_one_per_check(audit: Audit) -> None:
    df = coverage_table(audit)
    assert list(df.columns) == [
        "id", "kind", "app", "route", "method", "name", "file", "line", "feature", "public",
        "models", *CHECKS, "caller",
    ]  # fmt: skip
    assert list(COLUMNS) == list(df.columns)
    assert str(df["line"].dtype) == "int64"
    assert str(df["public"].dtype) == "bool"


def test_rows_are_sorted_by_app_file_line(audit: Audit) -> None:
    df = coverage_table(audit)
    assert len(df) == 11
    assert list(df["name"]) == [
        "setRole", "byId", "update", "POST", "GET", "DELETE", "GET", "createNote", "deleteNote",
        "default", "default",
    ]  # fmt: skip
    first = df.iloc[0].to_dict()
    assert first == {
        "id": "trpc_procedure:apps/admin/server/routers/admin.ts#setRole",
        "kind": "trpc_procedure",
        "app": "apps/admin",
        "route": "admin.setRole",
        "method": "mutation",
        "name": "setRole",
        "file": "apps/admin/server/routers/admin.ts",
        "line": 7,
        "feature": "admin",
        "public": False,
        "models": "User",
        "authentication": "pass",
        "authorization": "fail",
        "input_validation": "pass",
        "rate_limiting": "n/a",
        "audit_logging": "fail",
        "caller": None,  # the fixture names no kind of caller
    }


def test_models_are_comma_joined_and_public_flag_kept(audit: Audit) -> None:
    df = coverage_table(audit).set_index("id")
    export = df.loc["pages_api:apps/web/pages/api/legacy/export.ts#default"]
    assert export["models"] == "Note, User"
    assert export["authentication"] == "fail"
    assert export["authorization"] == "unknown"
    health = df.loc["route_handler:apps/web/app/api/health/route.ts#GET"]
    assert health["public"]
    assert health["models"] == ""
    assert [health[c] for c in CHECKS] == ["n/a"] * 5


def test_empty_audit_gives_empty_table_with_all_columns() -> None:
    empty = Audit(tool=ToolInfo(version="0.1.0"), repo=RepoInfo(root="r"), stats=Stats())
    df = coverage_table(empty)
    assert len(df) == 0
    assert list(df.columns) == list(COLUMNS)


def test_html_classes_each_status_cell(audit: Audit) -> None:
    html = styled_coverage_html(coverage_table(audit))
    assert html.count('<td class="status status-fail">fail</td>') == 8
    assert html.count('<td class="status status-unknown">unknown</td>') == 2
    assert html.count('<td class="status status-pass">pass</td>') == 16
    assert html.count('<td class="status status-na">n/a</td>') == 29
    assert html.count("<tr>") == 12  # header + 11 rows
    assert "<th>authentication</th>" in html
    assert html.startswith("<style>table.archtools-matrix{")


def test_html_escapes_every_cell(hostile_audit: Audit) -> None:
    html = styled_coverage_html(coverage_table(hostile_audit))
    assert "<script" not in html
    assert "<img" not in html
    assert "<svg" not in html
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in html
    assert "&quot;&gt;&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in html
    # The only tags are the table's own.
    assert set(re.findall(r"<([a-z]+)", html)) == {
        "style",
        "table",
        "thead",
        "tbody",
        "tr",
        "th",
        "td",
    }
