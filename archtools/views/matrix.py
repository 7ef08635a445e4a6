"""The auth-coverage matrix as a pandas table, and that table as escaped, colour-coded HTML."""

from __future__ import annotations

from html import escape

import pandas as pd

from archtools.results import CHECK_NAMES, Audit
from archtools.views.report_data import STATUS_CLASSES, coverage_rows

COLUMNS: tuple[str, ...] = (
    "id",
    "kind",
    "app",
    "route",
    "method",
    "name",
    "file",
    "line",
    "feature",
    "public",
    "models",
    *CHECK_NAMES,
    "caller",  # session | api_key | signature | internal, for an authentication pass
)


# Scoped to the table's own class so it styles nothing else on a notebook page.
_TABLE_CSS = (
    "table.archtools-matrix{border-collapse:collapse;font-size:0.9em}"
    "table.archtools-matrix th,table.archtools-matrix td"
    "{border:1px solid #d0d7de;padding:2px 6px;text-align:left}"
    "table.archtools-matrix td.status-pass{background:#dafbe1;color:#116329}"
    "table.archtools-matrix td.status-fail{background:#ffebe9;color:#a40e26}"
    "table.archtools-matrix td.status-na{background:#f6f8fa;color:#57606a}"
    "table.archtools-matrix td.status-unknown{background:#fff8c5;color:#7d4e00}"
)


def coverage_table(audit: Audit) -> pd.DataFrame:
    """One row per entry point (sorted by app, file, line, id) and one status column per check."""
    records = [
        {
            "id": row.id,
            "kind": row.kind,
            "app": row.app,
            "route": row.route,
            "method": row.method,
            "name": row.name,
            "file": row.file,
            "line": row.line,
            "feature": row.feature,
            "public": row.public,
            "models": ", ".join(row.models),
            **dict(zip(CHECK_NAMES, row.statuses, strict=True)),
            "caller": row.caller,
        }
        for row in coverage_rows(audit)
    ]
    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    return frame.astype({"line": "int64", "public": "bool"})


def _cell(column: str, value: object) -> str:
    text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
    if column in CHECK_NAMES:
        css = STATUS_CLASSES.get(text, "unknown")
        return f'<td class="status status-{css}">{escape(text)}</td>'
    return f"<td>{escape(text)}</td>"


def styled_coverage_html(df: pd.DataFrame) -> str:
    """The table as HTML: every cell escaped, check cells classed `status-pass|fail|na|unknown`."""
    head = "".join(f"<th>{escape(str(column))}</th>" for column in df.columns)
    body = []
    for values in df.itertuples(index=False, name=None):
        cells = "".join(_cell(str(col), val) for col, val in zip(df.columns, values, strict=True))
        body.append(f"<tr>{cells}</tr>")
    return (
        f"<style>{_TABLE_CSS}</style>"
        '<table class="archtools-matrix">'
        f"<thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(body)}</tbody>"
        "</table>"
    )
