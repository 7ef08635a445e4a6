"""Paging and filters for the notebook views, so that one cell's output stays small on a large audit."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from archtools.results import Finding, Severity
from archtools.views.notebook_html import esc

T = TypeVar("T")

# Rows of a table shown at once: about 20 KB of HTML for findings or matrix rows.
PAGE_SIZE = 50
CONFIDENCE_ORDER = {"high": 0, "medium": 1, "low": 2}
SEVERITIES = tuple(s.value for s in sorted(Severity, key=lambda s: -s.rank))


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a sorted list: its items, its 1-based number and where it sits in the whole."""

    items: list[T]
    number: int
    pages: int
    total: int
    size: int

    @property
    def first(self) -> int:
        """1-based position of the first item shown (0 when there is none)."""
        return (self.number - 1) * self.size + 1 if self.items else 0

    @property
    def last(self) -> int:
        return self.first + len(self.items) - 1 if self.items else 0

    @property
    def complete(self) -> bool:
        """Everything fits on this one page."""
        return self.pages == 1


def paginate(items: Sequence[T], page: int = 1, size: int = PAGE_SIZE) -> Page[T]:
    """Page `page` (1-based) of `items`, `size` at a time; a page past the end is a ValueError."""
    if size < 1:
        raise ValueError(f"page_size must be at least 1, not {size}")
    pages = max(1, math.ceil(len(items) / size))
    if not 1 <= page <= pages:
        raise ValueError(f"page {page} does not exist: there are {pages} (1 to {pages})")
    start = (page - 1) * size
    return Page(list(items[start : start + size]), page, pages, len(items), size)


def select_findings(
    findings: Sequence[Finding],
    *,
    severity: str | None = None,
    rule: str | None = None,
    file: str | None = None,
) -> list[Finding]:
    """Findings at `severity` or above, of a rule id or prefix (`"AZ"`), under a path prefix;
    most severe first, the most confident first within a severity, then by rule, file and line (so
    a first page shows the findings most worth reading, not the first files)."""
    if severity is not None and severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r}: use one of {', '.join(SEVERITIES)}")
    floor = Severity(severity).rank if severity is not None else -1
    chosen = [
        f
        for f in findings
        if f.severity.rank >= floor
        and (rule is None or f.rule.startswith(rule))
        and (file is None or f.file.startswith(file))
    ]
    return sorted(
        chosen,
        key=lambda f: (
            -f.severity.rank,
            CONFIDENCE_ORDER.get(f.confidence, 3),
            f.rule,
            f.file,
            f.line,
        ),
    )


def custom_size(page_size: int) -> int | None:
    """The page size when it is not the default: the next page's call must repeat it."""
    return None if page_size == PAGE_SIZE else page_size


def filters_text(**filters: object) -> str:
    """`severity="high", rule="AZ"` for the filters that are set, in the order given."""
    return ", ".join(f"{name}={value!r}" for name, value in filters.items() if value is not None)


def pager_html(page: Page[T], noun: str, call: str, filters: str = "") -> str:
    """Where a page sits (`findings 51-100 of 1387, page 2 of 28`) and the call that shows the
    next one: `call` is the view's call with `{args}` (the filters and the page) to fill in, or
    empty where the page is chosen otherwise (a widget's pager)."""
    where = f"{noun} {page.first}-{page.last} of {page.total}" if page.total else f"no {noun}"
    if filters:
        where += f" ({esc(filters)})"
    if page.complete or not call:
        pages = "" if page.complete else f", page {page.number} of {page.pages}"
        return f'<p class="muted pager">{where}{pages}</p>'
    args = ", ".join(a for a in (filters, f"page={page.number % page.pages + 1}") if a)
    return (
        f'<p class="muted pager">{where}, page {page.number} of {page.pages}. '
        f"Next: <code>{esc(call.format(args=args))}</code></p>"
    )
