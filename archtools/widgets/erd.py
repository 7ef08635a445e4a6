"""The ERD explorer: find a model and focus on it and its neighbours, filter a domain, hide scalar
fields, zoom (the drawing pans by scrolling)."""

from __future__ import annotations

import re
from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.errors import ArchtoolsError
from archtools.facts.schema import Schema
from archtools.views.erd import draw_erd
from archtools.views.erd_model import assign_clusters
from archtools.views.notebook_schema import ErdView
from archtools.views.svg_clean import sanitize_svg
from archtools.widgets.controls import bound_dropdown, html_pane, set_options
from archtools.widgets.model import ANY, choices


def erd_options(schema: Schema) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The focus (model) and group (domain cluster) options of a schema."""
    models = choices((m.name for m in schema.models), "all models")
    groups = choices(assign_clusters(schema, True).values(), "all groups")
    return models, groups


_ROOT_SIZE = re.compile(r'\A(<svg\b[^>]*?) height="([\d.]+)pt"([^>]*?) width="([\d.]+)pt"')


def sized_svg(svg: str, zoom: int) -> str:
    """A sanitized graphviz SVG drawn at `zoom` percent of its size, or to the pane's width at 0."""
    match = _ROOT_SIZE.match(svg)
    if match is None:
        return svg
    head, height, middle, width = match.groups()
    if zoom <= 0:
        size = f' height="100%"{middle} width="100%"'
    else:
        size = (
            f' height="{float(height) * zoom / 100:.0f}pt"{middle}'
            f' width="{float(width) * zoom / 100:.0f}pt"'
        )
    return head + size + svg[match.end() :]


def find_model(schema: Schema, text: str) -> str | None:
    """The model a search names: exactly, whatever the case, else the first containing it."""
    query = text.strip().lower()
    if not query:
        return None
    names = sorted(m.name for m in schema.models)
    exact = [n for n in names if n.lower() == query]
    partial = [n for n in names if query in n.lower()]
    found = exact or partial
    return found[0] if found else None


class ErdExplorer(widgets.VBox):  # type: ignore[misc]
    """The schema's ERD, redrawn when `focus`, `depth`, `group` or `hide_scalars` change; `search`
    finds a model and focuses on it; `zoom` sizes the drawing (percent, 0 fits the pane's width),
    which pans by scrolling. `svg` holds the drawing (sanitized), `notes` what the layout had to
    do, `error` what went wrong when nothing could be drawn."""

    schema = traitlets.Instance(Schema, allow_none=True)
    focus = traitlets.Unicode(ANY)
    depth = traitlets.Int(1)
    group = traitlets.Unicode(ANY)
    hide_scalars = traitlets.Bool(False)
    search = traitlets.Unicode("")
    zoom = traitlets.Int(100)
    svg = traitlets.Unicode("")
    notes = traitlets.Unicode("")
    error = traitlets.Unicode("")

    def __init__(self, schema: Schema | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("archtools-erd")
        self._focus = bound_dropdown(self, "focus", "model", "archtools-erd-focus")
        self._group = bound_dropdown(self, "group", "group", "archtools-erd-group")
        self._depth = widgets.IntSlider(min=1, max=4, description="depth", continuous_update=False)
        traitlets.link((self._depth, "value"), (self, "depth"))
        self._scalars = widgets.Checkbox(description="hide scalar fields", indent=False)
        traitlets.link((self._scalars, "value"), (self, "hide_scalars"))
        self._search = widgets.Combobox(
            placeholder="find a model",
            ensure_option=False,
            description="find",
            continuous_update=False,
        )
        self._search.add_class("archtools-erd-search")
        traitlets.link((self._search, "value"), (self, "search"))
        self._zoom = widgets.IntSlider(
            value=100, min=0, max=400, step=10, description="zoom %", continuous_update=False
        )
        self._zoom.add_class("archtools-erd-zoom")
        traitlets.link((self._zoom, "value"), (self, "zoom"))
        self._drawing = html_pane("archtools-erd-drawing")
        self.children = [
            widgets.HBox([self._search, self._focus, self._depth, self._group]),
            widgets.HBox([self._scalars, self._zoom]),
            self._drawing,
        ]
        self.schema = schema
        if schema is None:  # no change event: render the empty state
            self._on_schema({})

    @traitlets.observe("schema")
    def _on_schema(self, _change: dict[str, Any]) -> None:
        models, groups = erd_options(self.schema) if self.schema is not None else ([], [])
        set_options(self, "focus", self._focus, models or [("no models", ANY)])
        set_options(self, "group", self._group, groups or [("all groups", ANY)])
        self._search.options = [value for _, value in models if value]
        self._draw()

    @traitlets.observe("search")
    def _on_search(self, _change: dict[str, Any]) -> None:
        found = find_model(self.schema, self.search) if self.schema is not None else None
        if found is not None and found != self.focus:
            self.group = ANY
            self.focus = found
        elif found is None and self.search.strip():
            self.error = f"no model named {self.search.strip()}"
            self._show()

    @traitlets.observe("zoom")
    def _on_zoom(self, _change: dict[str, Any]) -> None:
        self._show()

    @traitlets.observe("focus", "depth", "group", "hide_scalars")
    def _on_option(self, _change: dict[str, Any]) -> None:
        self._draw()

    def _draw(self) -> None:
        if not hasattr(self, "_drawing"):
            return
        self._depth.disabled = not self.focus
        svg, error, notes = "", "", ""
        if self.schema is None or not self.schema.models:
            error = "This repository has no schema to draw."
        else:
            view = ErdView(
                self.schema,
                focus=self.focus or None,
                depth=self.depth,
                hide_scalars=self.hide_scalars,
                groups={self.group} if self.group else None,
            )
            try:
                if view.too_large():  # a part to pick instead of an unreadable drawing
                    self.svg, self.error, self.notes = "", view.text(), ""
                    self._drawing.value = view.summary_html()
                    return
                drawing = draw_erd(
                    self.schema,
                    "svg",
                    focus=self.focus or None,
                    depth=self.depth,
                    hide_scalars=self.hide_scalars,
                    groups={self.group} if self.group else None,
                )
                svg = sanitize_svg(drawing.data.decode("utf-8")) or ""
                error = "" if svg else "graphviz returned an unreadable drawing."
                notes = "\n".join(drawing.notes)
            except ArchtoolsError as exc:
                error = str(exc)
        self.svg, self.error, self.notes = svg, error, notes
        self._show()

    def _show(self) -> None:
        from archtools.views.notebook_html import esc, wrap

        if not hasattr(self, "_drawing"):
            return
        if self.error:
            self._drawing.value = wrap(
                f'<p class="muted">{esc(self.error)}</p>', "archtools-erd-note"
            )
            return
        note = f'<p class="muted">{esc(self.notes)}</p>' if self.notes else ""
        self._drawing.value = f'{note}<div style="overflow:auto;max-height:80vh">{sized_svg(self.svg, self.zoom)}</div>'
