"""The dashboard: the loader above tabs of scorecards, coverage matrix, findings, ERD and dossiers."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ipywidgets as widgets

from archtools.widgets.dossier import DossierBrowser
from archtools.widgets.erd import ErdExplorer
from archtools.widgets.findings import FindingsBrowser
from archtools.widgets.loader import RepositoryLoader
from archtools.widgets.matrix import CoverageMatrix
from archtools.widgets.model import SourceFiles
from archtools.widgets.scorecards import ScorecardBrowser

TABS = ("Scorecards", "Coverage", "Findings", "Schema", "Dossier")


class Dashboard(widgets.VBox):  # type: ignore[misc]
    """Every widget on one audit: each new audit of the loader reaches every tab."""

    def __init__(
        self, path: str | Path = "", *, autoload: bool = True, use_cache: bool = True, **kwargs: Any
    ):
        super().__init__(**kwargs)
        self.add_class("archtools-dashboard")
        self.loader = RepositoryLoader(path, use_cache=use_cache)
        self.scorecards = ScorecardBrowser()
        self.matrix = CoverageMatrix()
        self.findings = FindingsBrowser()
        self.erd = ErdExplorer()
        self.dossier = DossierBrowser()
        children = [self.scorecards, self.matrix, self.findings, self.erd, self.dossier]
        self.tabs = widgets.Tab(children=children)
        self.tabs.titles = TABS
        self.loader.observe(self._on_audit, names="audit")
        self.children = [self.loader, self.tabs]
        if autoload and str(path):
            self.loader.run()

    def _on_audit(self, change: dict[str, Any]) -> None:
        audit = change["new"]
        root = Path(self.loader.path).expanduser() if audit is not None else None
        for widget in (self.matrix, self.findings):
            widget.source = SourceFiles(root)
        self.scorecards.audit = audit
        self.matrix.audit = audit
        self.findings.audit = audit
        self.dossier.audit = audit
        self.erd.schema = audit.schema_ if audit is not None else None
