"""Jupyter widgets over the audit's view models: loader, ERD explorer, matrix, scorecards, findings,
feature dossiers.

Importing this package imports ipywidgets; `import archtools` never does. Each widget keeps its state
in traits (set them from code or through its controls) and runs no analysis of its own."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from archtools.widgets.dashboard import Dashboard
    from archtools.widgets.dossier import DossierBrowser
    from archtools.widgets.erd import ErdExplorer
    from archtools.widgets.findings import FindingsBrowser
    from archtools.widgets.loader import RepositoryLoader
    from archtools.widgets.matrix import CoverageMatrix
    from archtools.widgets.scorecards import ScorecardBrowser

__all__ = [
    "CoverageMatrix",
    "Dashboard",
    "DossierBrowser",
    "ErdExplorer",
    "FindingsBrowser",
    "RepositoryLoader",
    "ScorecardBrowser",
]

_MODULES = {
    "CoverageMatrix": "matrix",
    "Dashboard": "dashboard",
    "DossierBrowser": "dossier",
    "ErdExplorer": "erd",
    "FindingsBrowser": "findings",
    "RepositoryLoader": "loader",
    "ScorecardBrowser": "scorecards",
}


def __getattr__(name: str) -> Any:
    module = _MODULES.get(name)
    if module is None:
        raise AttributeError(name)
    from importlib import import_module

    return getattr(import_module(f"archtools.widgets.{module}"), name)
