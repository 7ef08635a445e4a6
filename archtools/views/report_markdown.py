"""The Markdown report for pull-request comments and wikis, every repo-derived string escaped."""

from __future__ import annotations

import re
from collections.abc import Mapping

from archtools.results import CHECK_NAMES, Audit, Finding, Scorecard
from archtools.rules.base import RuleExample, RuleMeta
from archtools.views.render import RenderInputs
from archtools.views.report_data import (
    CHECK_LABELS,
    KIND_LABELS,
    SEVERITIES,
    ReportData,
    build_report_data,
    reveal,
)

STATUS_ICONS = {
    "pass": "✅ pass",
    "fail": "❌ fail",
    "n/a": "⚪ n/a",
    "unknown": "❔ unknown",
    "warn": "⚠️ warn",
}

# Characters with a meaning in CommonMark/GFM inline syntax: emphasis, code, links and images,
# tables, strikethrough, raw HTML, entities, escapes.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~])")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")  # what GitHub would read as a user or team mention
_ORDERED_MARKER = re.compile(r"^(\d{1,9})\.(?=\s|$)")
_LANGS = {
    "ts": "ts",
    "tsx": "tsx",
    "js": "js",
    "jsx": "jsx",
    "mjs": "js",
    "cjs": "js",
    "mts": "ts",
    "cts": "ts",
    "prisma": "prisma",
    "sql": "sql",
    "json": "json",
    "env": "dotenv",
    "yaml": "yaml",
    "yml": "yaml",
}


def escape_md(text: str) -> str:
    """Repo-derived text as inert inline Markdown: one line, no markup, no raw HTML, no links, and
    no mention: a word joiner (invisible) after `@` keeps `@org/team` in a pull-request comment
    from notifying anyone."""
    text = reveal(" ".join(text.splitlines()).strip())
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MENTION.sub("@\u2060", text)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    # Text that may start a line must not open a list, a setext heading or a thematic break.
    text = _ORDERED_MARKER.sub(r"\1\\.", text)
    return "\\" + text if text.startswith(("-", "=")) else text


def fence(code: str, lang: str = "") -> str:
    """A fenced code block whose fence is longer than any backtick run inside the code."""
    code = reveal(code, keep_lines=True)
    longest = max((len(run) for run in re.findall(r"`+", code)), default=0)
    ticks = "`" * max(3, longest + 1)
    info = lang if re.fullmatch(r"[a-z]+", lang) else ""
    return f"{ticks}{info}\n{code.rstrip()}\n{ticks}"


def lang_for(path: str) -> str:
    """The fence language for a file, from a fixed list of extensions (never the raw extension)."""
    ext = path.rsplit(".", 1)[-1].lower() if "." in path else ""
    return _LANGS.get(ext, "")


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _table(header: list[str], rows: list[list[str]], align: str = "") -> list[str]:
    marks = [("---:" if a == "r" else "---") for a in align.ljust(len(header), "l")]
    return [_row(header), _row(marks), *(_row(r) for r in rows)]


def _summary(data: ReportData) -> list[str]:
    audit = data.audit
    s = audit.stats
    out = ["## Summary", ""]
    out += _table(
        ["Severity", "Findings"],
        [[sev.value, str(n)] for sev, n in zip(SEVERITIES, data.severity_counts, strict=True)]
        + [["suppressed", str(len(data.suppressed))]],
        "lr",
    )
    out += [
        "",
        f"{s.files_scanned} files scanned, {s.files_skipped} skipped, {s.files_failed} failed;"
        f" {len(audit.entry_points)} entry points; {len(data.active)} findings.",
        "",
        *(line for note in audit.notes for line in (f"Note: {escape_md(note)}", "")),
    ]
    if data.apps:
        header = ["App", "Entry points", "Failing checks", *(sev.value for sev in SEVERITIES)]
        rows = [
            [escape_md(a.app), str(a.entry_points), str(a.failing_checks), *map(str, a.findings)]
            for a in data.apps
        ]
        out += [*_table(header, rows, "l" + "r" * (len(header) - 1)), ""]
    if audit.scorecards:
        cards = sorted(audit.scorecards, key=lambda c: c.feature)
        rows = [[escape_md(c.feature), c.grade, str(c.score)] for c in cards]
        out += [*_table(["Feature", "Grade", "Score"], rows, "llr"), ""]
    return out


def _matrix(data: ReportData) -> list[str]:
    out = ["## Auth coverage", ""]
    if not data.rows:
        return [*out, "No entry points found.", ""]
    header = [
        "Entry point",
        "Kind",
        "Method",
        "Route",
        "App",
        *(CHECK_LABELS[c] for c in CHECK_NAMES),
    ]
    rows = []
    for row in data.rows:
        where = f"{escape_md(row.file)}:{row.line} {escape_md(row.name)}"
        if row.public:
            where += " (public)"
        route = escape_md(row.route) if row.route else ""
        rows.append(
            [
                where,
                KIND_LABELS.get(row.kind, escape_md(row.kind)),
                escape_md(row.method),
                route,
                escape_md(row.app),
                *(STATUS_ICONS.get(s, escape_md(s)) for s in row.statuses),
            ]
        )
    return [*out, *_table(header, rows), ""]


