"""The report's auth-coverage matrix as cells: route and file shortened for a fixed-width column
with the full text kept for hovering, and each check's evidence and the findings behind it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from archtools.checklist.scorecard import CHECK_ITEMS
from archtools.results import CHECK_NAMES, Audit, Evidence, Finding
from archtools.views.report_data import (
    KIND_LABELS,
    STATUS_CLASSES,
    CoverageRow,
    ReportData,
    reveal,
)

ROUTE_LIMIT = 28  # characters the route column shows before shortening
FILE_LIMIT = 28
ELLIPSIS = "\u2026"


@dataclass(frozen=True)
class MatrixCell:
    """One check of one entry point: its status, the evidence behind it (one line per item:
    `file:line why`) and the anchors of the findings that concern it, most severe first."""

    check: str
    status: str
    css: str
    evidence: tuple[str, ...]
    findings: tuple[str, ...]


@dataclass(frozen=True)
class MatrixRow:
    row: CoverageRow
    label: str  # the route, or the handler's name where there is no route
    label_short: str
    file_short: str
    app_short: str  # the app folder's last segment
    kind_label: str
    cells: tuple[MatrixCell, ...]  # in CHECK_NAMES order


def _tail(parts: list[str], room: int) -> list[str]:
    """The most trailing segments that fit in `room` characters joined by slashes."""
    tail: list[str] = []
    for part in reversed(parts):
        if len("/".join([part, *tail])) > room:
            break
        tail.insert(0, part)
    return tail


def shorten_path(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: as many trailing segments as fit after an ellipsis,
    led by the first segment when that costs no trailing segment (`apps/…/[id]/route.ts`), else
    the tail of the last segment."""
    if len(text) <= limit:
        return text
    parts = text.split("/")
    head = parts[0] + "/" if parts[0] else "/"
    rest = parts[1:]
    with_head = _tail(rest, limit - len(head) - len(ELLIPSIS) - 1)
    without_head = _tail(rest, limit - len(ELLIPSIS) - 1)
    if with_head and len(with_head) >= len(without_head):
        return f"{head}{ELLIPSIS}/{'/'.join(with_head)}"
    if without_head:
        return f"{ELLIPSIS}/{'/'.join(without_head)}"
    return ELLIPSIS + text[-(limit - 1) :]


def evidence_line(evidence: Evidence, row_file: str) -> str:
    """`line 12: why` for evidence in the entry point's own file, `file:12: why` elsewhere."""
    place = (
        f"line {evidence.line}" if evidence.file == row_file else f"{evidence.file}:{evidence.line}"
    )
    return reveal(f"{place}: {evidence.detail}")


def cell_findings(findings: Iterable[Finding], anchors: Mapping[str, str]) -> dict[str, list[str]]:
    """`entry point id|check` -> the anchors of the findings against that check of that entry
    point, in the order given (the report's: most severe first)."""
    behind: dict[str, list[str]] = defaultdict(list)
    for finding in findings:
        check = CHECK_ITEMS.get(finding.checklist or "")
        anchor = anchors.get(finding.fingerprint)
        if check is None or anchor is None:
            continue
        reached = dict.fromkeys([finding.entry_point, *finding.entry_points])
        for entry_point in reached:
            if entry_point is not None:
                behind[f"{entry_point}|{check}"].append(anchor)
    return behind


def matrix_rows(audit: Audit, data: ReportData) -> list[MatrixRow]:
    """The matrix rows in the report's order, ready for the template."""
    entry_points = {ep.id: ep for ep in audit.entry_points}
    behind = cell_findings([*data.active, *data.suppressed], data.finding_anchors)
    rows = []
    for row in data.rows:
        checks = entry_points[row.id].checks
        cells = tuple(
            MatrixCell(
                check=name,
                status=status,
                css=STATUS_CLASSES.get(status, "unknown"),
                evidence=tuple(
                    dict.fromkeys(evidence_line(e, row.file) for e in checks.get(name).evidence)
                ),
                findings=tuple(behind.get(f"{row.id}|{name}", ())),
            )
            for name, status in zip(CHECK_NAMES, row.statuses, strict=True)
        )
        label = row.route or row.name
        rows.append(
            MatrixRow(
                row=row,
                label=label,
                label_short=shorten_path(label, ROUTE_LIMIT),
                file_short=shorten_path(row.file, FILE_LIMIT),
                app_short=row.app.rstrip("/").rsplit("/", 1)[-1] or row.app,
                kind_label=KIND_LABELS.get(row.kind, row.kind),
                cells=cells,
            )
        )
    return rows
