"""The terminal report: exact summary lines, an aligned matrix, colour only when asked, no escape
sequences from the audited repo."""

from __future__ import annotations

import os
import re
from pathlib import Path

from archtools.results import AppInfo, Audit, AuditError, RepoInfo, Stats, ToolInfo
from archtools.views.report_text import render_text

GOLDEN = Path(__file__).parent / "golden" / "report.txt"
OUR_SGR = {
    "\x1b[0m",
    "\x1b[1m",
    "\x1b[1;31m",
    "\x1b[31m",
    "\x1b[33m",
    "\x1b[36m",
    "\x1b[2m",
    "\x1b[32m",
}


def _section(text: str, title: str) -> list[str]:
    lines = text.splitlines()
    start = lines.index(title) + 1
    end = lines.index("", start) if "" in lines[start:] else len(lines)
    return lines[start:end]


def test_summary_lines(audit: Audit) -> None:
    lines = render_text(audit).splitlines()
    assert lines[:6] == [
        "archtools 0.1.0 — acme-notes @ 3f2a9c1",
        "Files: 212 scanned, 2 skipped, 1 failed · 11 entry points · 8 findings (1 suppressed)"
        " · 1.23 s",
        "Findings: critical 1 · high 2 · medium 2 · low 2 · info 1",
        "  app .: 0 entry points, 0 failing checks, 1 findings",
        "  app apps/admin: 3 entry points, 3 failing checks, 2 findings",
        "  app apps/web: 8 entry points, 5 failing checks, 5 findings",
    ]


def test_matrix_is_an_aligned_table(audit: Audit) -> None:
    table = _section(render_text(audit), "Auth coverage")
    header = table[0]
    assert header.split() == [
        "APP", "KIND", "METHOD", "ROUTE", "/", "FILE", "AUTHN", "AUTHZ", "INPUT", "RATE", "LIMIT",
        "AUDIT", "LOG",
    ]  # fmt: skip
    assert set(table[1]) == {"-", " "}
    assert len(table) == 2 + 11
    authn, audit_log = header.index("AUTHN"), header.index("AUDIT LOG")
    for row in table[2:]:
        assert row[authn - 2 : authn] == "  "  # two spaces before every status column
        assert row[authn:].split()[0] in {"pass", "fail", "n/a", "unknown"}
        assert row[audit_log:].strip() in {"pass", "fail", "n/a", "unknown"}
    delete = next(r for r in table if "/api/notes/[id]" in r)
    assert delete.split() == [
        "apps/web", "route", "handler", "DELETE", "/api/notes/[id]", "pass", "fail", "pass", "n/a",
        "fail",
    ]  # fmt: skip
    actions = [r.split()[4:7] for r in table if "server action" in r]
    assert actions == [["createNote", "@", "/notes"], ["deleteNote", "@", "/notes"]]
    assert any("/api/health (public)" in r for r in table)


def test_findings_most_severe_first_and_capped(audit: Audit) -> None:
    text = render_text(audit, top=3)
    top = _section(text, "Top findings (3 of 8; --format html lists them all)")
    assert top == [
        "[CRITICAL] AZ001 apps/web/app/api/notes/[id]/route.ts:14  "
        "Client-supplied id reaches an owned model unbound",
        "    prisma.note.delete uses params.id without binding it to session.user.id"
        " (confidence high)",
        "[HIGH] ATH001 apps/web/pages/api/legacy/export.ts:6  Entry point without authentication",
        "    No auth primitive gates this handler (confidence high)",
        "[HIGH] AZ003 apps/admin/server/routers/admin.ts:9  Admin operation without a role check",
        "    setRole changes roles for any signed-in user (confidence medium)",
    ]
    # The high-confidence ATH001 comes before the medium-confidence AZ003 of an earlier path.
    # Five findings are not shown: the rules are counted, most severe first.
    assert _section(text, "Findings by rule (8 rules)")[:3] == [
        "  [CRITICAL] AZ001          1  Client-supplied id reaches an owned model unbound",
        "  [HIGH]     ATH001         1  Entry point without authentication",
        "  [HIGH]     AZ003          1  Admin operation without a role check",
    ]
    assert "Findings by rule" not in render_text(audit, top=8)  # every finding is listed
    assert "EXP001" not in render_text(audit, top=100)  # suppressed findings stay out


