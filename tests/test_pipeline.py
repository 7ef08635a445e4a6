"""The audit pipeline's handling of the cyclic garbage collector."""

from __future__ import annotations

import gc
from pathlib import Path

from archtools.pipeline import AuditOptions, audit

SAMPLE = Path(__file__).resolve().parent.parent / "data" / "samples" / "shop-vulnerable"


def test_an_audit_leaves_no_young_objects_for_the_collector_to_traverse() -> None:
    """The collector is off during an audit; once it is back on, the objects the audit made are
    not all left in the youngest generation, where the first allocation would traverse them."""
    young: list[int] = []

    def measure(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and info["generation"] == 0:
            young.append(len(gc.get_objects(generation=0)))

    assert gc.isenabled()
    gc.collect()
    gc.callbacks.append(measure)
    try:
        result = audit(SAMPLE, AuditOptions(use_cache=False, workers=1))
        _ = [[] for _ in range(2 * gc.get_threshold()[0])]  # past the youngest one's threshold
    finally:
        gc.callbacks.remove(measure)
    assert gc.isenabled() and result.findings
    assert young and max(young) < 5 * gc.get_threshold()[0]
