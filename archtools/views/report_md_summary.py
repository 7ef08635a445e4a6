"""The Markdown summary: a report that fits a pull-request comment whatever the size of the audit
(GitHub takes 65,536 characters), linking to the full report and saying what it leaves out. Every
list is capped and every repo-derived cell is cut before it is escaped, so the size is bounded by
construction; `render_markdown_for` picks the summary when the whole report would not fit."""

from __future__ import annotations

import re
from collections.abc import Mapping
from urllib.parse import quote, urlsplit

from archtools.errors import InputError
from archtools.results import Audit, Finding
from archtools.rules.base import RuleMeta
from archtools.views.render import RenderInputs
from archtools.views.report_data import CHECK_LABELS, CHECK_STATUSES, SEVERITIES, ReportData
from archtools.views.report_data import build_report_data as _build
from archtools.views.report_markdown import escape_md, render_markdown
from archtools.views.summary import (
    GRADES,
    check_counts,
    entry_point_name,
    grade_counts,
    rule_counts,
    top_findings,
    worst_scorecards,
)

# A comment must stay under GitHub's 65,536 characters; this leaves room for a CI job's own words.
COMMENT_BUDGET = 60_000
TOP_FINDINGS = 25
RULES_LISTED = 40
APPS_LISTED = 10
WORST_SCORECARDS = 10
ERRORS_LISTED = 5
NOTE_CHARS = 600  # one note of the audit (they quote a git revision or a baseline name)

_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def report_link(url: str) -> str:
    """`url` checked (http or https with a host, nothing hidden in it) and made safe to put in a
    Markdown link destination: characters with a meaning there are percent-encoded. Raises
    InputError for anything else (a `javascript:` URL, a relative path, spaces or newlines)."""
    parts = urlsplit(url)
    if _CONTROL.search(url) or parts.scheme not in ("http", "https") or not parts.netloc:
        raise InputError(
            f"the report URL must be http(s), with a host and without spaces, such as "
            f"https://ci.example.com/runs/42/report.html, not {url!r}"
        )
    return quote(url, safe=":/?#@!$&'*+,;=%~")


def md_cell(text: str, limit: int) -> str:
    """Repo-derived text escaped for Markdown and at most `limit` characters: the text is cut
    before escaping (never inside an escape) and cut further while its escaped form is too long."""
    cut = len(text)
    while True:
        shown = text if cut >= len(text) else text[: max(0, cut)] + "…"
        escaped = escape_md(shown)
        if len(escaped) <= limit or cut <= 0:
            return escaped
        cut = min(cut - 1, cut * limit // len(escaped))


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: str) -> list[str]:
    marks = ["---:" if a == "r" else "---" for a in align]
    return [_row(header), _row(marks), *(_row(r) for r in rows), ""]


def _head(audit: Audit, report_url: str | None) -> list[str]:
    where = f"Repository {md_cell(audit.repo.root, 120)}"
    if audit.repo.commit:
        where += f" at commit {md_cell(audit.repo.commit, 60)}"
    out = [
        "# archtools audit summary",
        "",
        f"{where}, archtools {md_cell(audit.tool.version, 40)}.",
    ]
    if report_url is not None:
        out += [
            "",
            f"**[Full report]({report_url})**: every entry point, finding and its evidence.",
        ]
    else:
        out += ["", "The full report: `archtools audit PATH --format html -o report.html`."]
    return [*out, ""]


def _counts(data: ReportData) -> list[str]:
    audit, s = data.audit, data.audit.stats
    severities = [
        [sev.value, str(n)] for sev, n in zip(SEVERITIES, data.severity_counts, strict=True)
    ]
    out = ["## Summary", ""]
    out += _table(
        ["Severity", "Findings"], [*severities, ["suppressed", str(len(data.suppressed))]], "lr"
    )
    out += [
        f"{s.files_scanned} files scanned, {s.files_skipped} skipped, {s.files_failed} failed;"
        f" {len(audit.entry_points)} entry points; {len(data.active)} findings.",
        "",
        *(line for note in audit.notes for line in (f"Note: {md_cell(note, NOTE_CHARS)}", "")),
    ]
    if len(data.apps) > 1:  # the apps with the most to fix first
        header = ["App", "Entry points", "Failing checks", "Findings"]
        rows = [
            [md_cell(a.app, 80), str(a.entry_points), str(a.failing_checks), str(a.total_findings)]
            for a in sorted(data.apps, key=lambda a: (-a.failing_checks, -a.total_findings, a.app))[
                :APPS_LISTED
            ]
        ]
        out += _table(header, rows, "lrrr")
    return out


def _coverage(data: ReportData) -> list[str]:
    out = [f"## Auth coverage of {len(data.rows)} entry points", ""]
    rows = [
        [CHECK_LABELS[check], *(str(n) for n in counts)]
        for check, counts in check_counts(data.rows)
    ]
    return [*out, *_table(["Check", *CHECK_STATUSES], rows, "lrrrr")]


