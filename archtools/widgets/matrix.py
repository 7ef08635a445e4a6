"""The coverage-matrix widget: filter entry points, pick one, read its evidence in the source."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.results import Audit, EntryPoint
from archtools.views.notebook import EntryPointView, MatrixView
from archtools.views.notebook_pages import PAGE_SIZE
from archtools.widgets.controls import QuietPicks, bound_dropdown, html_pane, set_options
from archtools.widgets.model import (
    ANY,
    SourceFiles,
    entry_label,
    filter_entries,
    matrix_options,
)

FILTERS = ("feature", "kind", "check", "status", "model")


class CoverageMatrix(QuietPicks, widgets.VBox):  # type: ignore[misc]
    """The auth-coverage matrix with filters by feature, kind, check status and model.

    Selecting an entry point (`selected`, an entry point id) shows each check's evidence with the
    highlighted source lines, read from the repository at `root`."""

    audit = traitlets.Instance(Audit, allow_none=True)
    feature = traitlets.Unicode(ANY)
    kind = traitlets.Unicode(ANY)
    check = traitlets.Unicode(ANY)
    status = traitlets.Unicode(ANY)
    model = traitlets.Unicode(ANY)
    selected = traitlets.Unicode(ANY)
    visible = traitlets.Tuple()  # the ids of the rows shown, in matrix order
    page = traitlets.Int(1)  # of the table, PAGE_SIZE rows a page; a filter goes back to 1

    def __init__(self, audit: Audit | None = None, root: str | Path | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._quiet = False
        self.add_class("archtools-coverage")
        self.source = SourceFiles(Path(root) if root is not None else None)
        self._filters = {
            name: bound_dropdown(self, name, name, f"archtools-filter-{name}") for name in FILTERS
        }
        self._count = widgets.Label()
        self._table = html_pane("archtools-matrix-table")
        self._pager = widgets.BoundedIntText(
            value=1, min=1, max=1, description="page", layout=widgets.Layout(width="160px")
        )
        self._pager.add_class("archtools-matrix-page")
        traitlets.link((self._pager, "value"), (self, "page"))
        self._picker = widgets.Select(options=[], rows=8, layout=widgets.Layout(width="100%"))
        self._picker.add_class("archtools-entry-picker")
        self._picker.observe(self._on_pick, names="value")
        self._detail = html_pane("archtools-entry-detail")
        self.children = [
            widgets.HBox(list(self._filters.values()), layout=widgets.Layout(flex_flow="row wrap")),
            widgets.HBox([self._count, self._pager]),
            self._table,
            widgets.Label("Pick an entry point to see its evidence:"),
            self._picker,
            self._detail,
        ]
        self.audit = audit
        if audit is None:  # no change event: render the empty state
            self._on_audit({})

    @property
    def rows(self) -> list[EntryPoint]:
        """The entry points shown, in matrix order."""
        if self.audit is None:
            return []
        return filter_entries(self.audit, **{name: getattr(self, name) for name in FILTERS})

    def entry(self, entry_id: str) -> EntryPoint | None:
        if self.audit is None:
            return None
        return next((e for e in self.audit.entry_points if e.id == entry_id), None)

    @traitlets.observe("audit")
    def _on_audit(self, _change: dict[str, Any]) -> None:
        options = matrix_options(self.audit) if self.audit is not None else {}
        for name, dropdown in self._filters.items():
            set_options(self, name, dropdown, options.get(name, [("", ANY)]))
        self._refresh()

    @traitlets.observe(*FILTERS)
    def _on_filter(self, _change: dict[str, Any]) -> None:
        self.page = 1
        self._refresh()

    @traitlets.observe("page")
    def _on_page(self, _change: dict[str, Any]) -> None:
        self._show_table()

    def _refresh(self) -> None:
        if not hasattr(self, "_picker"):
            return
        rows = self.rows
        self.visible = tuple(e.id for e in rows)
        total = len(self.audit.entry_points) if self.audit is not None else 0
        self._count.value = f"{len(rows)} of {total} entry points"
        pages = max(1, math.ceil(len(rows) / PAGE_SIZE))
        self._pager.max = pages
        self.page = min(self.page, pages)
        self._show_table()
        with self._quietly():
            self._picker.options = [(entry_label(e), e.id) for e in rows]
        if self.selected not in self.visible:
            self.selected = ANY
        self._show_selected()

    def _show_table(self) -> None:
        if not hasattr(self, "_picker"):
            return
        if self.audit is None:
            self._table.value = ""
            return
        page = min(max(1, self.page), self._pager.max)
        view = MatrixView(self.audit, self.visible, page=page, next_call="")
        self._table.value = view._repr_html_()

    @traitlets.observe("selected")
    def _on_selected(self, _change: dict[str, Any]) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        if not hasattr(self, "_picker"):
            return
        entry = self.entry(self.selected) if self.selected in self.visible else None
        with self._quietly():
            self._picker.value = entry.id if entry is not None else None
        self._detail.value = EntryPointView(entry, self.source)._repr_html_() if entry else ""
