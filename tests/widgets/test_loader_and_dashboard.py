"""The loader audits a real sample with progress; the dashboard hands each new audit to every tab."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.widgets import Dashboard, RepositoryLoader

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
NOTES = SAMPLES / "notes-secure"
SHOP = SAMPLES / "shop-vulnerable"


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))


def test_loader_reports_progress_and_keeps_the_audit() -> None:
    loader = RepositoryLoader(NOTES, use_cache=False)
    assert loader.audit is None and loader._path.value == str(NOTES)
    result = loader.run()
    assert result is not None and loader.audit is result
    expected = audit(NOTES, AuditOptions(use_cache=False))
    assert [e.id for e in result.entry_points] == [e.id for e in expected.entry_points]
    stages = [stage for stage, _, _ in loader.stages]
    assert stages[0] == "parse" and "analyse" in stages
    for stage in ("parse", "analyse"):
        last = [(done, total) for s, done, total in loader.stages if s == stage][-1]
        assert last[0] == last[1] > 0
    assert (loader.stage, loader.done, loader.total) == loader.stages[-1]
    assert loader._bar.value == loader._bar.max
    assert loader.error == "" and not loader.busy and not loader._button.disabled
    assert "Audit of notes-secure: 22 entry points" in loader._summary.value


def test_the_button_runs_the_audit() -> None:
    loader = RepositoryLoader(use_cache=False)
    loader._path.value = str(NOTES)
    assert loader.path == str(NOTES)
    loader._button.click()
    assert loader.audit is not None and loader.audit.repo.root == "notes-secure"


def test_a_bad_path_reports_the_error_escaped(tmp_path: Path) -> None:
    missing = tmp_path / "<b>nowhere</b>"
    loader = RepositoryLoader(missing)
    assert loader.run() is None
    assert loader.audit is None
    assert loader.error == f"{missing} does not exist."
    assert "&lt;b&gt;nowhere&lt;/b&gt;" in loader._summary.value
    assert "<b>nowhere" not in loader._summary.value
    assert loader._stage.value == "failed"


def test_dashboard_hands_each_audit_to_every_tab() -> None:
    dashboard = Dashboard(SHOP, use_cache=False)
    shop = dashboard.loader.audit
    assert shop is not None and shop.repo.root == "shop-vulnerable"
    assert dashboard.tabs.titles == ("Scorecards", "Coverage", "Findings", "Schema", "Dossier")
    assert dashboard.dossier.audit is shop
    dashboard.dossier.feature = "orders"
    assert 'data-feature="orders"' in dashboard.dossier._pane.value
    assert dashboard.scorecards.audit is shop and dashboard.matrix.audit is shop
    assert dashboard.findings.audit is shop and dashboard.erd.schema is shop.schema_
    features = sorted(card.feature for card in shop.scorecards)
    assert dashboard.scorecards.feature == features[0]
    dashboard.scorecards.feature = "orders"
    assert 'data-feature="orders"' in dashboard.scorecards._card.value
    assert dashboard.matrix.source("src/lib/stripe.ts") == (SHOP / "src/lib/stripe.ts").read_text()

    dashboard.loader.path = str(NOTES)
    dashboard.loader.run()
    notes = dashboard.loader.audit
    assert notes is not None and notes.repo.root == "notes-secure"
    assert dashboard.scorecards.audit is notes and dashboard.erd.schema is notes.schema_
    assert dashboard.scorecards.feature == sorted(c.feature for c in notes.scorecards)[0]
    assert len(dashboard.matrix.visible) == len(notes.entry_points)
    assert dashboard.matrix.source("lib/session.ts") == (NOTES / "lib/session.ts").read_text()


def test_dashboard_without_a_path_waits() -> None:
    dashboard = Dashboard()
    assert dashboard.loader.audit is None
    assert dashboard.scorecards.card is None
    assert dashboard.erd.error == "This repository has no schema to draw."
