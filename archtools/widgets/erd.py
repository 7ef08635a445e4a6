"""The ERD explorer: focus on a model and its neighbours, filter a domain, hide scalar fields."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.errors import ArchtoolsError
from archtools.facts.schema import Schema
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


class ErdExplorer(widgets.VBox):  # type: ignore[misc]
    """The schema's ERD, redrawn when `focus`, `depth`, `group` or `hide_scalars` change; `svg`
    holds the drawing shown (sanitized), `error` what went wrong when nothing could be drawn."""

    schema = traitlets.Instance(Schema, allow_none=True)
    focus = traitlets.Unicode(ANY)
    depth = traitlets.Int(1)
    group = traitlets.Unicode(ANY)
    hide_scalars = traitlets.Bool(False)
    svg = traitlets.Unicode("")
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
        self._drawing = html_pane("archtools-erd-drawing")
        self.children = [
            widgets.HBox([self._focus, self._depth, self._group, self._scalars]),
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
        self._draw()

    @traitlets.observe("focus", "depth", "group", "hide_scalars")
    def _on_option(self, _change: dict[str, Any]) -> None:
        self._draw()

    def _draw(self) -> None:
        if not hasattr(self, "_drawing"):
            return
        self._depth.disabled = not self.focus
        svg, error = "", ""
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
                    self.svg, self.error = "", view.text()
                    self._drawing.value = view.summary_html()
                    return
                svg = sanitize_svg(view.svg()) or ""
                error = "" if svg else "graphviz returned an unreadable drawing."
            except ArchtoolsError as exc:
                error = str(exc)
        self.svg, self.error = svg, error
        if error:
            from archtools.views.notebook_html import esc, wrap

            self._drawing.value = wrap(f'<p class="muted">{esc(error)}</p>', "archtools-erd-note")
        else:
            self._drawing.value = f'<div style="overflow:auto;max-height:80vh">{svg}</div>'
