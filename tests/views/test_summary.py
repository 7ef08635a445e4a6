"""The summaries' view model and the Markdown summary: what is read first, bounded sizes, a checked
link to the full report, and repo-derived text kept inert."""

from __future__ import annotations

import re

import pytest

from archtools.errors import InputError
from archtools.results import Audit, Finding, Severity
from archtools.views.report_md_summary import (
    COMMENT_BUDGET,
    md_cell,
    render_markdown_for,
    render_markdown_summary,
    report_link,
)
from archtools.views.report_text import render_text
from archtools.views.summary import entry_point_label, rule_counts, top_findings


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


def test_top_findings_rank_severity_then_confidence_not_the_path() -> None:
    found = [
        _finding("AZ001", Severity.HIGH, "low", "a.ts", 1),
        _finding("ATH001", Severity.HIGH, "high", "z.ts", 9),
        _finding("RL001", Severity.MEDIUM, "high", "a.ts", 2),
        _finding("VAL001", Severity.CRITICAL, "medium", "y.ts", 3),
    ]
    assert [f.rule for f in top_findings(found, 10)] == ["VAL001", "ATH001", "AZ001", "RL001"]


def test_one_noisy_rule_cannot_fill_the_top_findings() -> None:
    noisy = [_finding("VAL002", Severity.HIGH, "high", f"f{i:02}.ts", 1) for i in range(20)]
    quieter = [_finding("AZ001", Severity.HIGH, "medium", f"g{i}.ts", 1) for i in range(3)]
    shown = top_findings(noisy + quieter, 5)
    # Two of the most confident rule, then the next rule's, then the list is filled in rank order.
    assert [(f.rule, f.file) for f in shown] == [
        ("VAL002", "f00.ts"),
        ("VAL002", "f01.ts"),
        ("VAL002", "f02.ts"),
        ("AZ001", "g0.ts"),
        ("AZ001", "g1.ts"),
    ]
    assert len(top_findings(noisy, 5)) == 5  # with nothing else to show, one rule fills it


def test_rule_counts_most_severe_then_most_confident_then_most_frequent() -> None:
    found = [
        *(_finding("AZ001", Severity.HIGH, "medium", "a.ts", i) for i in range(5)),
        _finding("VAL002", Severity.HIGH, "high", "b.ts", 1),
        *(_finding("RL001", Severity.LOW, "high", "c.ts", i) for i in range(9)),
    ]
    assert [(c.rule, c.count) for c in rule_counts(found)] == [
        ("VAL002", 1),
        ("AZ001", 5),
        ("RL001", 9),
    ]


def test_entry_points_have_human_names(audit: Audit) -> None:
    labels = {entry_point_label(e) for e in audit.entry_points}
    assert "DELETE /api/notes/[id] (apps/web/app/api/notes/[id]/route.ts:12)" in labels
    assert any(
        label.startswith("action createNote (apps/web/app/notes/actions.ts:") for label in labels
    )
    assert any(label.startswith("tRPC mutation admin.setRole (") for label in labels)


def test_report_link_accepts_http_urls_only() -> None:
    assert report_link("https://ci.example.com/r/1/report.html") == (
        "https://ci.example.com/r/1/report.html"
    )
    # Characters that would end or change a Markdown link are percent-encoded.
    assert report_link("https://ci.example.com/a(b)<c>`d`") == (
        "https://ci.example.com/a%28b%29%3Cc%3E%60d%60"
    )
    for bad in (
        "javascript:alert(1)",
        "report.html",
        "https://x.example/a b",
        "https://x.example/\n",
    ):
        with pytest.raises(InputError, match="the report URL must be http"):
            report_link(bad)


def test_md_cell_cuts_before_escaping_and_stays_within_its_limit() -> None:
    text = "<script>" * 100
    cell = md_cell(text, 50)
    assert len(cell) <= 50 and cell.endswith("…") and "<" not in cell
    assert "&lt" in cell and not re.search(r"&l?$|&lt?…", cell)  # no entity cut in two
    assert md_cell("short", 50) == "short"


def test_summary_links_to_the_full_report_and_says_what_it_leaves_out(audit: Audit) -> None:
    md = render_markdown_summary(audit, report_url=report_link("https://ci.example.com/1/r.html"))
    assert "**[Full report](https://ci.example.com/1/r.html)**" in md
    left_out = md[md.index("## Left out of this summary") :]
    assert "- the matrix of 11 entry points with each check's evidence" in left_out
    assert "- 1 suppressed findings and their reasons" in left_out
    assert "## Top findings (8 of 8)" in md
    without = render_markdown_summary(audit)
    assert "](" not in without and "`archtools audit PATH --format html" in without


def test_summary_is_chosen_when_the_whole_report_would_not_fit(audit: Audit) -> None:
    whole = render_markdown_for(audit, summary=None)
    assert whole.startswith("# archtools audit report") and len(whole) < COMMENT_BUDGET
    assert render_markdown_for(audit, summary=True).startswith("# archtools audit summary")
    many = audit.model_copy(update={"findings": list(audit.findings) * 400})
    assert render_markdown_for(many, summary=None).startswith("# archtools audit summary")
    assert render_markdown_for(many, summary=False).startswith("# archtools audit report")


def test_hostile_text_stays_inert_in_the_summaries(hostile_audit: Audit) -> None:
    big = hostile_audit.model_copy(update={"findings": list(hostile_audit.findings) * 300})
    md = render_markdown_summary(big)
    assert len(md) < COMMENT_BUDGET
    assert "\x1b" not in md and "\u202e" not in md
    assert "<script" not in md and "<img" not in md and "](javascript:" not in md
    text = render_text(big, color=True, matrix=False)
    assert "\x1b[31mred" not in text and "\\x1b[31mred" in text and "\u202e" not in text


def test_large_hostile_summary_stays_under_the_comment_budget(hostile_audit: Audit) -> None:
    payload = "<script>|`" * 2000  # long repo-derived strings are cut before they are escaped
    findings = [
        f.model_copy(
            update={"message": payload, "file": payload, "title": payload, "rule": f"R{i}"}
        )
        for i, f in enumerate(list(hostile_audit.findings) * 20)
    ]
    md = render_markdown_summary(hostile_audit.model_copy(update={"findings": findings}))
    assert len(md) < COMMENT_BUDGET


def test_repo_text_mentions_nobody_in_a_pull_request_comment() -> None:
    cell = md_cell("guarded by @acme/auth-team, see @octocat", 200)
    assert not re.search(r"@[A-Za-z0-9]", cell)
    assert cell.replace("\u2060", "") == "guarded by @acme/auth-team, see @octocat"
