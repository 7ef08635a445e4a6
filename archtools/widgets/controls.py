"""Small builders shared by the widgets: dropdowns bound to a trait, HTML panes, CSS hooks."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.widgets.model import ANY, Options


def bound_dropdown(owner: Any, trait: str, description: str, css: str) -> Any:
    """A dropdown whose value is the `trait` of `owner`, both ways."""
    dropdown = widgets.Dropdown(
        options=[("", ANY)],
        value=ANY,
        description=description,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="auto"),
    )
    dropdown.add_class(css)
    traitlets.link((dropdown, "value"), (owner, trait))
    return dropdown


def set_options(owner: Any, trait: str, dropdown: Any, options: Options) -> None:
    """New options for a bound dropdown; the trait falls back to the first option when its value
    is no longer offered."""
    values = [value for _, value in options]
    current = getattr(owner, trait)
    with dropdown.hold_trait_notifications():
        dropdown.options = options
    if current not in values:
        setattr(owner, trait, values[0] if values else ANY)
    else:
        dropdown.value = current


def html_pane(css: str) -> Any:
    pane = widgets.HTML(value="", layout=widgets.Layout(width="100%"))
    pane.add_class(css)
    return pane


class QuietPicks:
    """A list picker whose options the widget itself rewrites: those rewrites are not the user's picks.
    Mixed into widgets that have a `selected` trait and a `_quiet` flag."""

    _quiet: bool
    selected: str

    def _on_pick(self, change: dict[str, Any]) -> None:
        if not self._quiet:
            self.selected = change["new"] or ANY

    @contextmanager
    def _quietly(self) -> Iterator[None]:
        """Option changes made here are not the user's picks."""
        self._quiet = True
        try:
            yield
        finally:
            self._quiet = False
