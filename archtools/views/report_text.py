"""The terminal report: a summary that fits a screen whatever the size of the repository (counts,
grades, the findings to read first), and the auth-coverage matrix as an aligned table when it is
small or asked for."""

from __future__ import annotations

from archtools.results import CHECK_NAMES, Audit, Finding
from archtools.views.render import RenderInputs
from archtools.views.report_data import (
    CHECK_LABELS,
    CHECK_STATUSES,
    KIND_LABELS,
    SEVERITIES,
    ReportData,
    build_report_data,
)
from archtools.views.report_data import reveal as clean
from archtools.views.summary import (
    GRADES,
    check_counts,
    grade_counts,
    rule_counts,
    top_findings,
    worst_scorecards,
)

_RESET = "\x1b[0m"
_SEVERITY_COLORS = {
    "critical": "\x1b[1;31m",
    "high": "\x1b[31m",
    "medium": "\x1b[33m",
    "low": "\x1b[36m",
    "info": "\x1b[2m",
}
_STATUS_COLORS = {"pass": "\x1b[32m", "fail": "\x1b[1;31m", "n/a": "\x1b[2m", "unknown": "\x1b[33m"}
_BOLD = "\x1b[1m"

_MAX_CELL = 48

# The matrix is printed without --matrix up to this many entry points (a screen and a half); a
# larger one is summarized as counts per check. The other lists are capped so that the summary of
# any repository stays under 60 lines.
MATRIX_AUTO_LIMIT = 40
TOP_FINDINGS = 8
SCORECARDS_LISTED = 10  # every scorecard up to this many features, else the worst ones
WORST_SCORECARDS = 5
RULES_LISTED = 5
APPS_LISTED = 5
ERRORS_LISTED = 3


def _cut(text: str, width: int = _MAX_CELL) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


class _Painter:
    def __init__(self, color: bool) -> None:
        self.color = color

    def paint(self, text: str, code: str | None) -> str:
        return f"{code}{text}{_RESET}" if self.color and code else text

    def bold(self, text: str) -> str:
        return self.paint(text, _BOLD)


