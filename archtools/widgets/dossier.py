"""The dossier tab: pick a feature, read it written up in five parts (the notebook view's HTML)."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.results import Audit
from archtools.rules.base import RuleMeta
from archtools.views.dossier_model import build_dossier, feature_names
from archtools.views.dossier_render import DossierView
from archtools.widgets.controls import bound_dropdown, html_pane, set_options
from archtools.widgets.model import ANY


class DossierBrowser(widgets.VBox):  # type: ignore[misc]
    """One feature's dossier at a time; `feature` picks it (the first feature by default).
    `draw_erd=False` leaves the diagram out (no graphviz run on each pick)."""

    audit = traitlets.Instance(Audit, allow_none=True)
    feature = traitlets.Unicode(ANY)

    def __init__(
        self,
        audit: Audit | None = None,
        *,
        rules: dict[str, RuleMeta] | None = None,
        draw_erd: bool = True,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.add_class("archtools-dossier-browser")
        if rules is None:
            from archtools.rules.catalog import rule_catalog

            rules = dict(rule_catalog())
        self._rules = rules
        self._draw_erd = draw_erd
        self._picker = bound_dropdown(self, "feature", "feature", "archtools-dossier-picker")
        self._pane = html_pane("archtools-dossier-pane")
        self.children = [self._picker, self._pane]
        self.audit = audit
        if audit is None:  # no change event: render the empty state
            self._on_audit({})

    @property
    def view(self) -> DossierView | None:
        """The dossier shown, None without an audit or a feature."""
        if self.audit is None or self.feature not in feature_names(self.audit):
            return None
        built = build_dossier(self.audit, self.feature, self._rules)
        return DossierView(built, draw_erd=self._draw_erd)

    @traitlets.observe("audit")
    def _on_audit(self, _change: dict[str, Any]) -> None:
        names = feature_names(self.audit) if self.audit is not None else []
        set_options(
            self, "feature", self._picker, [(n, n) for n in names] or [("no features", ANY)]
        )
        self._render()

    @traitlets.observe("feature")
    def _on_feature(self, _change: dict[str, Any]) -> None:
        self._render()

    def _render(self) -> None:
        if not hasattr(self, "_pane"):
            return
        view = self.view
        self._pane.value = view._repr_html_() if view is not None else ""