def _scorecards(data: ReportData) -> list[str]:
    cards = data.audit.scorecards
    if not cards:
        return []
    grades = ", ".join(f"{grade} {n}" for grade, n in zip(GRADES, grade_counts(cards), strict=True))
    shown = worst_scorecards(cards, WORST_SCORECARDS)
    out = [f"## Scorecards of {len(cards)} features", "", f"Grades: {grades}.", ""]
    if len(cards) > len(shown):
        out += [f"The {len(shown)} lowest scores:", ""]
    rows = [[md_cell(c.feature, 80), c.grade, str(c.score)] for c in shown]
    return [*out, *_table(["Feature", "Grade", "Score"], rows, "llr")]


def _rules(data: ReportData) -> list[str]:
    counts = rule_counts(data.active)
    if not counts:
        return []
    rows = [
        [
            md_cell(c.rule, 20),
            c.severity.value,
            md_cell(c.confidence, 10),
            str(c.count),
            md_cell(c.title, 120),
        ]
        for c in counts[:RULES_LISTED]
    ]
    header = ["Rule", "Severity", "Confidence", "Findings", "Title"]
    return [f"## Findings by rule ({len(counts)} rules)", "", *_table(header, rows, "lllrl")]


def _top(data: ReportData) -> list[str]:
    shown = top_findings(data.active, TOP_FINDINGS)
    out = [f"## Top findings ({len(shown)} of {len(data.active)})", ""]
    if not shown:
        return [*out, "No findings.", ""]
    out += ["Most severe first, then most confident.", ""]
    entries = {ep.id: ep for ep in data.audit.entry_points}

    def entry(f: Finding) -> str:
        found = entries.get(f.entry_point or "")
        return md_cell(entry_point_name(found), 100) if found is not None else ""

    rows = [
        [
            f.severity.value,
            md_cell(f.confidence, 10),
            md_cell(f.rule, 20),
            f"{md_cell(f.file, 120)}:{f.line}",
            entry(f),
            md_cell(f.message, 240),
        ]
        for f in shown
    ]
    header = ["Severity", "Confidence", "Rule", "Location", "Entry point", "Message"]
    return [*out, *_table(header, rows, "llllll")]


def _errors(audit: Audit) -> list[str]:
    if not audit.errors:
        return []
    errors = sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message))[:ERRORS_LISTED]
    rows = [[md_cell(e.file, 120), str(e.line or ""), md_cell(e.message, 200)] for e in errors]
    out = [f"## Errors ({len(audit.errors)})", ""]
    return [*out, *_table(["File", "Line", "Message"], rows, "lrl")]


def _left_out(data: ReportData) -> list[str]:
    audit = data.audit
    items = [f"the matrix of {len(data.rows)} entry points with each check's evidence"]
    hidden = len(data.active) - min(len(data.active), TOP_FINDINGS)
    if hidden:
        items.append(f"{hidden} of {len(data.active)} findings, with their code snippets")
    if data.suppressed:
        items.append(f"{len(data.suppressed)} suppressed findings and their reasons")
    rules = len(rule_counts(data.active))
    if rules > RULES_LISTED:
        items.append(f"{rules - RULES_LISTED} of {rules} rules with findings")
    if audit.scorecards:
        items.append(f"the checklist items of {len(audit.scorecards)} feature scorecards")
    if len(data.apps) > APPS_LISTED:
        items.append(f"{len(data.apps) - APPS_LISTED} of {len(data.apps)} apps")
    items.append("the rules' documentation")
    if len(audit.errors) > ERRORS_LISTED:
        items.append(f"{len(audit.errors) - ERRORS_LISTED} of {len(audit.errors)} errors")
    if audit.skipped:
        items.append(f"the list of {len(audit.skipped)} skipped files")
    return ["## Left out of this summary", "", *(f"- {item}" for item in items), ""]


def render_markdown_summary(audit: Audit, *, report_url: str | None = None) -> str:
    """The summary: counts, coverage per check, grades, findings by rule, the top findings, what it
    leaves out and a link to the full report (`report_url`, already checked with report_link)."""
    data = _build(audit)
    out = _head(audit, report_url)
    out += _counts(data) + _coverage(data) + _scorecards(data) + _rules(data) + _top(data)
    out += _errors(audit) + _left_out(data)
    return "\n".join(out).rstrip("\n") + "\n"


def render_markdown_for(
    audit: Audit,
    *,
    summary: bool | None,
    rules: Mapping[str, RuleMeta] | None = None,
    report_url: str | None = None,
) -> str:
    """The whole report, or the summary when `summary` is True, or (None) when the whole report
    would not fit in COMMENT_BUDGET characters."""
    if summary:
        return render_markdown_summary(audit, report_url=report_url)
    whole = render_markdown(audit, rules=rules)
    if summary is None and len(whole) > COMMENT_BUDGET:
        return render_markdown_summary(audit, report_url=report_url)
    return whole


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_markdown_for(
        audit, summary=inputs.summary, rules=inputs.rules, report_url=inputs.report_url
    )
