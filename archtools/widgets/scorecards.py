"""The scorecard browser: pick a feature, read its checklist items with evidence and findings."""

from __future__ import annotations

from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.results import Audit, Scorecard
from archtools.views.notebook import ScorecardView
from archtools.widgets.controls import bound_dropdown, html_pane, set_options
from archtools.widgets.model import ANY, feature_options


class ScorecardBrowser(widgets.VBox):  # type: ignore[misc]
    """One feature's scorecard at a time; `feature` picks it (the first feature by default)."""

    audit = traitlets.Instance(Audit, allow_none=True)
    feature = traitlets.Unicode(ANY)

    def __init__(self, audit: Audit | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.add_class("archtools-scorecards")
        self._picker = bound_dropdown(self, "feature", "feature", "archtools-feature-picker")
        self._grades = widgets.Label()
        self._card = html_pane("archtools-scorecard-pane")
        self.children = [self._picker, self._grades, self._card]
        self.audit = audit
        if audit is None:  # no change event: render the empty state
            self._on_audit({})

    @property
    def card(self) -> Scorecard | None:
        """The scorecard shown."""
        if self.audit is None:
            return None
        return next((c for c in self.audit.scorecards if c.feature == self.feature), None)

    @traitlets.observe("audit")
    def _on_audit(self, _change: dict[str, Any]) -> None:
        options = feature_options(self.audit) if self.audit is not None else []
        set_options(self, "feature", self._picker, options or [("no features", ANY)])
        cards = sorted(self.audit.scorecards, key=lambda c: c.feature) if self.audit else []
        self._grades.value = "  ".join(f"{c.feature} {c.grade}" for c in cards)
        self._render()

    @traitlets.observe("feature")
    def _on_feature(self, _change: dict[str, Any]) -> None:
        self._render()

    def _render(self) -> None:
        if not hasattr(self, "_card"):
            return
        card = self.card
        self._card.value = ScorecardView(card, self.audit)._repr_html_() if card else ""
