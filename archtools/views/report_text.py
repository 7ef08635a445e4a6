"""The terminal report: counts, the auth-coverage matrix as an aligned table, the top findings."""

from __future__ import annotations

from archtools.results import CHECK_NAMES, Audit, Finding
from archtools.views.render import RenderInputs
from archtools.views.report_data import (
    CHECK_LABELS,
    KIND_LABELS,
    SEVERITIES,
    ReportData,
    build_report_data,
)
from archtools.views.report_data import reveal as clean

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
    ]
    if len(data.apps) > 1:
        for app in data.apps:
            lines.append(
                f"  app {clean(app.app)}: {app.entry_points} entry points,"
                f" {app.failing_checks} failing checks, {app.total_findings} findings"
            )
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


def _finding_line(f: Finding, p: _Painter) -> list[str]:
    tag = p.paint(f"[{f.severity.value.upper()}]", _SEVERITY_COLORS[f.severity.value])
    lines = [f"{tag} {clean(f.rule)} {clean(f.file)}:{f.line}  {clean(f.title)}"]
    lines.append(f"    {clean(f.message)}")
    return lines


def render_text(audit: Audit, *, color: bool = False, top: int = 10) -> str:
    """The compact terminal report. `color` adds ANSI colours (callers pass `stream.isatty()`)."""
    data = build_report_data(audit)
    p = _Painter(color)
    out = _summary(data, p)
    out += ["", p.bold("Auth coverage"), *_matrix(data, p)]
    if audit.scorecards:
        out += ["", p.bold("Scorecards")]
        for card in sorted(audit.scorecards, key=lambda c: c.feature):
            out.append(f"  {card.grade}  {card.score:>3}  {clean(card.feature)}")
    shown = data.active[:top]
    out += ["", p.bold(f"Top findings ({len(shown)} of {len(data.active)})")]
    for f in shown:
        out += _finding_line(f, p)
    if not shown:
        out.append("  none")
    if audit.errors:
        out += ["", p.bold(f"Errors ({len(audit.errors)})")]
        for err in sorted(audit.errors, key=lambda e: (e.file, e.line or 0, e.message)):
            where = clean(err.file) + (f":{err.line}" if err.line is not None else "")
            out.append(f"  {where}: {clean(err.message)}")
    if audit.skipped:
        out += ["", f"Skipped files: {len(audit.skipped)} (see the HTML or Markdown report)"]
    return "\n".join(out) + "\n"


def render(audit: Audit, inputs: RenderInputs) -> str:
    return render_text(audit, color=inputs.color)