def _table(
    header: list[str], rows: list[list[str]], colors: list[list[str | None]], p: _Painter
) -> list[str]:
    widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row, row_colors in zip(rows, colors, strict=True):
        cells = [
            p.paint(cell, code) + " " * (w - len(cell))
            for cell, w, code in zip(row, widths, row_colors, strict=True)
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _summary(data: ReportData, p: _Painter) -> list[str]:
    audit = data.audit
    s = audit.stats
    where = clean(audit.repo.root) + (f" @ {clean(audit.repo.commit)}" if audit.repo.commit else "")
    counts = " · ".join(
        p.paint(f"{sev.value} {n}", _SEVERITY_COLORS[sev.value] if n else None)
        for sev, n in zip(SEVERITIES, data.severity_counts, strict=True)
    )
    lines = [
        p.bold(f"archtools {clean(audit.tool.version)} — {where}"),
        f"Files: {s.files_scanned} scanned, {s.files_skipped} skipped, {s.files_failed} failed"
        f" · {len(audit.entry_points)} entry points · {len(data.active)} findings"
        f" ({len(data.suppressed)} suppressed) · {s.seconds:.2f} s",
        f"Findings: {counts}",
        *(f"Note: {clean(note)}" for note in audit.notes),
    ]
    if len(data.apps) > 1:
        apps = list(data.apps)
        if len(apps) > APPS_LISTED:  # the apps with the most to fix first
            apps.sort(key=lambda a: (-a.failing_checks, -a.total_findings, a.app))
        for app in apps[:APPS_LISTED]:
            lines.append(
                f"  app {clean(app.app)}: {app.entry_points} entry points,"
                f" {app.failing_checks} failing checks, {app.total_findings} findings"
            )
        if len(data.apps) > APPS_LISTED:
            lines.append(f"  and {len(data.apps) - APPS_LISTED} more apps")
    return lines


def _matrix(data: ReportData, p: _Painter) -> list[str]:
    if not data.rows:
        return ["No entry points found."]
    multi_app = len({row.app for row in data.rows}) > 1
    header = (["APP"] if multi_app else []) + ["KIND", "METHOD", "ROUTE / FILE"]
    header += [CHECK_LABELS[c].upper() for c in CHECK_NAMES]
    rows: list[list[str]] = []
    colors: list[list[str | None]] = []
    for row in data.rows:
        if row.kind == "server_action" or not row.route:
            where = f"{row.name} @ {row.route or row.file}"
        else:
            where = row.route
        cells = ([_cut(clean(row.app), 24)] if multi_app else []) + [
            KIND_LABELS.get(row.kind, row.kind),
            _cut(clean(row.method), 12),
            _cut(clean(where)) + (" (public)" if row.public else ""),
        ]
        rows.append(cells + list(row.statuses))
        row_colors: list[str | None] = [None] * len(cells)
        colors.append(row_colors + [_STATUS_COLORS.get(s) for s in row.statuses])
    return _table(header, rows, colors, p)


def _check_counts(data: ReportData, p: _Painter) -> list[str]:
    """The matrix as counts: for each check, how many entry points pass, fail, ..."""
    header = ["CHECK", *(status.upper() for status in CHECK_STATUSES)]
    rows: list[list[str]] = []
    colors: list[list[str | None]] = []
    for check, counts in check_counts(data.rows):
        rows.append([CHECK_LABELS[check], *(str(n) for n in counts)])
        statuses = zip(CHECK_STATUSES, counts, strict=True)
        colors.append([None, *(_STATUS_COLORS.get(s) if n else None for s, n in statuses)])
    return _table(header, rows, colors, p)


def _coverage(data: ReportData, p: _Painter, matrix: bool | None) -> list[str]:
    if matrix or (matrix is None and len(data.rows) <= MATRIX_AUTO_LIMIT):
        return [p.bold("Auth coverage"), *_matrix(data, p)]
    title = f"Auth coverage of {len(data.rows)} entry points (--matrix lists them)"
    return [p.bold(title), *_check_counts(data, p)]


def _scorecards(data: ReportData, p: _Painter) -> list[str]:
    cards = data.audit.scorecards
    if len(cards) <= SCORECARDS_LISTED:
        shown = sorted(cards, key=lambda c: c.feature)
        out = [p.bold("Scorecards")]
    else:
        shown = worst_scorecards(cards, WORST_SCORECARDS)
        grades = " · ".join(
            f"{grade} {n}" for grade, n in zip(GRADES, grade_counts(cards), strict=True)
        )
        out = [p.bold(f"Scorecards of {len(cards)} features: {grades}; the worst:")]
    out += [f"  {card.grade}  {card.score:>3}  {clean(card.feature)}" for card in shown]
    return out


def _rule_counts(data: ReportData, p: _Painter) -> list[str]:
    counts = rule_counts(data.active)
    out = [p.bold(f"Findings by rule ({len(counts)} rules)")]
    for count in counts[:RULES_LISTED]:
        label = f"[{count.severity.value.upper()}]"
        tag = p.paint(label, _SEVERITY_COLORS[count.severity.value]) + " " * (10 - len(label))
        rule = _cut(clean(count.rule), 10).ljust(10)
        out.append(f"  {tag} {rule} {count.count:>5}  {_cut(clean(count.title), 100)}")
    if len(counts) > RULES_LISTED:
        out.append(f"  and {len(counts) - RULES_LISTED} more rules")
    return out


def _finding_line(f: Finding, p: _Painter) -> list[str]:
    tag = p.paint(f"[{f.severity.value.upper()}]", _SEVERITY_COLORS[f.severity.value])
    lines = [f"{tag} {clean(f.rule)} {clean(f.file)}:{f.line}  {clean(f.title)}"]
    lines.append(f"    {_cut(clean(f.message), 200)} (confidence {clean(f.confidence)})")
    return lines


def _errors(audit: Audit, p: _Painter) -> list[str]:
    out = [p.bold(f"Errors ({len(audit.errors)})")]
    errors = sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message))
    for err in errors[:ERRORS_LISTED]:
        where = clean(err.file) + (f":{err.line}" if err.line is not None else "")
        out.append(f"  {_cut(where, 80)}: {_cut(clean(err.message), 120)}")
    if len(errors) > ERRORS_LISTED:
        out.append(f"  and {len(errors) - ERRORS_LISTED} more (--format html or md lists them)")
    return out


def render_text(
    audit: Audit, *, color: bool = False, top: int = TOP_FINDINGS, matrix: bool | None = None
) -> str:
    """The terminal report. `color` adds ANSI colours (callers pass `stream.isatty()`); `matrix`
    True prints the whole matrix, False never, None when it has at most MATRIX_AUTO_LIMIT rows."""
    data = build_report_data(audit)
    p = _Painter(color)
    out = _summary(data, p)
    out += ["", *_coverage(data, p, matrix)]
    if audit.scorecards:
        out += ["", *_scorecards(data, p)]
    shown = top_findings(data.active, top)
    if len(data.active) > len(shown):
        out += ["", *_rule_counts(data, p)]
    title = f"Top findings ({len(shown)} of {len(data.active)}"
    title += "; --format html lists them all)" if len(data.active) > len(shown) else ")"
    out += ["", p.bold(title)]
    for f in shown:
        out += _finding_line(f, p)
    if not shown:
        out.append("  none")
    if audit.errors:
        out += ["", *_errors(audit, p)]
    if audit.skipped:
        out += ["", f"Skipped files: {len(audit.skipped)} (see the HTML or Markdown report)"]
    return "\n".join(out) + "\n"


def render_matrix_text(audit: Audit, *, color: bool = False) -> str:
    """The whole auth-coverage matrix, in the audit report's table style."""
    return "\n".join(_matrix(build_report_data(audit), _Painter(color))) + "\n"


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_text(audit, color=inputs.color, matrix=inputs.matrix)
