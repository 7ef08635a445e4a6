"""An audit defers the collection of reference cycles to its end (pipeline._no_cyclic_gc), so a
cycle made per entry point keeps that entry's flows, and the decoded facts of its files, alive for
the whole audit: on a large repository, most of its memory. The analysis must leave none behind."""

from __future__ import annotations

import gc
import shutil
from collections import Counter
from pathlib import Path

from archtools.pipeline import AuditOptions, audit

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"
# made once per entry point or per checked call: none may be left in cycles
PER_ENTRY = {"EntryScope", "Flow", "SqlValues", "DeclaredTypes", "FileFacts"}


def test_an_audit_leaves_no_entry_points_analysis_in_reference_cycles(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "shop-vulnerable", repo)
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        found = audit(repo, AuditOptions(use_cache=False, workers=1))
        assert found.entry_points
        gc.collect()
        left = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert not {name: left[name] for name in PER_ENTRY if left[name]}
