"""The Markdown report: exact key sections, and repo text that can neither break a table nor inject
HTML, links, images or code fences."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from archtools.results import Audit, RepoInfo, Stats, ToolInfo
from archtools.rules.base import RuleMeta
from archtools.views.report_markdown import escape_md, fence, lang_for, render_markdown

GOLDEN = Path(__file__).parent / "golden" / "report.md"


def _block(md: str, heading: str) -> list[str]:
    """The lines under a heading, up to the next heading of the same or a higher level."""
    lines = md.splitlines()
    start = lines.index(heading)
    level = len(heading) - len(heading.lstrip("#"))
    end = next(
        (
            i
            for i in range(start + 1, len(lines))
            if lines[i].startswith("#") and len(lines[i]) - len(lines[i].lstrip("#")) <= level
        ),
        len(lines),
    )
    return lines[start + 1 : end]


def _cells(row: str) -> list[str]:
    """The cells of a table row, splitting on unescaped pipes only."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row)[1:-1]]


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("a|b", r"a\|b"),
        ("`x`", r"\`x\`"),
        ("<script>", "&lt;script&gt;"),
        ("[t](javascript:alert(1))", r"\[t\]\(javascript:alert\(1\)\)"),
        ("![i](x.png)", r"\!\[i\]\(x.png\)"),
        ("*em* _u_ ~s~", r"\*em\* \_u\_ \~s\~"),
        ("&amp;", "&amp;amp;"),
        ("a\\b", "a\\\\b"),
        ("two\nlines", "two lines"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("=== heading", r"\=== heading"),
        ("# title", r"\# title"),
        ("v1.2.3", "v1.2.3"),
        ("esc\x1b[31m", r"esc\\x1b\[31m"),
    ],
)
def test_escape_md(raw: str, escaped: str) -> None:
    assert escape_md(raw) == escaped


def test_fence_is_longer_than_any_backtick_run() -> None:
    assert fence("a = 1", "ts") == "```ts\na = 1\n```"
    assert fence("x = ```y```", "ts") == "````ts\nx = ```y```\n````"
    assert fence("`````", "") == "``````\n`````\n``````"
    assert fence("code", "t`s") == "```\ncode\n```"  # never a backtick in the info string
    assert lang_for("app/page.tsx") == "tsx"
    assert lang_for("prisma/schema.prisma") == "prisma"
    assert lang_for("weird.`rm`") == ""


