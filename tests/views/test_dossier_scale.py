"""The dossiers of a repository at real scale (1,024 entry points, 1,148 findings): together they
cover every entry point once and every finding an entry point reaches, in bounded time."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from archtools.results import Audit
from archtools.rules.catalog import rule_catalog
from archtools.views.dossier_model import build_dossier, feature_names
from archtools.views.dossier_render import render_dossier_markdown
from tests.support.large_repo import large_audit

SECONDS = 20.0  # every feature's Markdown dossier; about 1.5 s on one core


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Audit:
    cache = tmp_path_factory.mktemp("cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHTOOLS_CACHE_DIR", str(cache))
        return large_audit(Path(tmp_path_factory.mktemp("large-repo")))


def test_every_entry_point_and_reached_finding_lands_in_its_feature(large: Audit) -> None:
    rules = rule_catalog()
    dossiers = [build_dossier(large, name, rules) for name in feature_names(large)]
    covered = Counter(e.id for d in dossiers for e in d.entries)
    assert covered == Counter(e.id for e in large.entry_points)
    feature_of = {e.id: e.feature for e in large.entry_points}
    listed = {(d.feature, f.fingerprint) for d in dossiers for f in d.findings}
    reached = [f for f in large.findings if f.entry_point and f.suppressed is None]
    assert reached
    assert all(
        (feature_of[f.entry_point], f.fingerprint) in listed for f in reached if f.entry_point
    )
    start = time.perf_counter()
    sizes = [len(render_dossier_markdown(d)) for d in dossiers]
    assert time.perf_counter() - start < SECONDS
    biggest = max(dossiers, key=lambda d: len(d.entries))
    assert len(biggest.entries) > 100 and max(sizes) < 2_000_000
