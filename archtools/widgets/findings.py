"""The findings browser: filter by severity and rule, read each finding beside its rule's docs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets
import traitlets

from archtools.results import Audit, Finding
from archtools.rules.base import RuleMeta
from archtools.views.notebook import FindingView
from archtools.widgets.controls import QuietPicks, bound_dropdown, html_pane, set_options
from archtools.widgets.model import (
    ANY,
    SourceFiles,
    filter_findings,
    finding_label,
    rule_options,
    severity_options,
)


class FindingsBrowser(QuietPicks, widgets.VBox):  # type: ignore[misc]
    """Findings filtered by `severity` and `rule` (and `suppressed`, to list accepted ones too);
    `selected` (a fingerprint) shows one with the documentation of its rule."""

    audit = traitlets.Instance(Audit, allow_none=True)
    severity = traitlets.Unicode(ANY)
    rule = traitlets.Unicode(ANY)
    suppressed = traitlets.Bool(False)
    selected = traitlets.Unicode(ANY)
    visible = traitlets.Tuple()  # fingerprints of the findings listed, in order

    def __init__(
        self,
        audit: Audit | None = None,
        root: str | Path | None = None,
        rules: dict[str, RuleMeta] | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self._quiet = False
        self.add_class("archtools-findings")
        if rules is None:
            from archtools.rules.catalog import rule_catalog

            rules = rule_catalog()
        self.rules = rules
        self.source = SourceFiles(Path(root) if root is not None else None)
        self._severity = bound_dropdown(self, "severity", "severity", "archtools-filter-severity")
        self._rule = bound_dropdown(self, "rule", "rule", "archtools-filter-rule")
        self._suppressed = widgets.Checkbox(description="include suppressed", indent=False)
        traitlets.link((self._suppressed, "value"), (self, "suppressed"))
        self._count = widgets.Label()
        self._list = widgets.Select(options=[], rows=10, layout=widgets.Layout(width="100%"))
        self._list.add_class("archtools-finding-picker")
        self._list.observe(self._on_pick, names="value")
        self._detail = html_pane("archtools-finding-detail")
        self.children = [
            widgets.HBox([self._severity, self._rule, self._suppressed]),
            self._count,
            self._list,
            self._detail,
        ]
        self.audit = audit
        if audit is None:  # no change event: render the empty state
            self._on_audit({})

    @property
    def shown(self) -> list[Finding]:
        if self.audit is None:
            return []
        return filter_findings(
            self.audit, severity=self.severity, rule=self.rule, suppressed=self.suppressed
        )

    def finding(self, fingerprint: str) -> Finding | None:
        if self.audit is None:
            return None
        return next((f for f in self.audit.findings if f.fingerprint == fingerprint), None)

    @traitlets.observe("audit")
    def _on_audit(self, _change: dict[str, Any]) -> None:
        set_options(self, "severity", self._severity, severity_options())
        rules = rule_options(self.audit) if self.audit is not None else [("all rules", ANY)]
        set_options(self, "rule", self._rule, rules)
        self._refresh()

    @traitlets.observe("severity", "rule", "suppressed")
    def _on_filter(self, _change: dict[str, Any]) -> None:
        self._refresh()

    def _refresh(self) -> None:
        if not hasattr(self, "_list"):
            return
        shown = self.shown
        self.visible = tuple(f.fingerprint for f in shown)
        total = len(self.audit.findings) if self.audit is not None else 0
        self._count.value = f"{len(shown)} of {total} findings"
        with self._quietly():
            self._list.options = [(finding_label(f), f.fingerprint) for f in shown]
        if self.selected not in self.visible:
            self.selected = self.visible[0] if self.visible else ANY
        self._show_selected()

    @traitlets.observe("selected")
    def _on_selected(self, _change: dict[str, Any]) -> None:
        self._show_selected()

    def _show_selected(self) -> None:
        if not hasattr(self, "_list"):
            return
        found = self.finding(self.selected) if self.selected in self.visible else None
        with self._quietly():
            self._list.value = found.fingerprint if found is not None else None
        if found is None:
            self._detail.value = ""
            return
        view = FindingView(found, self.rules.get(found.rule), self.source)
        self._detail.value = view._repr_html_()