def _evidence(items: list[str]) -> str:
    return "<br>".join(items)


def _scorecard(card: Scorecard, titles: Mapping[str, str]) -> list[str]:
    out = [f"### {escape_md(card.feature)}: grade {card.grade} ({card.score}/100)", ""]
    if card.models:
        out += ["Models: " + ", ".join(escape_md(m) for m in card.models), ""]
    rows = []
    for item in card.items:
        evidence = _evidence(
            [f"{escape_md(e.file)}:{e.line} {escape_md(e.detail)}" for e in item.evidence]
        )
        found = ", ".join(escape_md(titles.get(fp, fp)) for fp in item.findings)
        rows.append(
            [escape_md(item.title), STATUS_ICONS.get(item.status.value, ""), evidence, found]
        )
    if rows:
        out += [*_table(["Item", "Status", "Evidence", "Findings"], rows), ""]
    return out


def _finding(f: Finding) -> list[str]:
    out = [f"#### {escape_md(f.rule)} {escape_md(f.title)}", ""]
    facts = [f"- **Location:** {escape_md(f.file)}:{f.line}"]
    if f.end_line and f.end_line != f.line:
        facts[0] += f"-{f.end_line}"
    if f.entry_point:
        facts.append(f"- **Entry point:** {escape_md(f.entry_point)}")
    if f.model:
        facts.append(f"- **Model:** {escape_md(f.model)}")
    if f.cwe:
        facts.append("- **CWE:** " + ", ".join(escape_md(c) for c in f.cwe))
    facts.append(f"- **Confidence:** {escape_md(f.confidence)}")
    if f.suppressed is not None:
        facts.append(f"- **Suppressed:** {escape_md(f.suppressed)}")
    out += [*facts, "", escape_md(f.message), ""]
    if f.snippet:
        out += [fence(f.snippet, lang_for(f.file)), ""]
    return out


def _example(label: str, example: RuleExample) -> list[str]:
    return [f"**{label}** ({escape_md(example.path)}):", "", fence(example.code, example.lang), ""]


def _rule_doc(meta: RuleMeta) -> list[str]:
    out = [f"### {escape_md(meta.id)} {escape_md(meta.name)}: {escape_md(meta.title)}", ""]
    out += [escape_md(meta.doc.why), ""]
    out += _example("Example", meta.doc.bad) + _example("Use instead", meta.doc.good)
    if meta.doc.references:
        out += ["References:", "", *(f"- {escape_md(ref)}" for ref in meta.doc.references), ""]
    return out


def render_markdown(audit: Audit, *, rules: Mapping[str, RuleMeta] | None = None) -> str:
    """The whole report as GitHub-flavoured Markdown."""
    data = build_report_data(audit, rules)
    repo = audit.repo
    head = f"Repository {escape_md(repo.root)}"
    if repo.commit:
        head += f" at commit {escape_md(repo.commit)}"
    out = [
        "# archtools audit report",
        "",
        f"{head}, archtools {escape_md(audit.tool.version)}.",
        "",
    ]
    out += _summary(data)
    out += _matrix(data)
    if audit.scorecards:
        titles = {f.fingerprint: f"{f.rule} {f.file}:{f.line}" for f in audit.findings}
        out += ["## Scorecards", ""]
        for card in sorted(audit.scorecards, key=lambda c: c.feature):
            out += _scorecard(card, titles)
    out += ["## Findings", ""]
    groups = data.by_severity()
    if not groups:
        out += ["No findings.", ""]
    for sev, found in groups:
        out += [f"### {sev.value.capitalize()} ({len(found)})", ""]
        for f in found:
            out += _finding(f)
    if data.suppressed:
        out += [f"## Suppressed findings ({len(data.suppressed)})", ""]
        for f in data.suppressed:
            out += _finding(f)
    documented = [data.rules[r] for r in data.rule_ids if r in data.rules]
    if documented:
        out += ["## Rules", ""]
        for meta in documented:
            out += _rule_doc(meta)
    if audit.errors:
        out += [f"## Errors ({len(audit.errors)})", ""]
        errors = sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message))
        rows = [
            [escape_md(e.file), str(e.line) if e.line is not None else "", escape_md(e.message)]
            for e in errors
        ]
        out += [*_table(["File", "Line", "Message"], rows, "lrl"), ""]
    if audit.skipped:
        out += [f"## Skipped files ({len(audit.skipped)})", ""]
        skipped = sorted(audit.skipped, key=lambda k: (k.file, k.reason))
        out += _table(
            ["File", "Reason"], [[escape_md(k.file), escape_md(k.reason)] for k in skipped]
        )
        out += [""]
    return "\n".join(out).rstrip("\n") + "\n"


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_markdown(audit, rules=inputs.rules)
