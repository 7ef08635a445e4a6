"""The widgets' view model: options, filters and safe source reads, without ipywidgets."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from archtools.results import Audit
from archtools.widgets.model import (
    ANY,
    SourceFiles,
    choices,
    entry_label,
    feature_options,
    filter_entries,
    filter_findings,
    finding_label,
    matrix_options,
    rule_options,
    severity_options,
)

GET = "route_handler:app/api/notes/[id]/route.ts#GET"
DELETE = "route_handler:app/api/notes/[id]/route.ts#DELETE"
ADMIN = "route_handler:app/api/admin/invoices/route.ts#GET"
ACTION = "server_action:app/actions.ts#rename"


def ids(entries: Sequence[object]) -> list[str]:
    return [e.id for e in entries]  # type: ignore[attr-defined]


def test_choices_put_everything_first_then_sorted_distinct_values() -> None:
    assert choices(["b", "a", "b"], "all") == [("all", ANY), ("a", "a"), ("b", "b")]


def test_options_come_from_the_audit(audit: Audit) -> None:
    options = matrix_options(audit)
    assert options["feature"] == [
        ("all features", ""),
        ("admin", "admin"),
        ("notes", "notes"),
        ("project", "project"),
    ]
    assert options["kind"] == [
        ("all kinds", ""),
        ("route_handler", "route_handler"),
        ("server_action", "server_action"),
    ]
    assert options["model"] == [
        ("all models", ""),
        ("Invoice", "Invoice"),
        ("Note", "Note"),
        ("User", "User"),
    ]
    assert [v for _, v in options["status"]] == ["", "fail", "n/a", "pass", "unknown"]
    assert feature_options(audit) == [
        ("admin", "admin"),
        ("notes", "notes"),
        ("project", "project"),
    ]
    assert rule_options(audit) == [
        ("all rules", ""),
        ("ATH001", "ATH001"),
        ("AUD001", "AUD001"),
        ("AZ001", "AZ001"),
        ("AZ003", "AZ003"),
        ("TYP002", "TYP002"),
    ]
    assert [v for _, v in severity_options()] == ["", "critical", "high", "medium", "low", "info"]


def test_entries_are_in_matrix_order_and_filters_combine(audit: Audit) -> None:
    assert ids(filter_entries(audit)) == [ACTION, ADMIN, GET, DELETE]  # app, file, line, id
    assert ids(filter_entries(audit, feature="notes")) == [GET, DELETE]
    assert ids(filter_entries(audit, kind="server_action")) == [ACTION]
    assert ids(filter_entries(audit, model="User")) == [ADMIN]
    # A status alone matches any check; with a check, that check only.
    assert ids(filter_entries(audit, status="unknown")) == [GET]
    assert ids(filter_entries(audit, check="authentication", status="fail")) == [DELETE]
    assert ids(filter_entries(audit, check="authorization", status="fail")) == [ADMIN, GET, DELETE]
    assert ids(filter_entries(audit, feature="notes", check="authentication", status="pass")) == [
        GET
    ]
    assert filter_entries(audit, feature="billing") == []


def test_findings_filter_by_severity_rule_and_suppression(audit: Audit) -> None:
    def fps(**kw: object) -> list[str]:
        return [f.fingerprint for f in filter_findings(audit, **kw)]  # type: ignore[arg-type]

    assert fps() == ["fp-az3-admin", "fp-az-get", "fp-ath-del", "fp-az-del", "fp-aud-del"]
    assert fps(severity="high") == ["fp-az-get", "fp-ath-del", "fp-az-del"]
    assert fps(rule="AZ001") == ["fp-az-get", "fp-az-del"]
    assert fps(severity="critical", rule="AZ001") == []
    assert fps(severity="low") == ["fp-aud-del"]
    assert fps(severity="low", suppressed=True) == ["fp-aud-del", "fp-typ"]


def test_labels(audit: Audit) -> None:
    get = next(e for e in audit.entry_points if e.id == GET)
    assert entry_label(get) == "GET /api/notes/[id]  (app/api/notes/[id]/route.ts:4)"
    finding = next(f for f in audit.findings if f.fingerprint == "fp-az3-admin")
    assert finding_label(finding) == "CRITICAL AZ003   app/api/admin/invoices/route.ts:3"


def test_source_files_read_inside_the_repository_only(repo: Path, tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside", encoding="utf-8")
    source = SourceFiles(repo)
    assert (
        source("app/actions.ts") == '"use server";\nexport async function rename(name: string) {}\n'
    )
    assert source("../secret.txt") is None
    assert source("/etc/passwd") is None
    assert source("missing.ts") is None
    (repo / "app" / "actions.ts").write_text("changed", encoding="utf-8")
    assert source("app/actions.ts").startswith('"use server"')  # type: ignore[union-attr]  # cached


def test_source_files_without_a_repository_read_nothing(tmp_path: Path) -> None:
    assert SourceFiles(None)("app/actions.ts") is None
    assert SourceFiles(tmp_path / "not-a-repo")("package.json") is None