def test_scorecards_errors_and_skipped(audit: Audit) -> None:
    text = render_text(audit)
    assert _section(text, "Scorecards") == [
        "  A   95  auth",
        "  B   81  billing",
        "  D   58  notes",
    ]
    assert _section(text, "Errors (1)") == ["  apps/web/app/broken/route.ts:17: unexpected '}'"]
    assert text.endswith("Skipped files: 2 (see the HTML or Markdown report)\n")


def test_no_colour_unless_asked(audit: Audit) -> None:
    plain = render_text(audit)
    assert "\x1b" not in plain
    coloured = render_text(audit, color=True)
    assert "\x1b[1;31m[CRITICAL]\x1b[0m AZ001" in coloured
    assert "\x1b[32mpass\x1b[0m   \x1b[1;31mfail\x1b[0m" in coloured
    assert re.sub(r"\x1b\[[0-9;]*m", "", coloured) == plain


def test_repo_text_cannot_reach_the_terminal(hostile_audit: Audit) -> None:
    coloured = render_text(hostile_audit, color=True)
    assert set(re.findall(r"\x1b\[[0-9;]*m", coloured)) <= OUR_SGR
    assert "\x1b[31mred" not in coloured
    assert "\\x1b[31mred\\u202e" in coloured
    assert "\u202e" not in coloured
    table = _section(render_text(hostile_audit), "Auth coverage")
    assert all(len(row) <= len(table[1]) for row in table)  # long cells are cut, not spilled
    assert "…" in table[2]


def test_empty_audit() -> None:
    empty = Audit(tool=ToolInfo(version="0.1.0"), repo=RepoInfo(root="r"), stats=Stats())
    assert render_text(empty) == (
        "archtools 0.1.0 — r\n"
        "Files: 0 scanned, 0 skipped, 0 failed · 0 entry points · 0 findings (0 suppressed)"
        " · 0.00 s\n"
        "Findings: critical 0 · high 0 · medium 0 · low 0 · info 0\n"
        "\n"
        "Auth coverage\n"
        "No entry points found.\n"
        "\n"
        "Top findings (0 of 0)\n"
        "  none\n"
    )


def test_golden(audit: Audit) -> None:
    text = render_text(audit)
    if os.environ.get("ARCHTOOLS_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(text, encoding="utf-8")
    assert text == GOLDEN.read_text(encoding="utf-8")


def test_the_summary_of_any_repository_stays_under_60_lines(audit: Audit) -> None:
    # Many apps, entry points, rules, features, errors and skipped files: every list is capped.
    apps = [AppInfo(path=f"apps/a{i}") for i in range(30)]
    entry_points = [
        e.model_copy(update={"id": f"{e.id}-{i}", "app": apps[i].path})
        for i in range(30)
        for e in audit.entry_points
    ]
    findings = [
        f.model_copy(update={"rule": f"R{i:03}", "fingerprint": f"{f.fingerprint}-{i}"})
        for i in range(40)
        for f in audit.findings
    ]
    cards = [
        c.model_copy(update={"feature": f"{c.feature}-{i}"})
        for i in range(20)
        for c in audit.scorecards
    ]
    errors = [AuditError(file=f"f{i}.ts", line=i, message="bad") for i in range(50)]
    big = audit.model_copy(
        update={
            "repo": audit.repo.model_copy(update={"apps": apps}),
            "entry_points": entry_points,
            "findings": findings,
            "scorecards": cards,
            "errors": errors,
        }
    )
    lines = render_text(big).splitlines()
    assert len(lines) < 60, "\n".join(lines)
    assert (
        "  and 26 more apps" in lines and "  and 47 more (--format html or md lists them)" in lines
    )
    assert "Auth coverage of 330 entry points (--matrix lists them)" in lines
    assert len(render_text(big, matrix=True).splitlines()) > 330