def test_summary(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    md = render_markdown(audit, rules=rules)
    assert md.startswith(
        "# archtools audit report\n\nRepository acme-notes at commit 3f2a9c1, archtools 0.1.0.\n"
    )
    summary = _block(md, "## Summary")
    assert summary[1:10] == [
        "| Severity | Findings |",
        "| --- | ---: |",
        "| critical | 1 |",
        "| high | 2 |",
        "| medium | 2 |",
        "| low | 2 |",
        "| info | 1 |",
        "| suppressed | 1 |",
        "",
    ]
    assert "212 files scanned, 2 skipped, 1 failed; 11 entry points; 8 findings." in summary
    assert "| apps/web | 8 | 5 | 1 | 1 | 2 | 1 | 0 |" in summary
    assert "| notes | D | 58 |" in summary


def test_matrix_rows(audit: Audit) -> None:
    matrix = [line for line in _block(render_markdown(audit), "## Auth coverage") if line]
    assert matrix[0] == (
        "| Entry point | Kind | Method | Route | App | Authn | Authz | Input | Rate limit"
        " | Audit log |"
    )
    assert len(matrix) == 2 + 11
    assert matrix[7] == (
        "| apps/web/app/api/notes/\\[id\\]/route.ts:12 DELETE | route handler | DELETE |"
        " /api/notes/\\[id\\] | apps/web | ✅ pass | ❌ fail | ✅ pass | ⚪ n/a | ❌ fail |"
    )
    assert all(len(_cells(row)) == 10 for row in matrix)


def test_scorecards_link_findings_by_title(audit: Audit) -> None:
    notes = _block(render_markdown(audit), "### notes: grade D (58/100)")
    assert notes[:4] == ["", "Models: Note", "", "| Item | Status | Evidence | Findings |"]
    assert (
        "| Authorization is checked | ❌ fail |  |"
        " AZ001 apps/web/app/api/notes/\\[id\\]/route.ts:14 |"
    ) in notes
    assert (
        "| Authentication is checked | ✅ pass | lib/session.ts:4 requireUser\\(\\) guards all |  |"
    ) in notes


def test_findings_grouped_by_severity_with_fenced_snippets(audit: Audit) -> None:
    md = render_markdown(audit)
    findings = _block(md, "## Findings")
    headings = [line for line in findings if line.startswith("#")]
    assert headings == [
        "### Critical (1)",
        "#### AZ001 Client-supplied id reaches an owned model unbound",
        "### High (2)",
        "#### AZ003 Admin operation without a role check",
        "#### ATH001 Entry point without authentication",
        "### Medium (2)",
        "#### RL001 Sensitive operation without a rate limit",
        "#### VAL001 Input reaches the database unvalidated",
        "### Low (2)",
        "#### AUD001 Destructive operation without an audit log",
        "#### SCH002 Money stored as a float",
        "### Info (1)",
        "#### TYP001 \\`any\\` in an entry point",
    ]
    val = _block(md, "#### VAL001 Input reaches the database unvalidated")
    assert val[:8] == [
        "",
        "- **Location:** apps/web/app/notes/actions.ts:6-9",
        "- **Entry point:** server\\_action:apps/web/app/notes/actions.ts\\#createNote",
        "- **Model:** Note",
        "- **CWE:** CWE-20",
        "- **Confidence:** high",
        "",
        "formData.get\\('title'\\) flows into prisma.note.create",
    ]
    snippet = next(f.snippet for f in audit.findings if f.rule == "VAL001")
    assert "```" in str(snippet)
    assert "\n".join(val[9:]).strip() == f"````ts\n{snippet}\n````"


def test_suppressed_rules_errors_skipped(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    md = render_markdown(audit, rules=rules)
    suppressed = _block(md, "## Suppressed findings (1)")
    assert "- **Suppressed:** archtools-ignore EXP001: the select drops passwordHash" in suppressed
    rule_headings = [line for line in _block(md, "## Rules") if line.startswith("### ")]
    assert rule_headings == [
        "### ATH001 missing-authentication: Entry point without authentication",
        "### AZ001 idor-unbound-id: Client-supplied id reaches an owned model unbound",
        "### VAL001 unvalidated-input: Input reaches the database unvalidated",
    ]
    assert "- https://cwe.mitre.org/data/definitions/306.html" in md
    assert _block(md, "## Errors (1)")[3] == (
        "| apps/web/app/broken/route.ts | 17 | unexpected '\\}' |"
    )
    assert _block(md, "## Skipped files (2)")[3:5] == [
        "| apps/web/generated/client.ts | generated file |",
        "| apps/web/public/vendor/huge.min.js | larger than 1 MB |",
    ]
    assert "## Rules" not in render_markdown(audit)  # no catalog given, no rule docs


def _outside_fences(md: str) -> tuple[str, list[str]]:
    """The text outside fenced code blocks, and the blocks' contents."""
    outside: list[str] = []
    blocks: list[str] = []
    body: list[str] = []
    fence_open = ""
    for line in md.splitlines():
        ticks = re.match(r"`{3,}", line)
        if not fence_open and ticks:
            fence_open, body = ticks.group(), []
        elif fence_open and line == fence_open:
            blocks.append("\n".join(body))
            fence_open = ""
        elif fence_open:
            body.append(line)
        else:
            outside.append(line)
    assert not fence_open, "a fence was left open"
    return "\n".join(outside), blocks


def test_hostile_text_stays_text(hostile_audit: Audit) -> None:
    md = render_markdown(hostile_audit)
    assert "\x1b" not in md
    assert "\u202e" not in md
    text, blocks = _outside_fences(md)
    assert "<script" not in text
    assert "<img" not in text
    assert "](javascript:" not in text
    assert "![img](" not in text
    # Snippets keep their text verbatim inside the fences, hidden characters revealed.
    assert len(blocks) == 3
    assert all(block.endswith("\\x1b[31mred\\u202e") for block in blocks)
    for line in text.splitlines():
        if line.startswith("| "):
            assert not re.search(r"(?<!\\)`", line), line  # no code span can open in a table
    matrix = [line for line in _block(md, "## Auth coverage") if line.startswith("|")]
    assert len(matrix) == 13
    assert all(len(_cells(row)) == 10 for row in matrix)
    # The snippet's own ``` cannot close its fence.
    fences = re.findall(r"^(`{3,})", md, flags=re.MULTILINE)
    assert "````" in fences


def test_hostile_markdown_renders_without_markup(hostile_audit: Audit) -> None:
    mistune = pytest.importorskip("mistune")
    render = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
    html = str(render(render_markdown(hostile_audit)))
    tags = set(re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= {"h1", "h2", "h3", "h4", "p", "table", "thead", "tbody", "tr", "th", "td", "ul",
                    "li", "strong", "pre", "code", "br"}  # fmt: skip
    assert "<a " not in html
    assert "javascript:alert(1)" in html  # still there, as text


def test_deterministic(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    assert render_markdown(audit, rules=rules) == render_markdown(audit, rules=rules)


def test_golden(audit: Audit, rules: dict[str, RuleMeta]) -> None:
    md = render_markdown(audit, rules=rules)
    if os.environ.get("ARCHTOOLS_UPDATE_GOLDEN"):
        GOLDEN.parent.mkdir(exist_ok=True)
        GOLDEN.write_text(md, encoding="utf-8")
    assert md == GOLDEN.read_text(encoding="utf-8")


def test_empty_audit() -> None:
    empty = Audit(tool=ToolInfo(version="0.1.0"), repo=RepoInfo(root="r"), stats=Stats())
    md = render_markdown(empty)
    assert _block(md, "## Auth coverage") == ["", "No entry points found.", ""]
    assert _block(md, "## Findings") == ["", "No findings."]
    assert "## Scorecards" not in md and "## Errors" not in md
