"""Draws the seeded random sample of findings to classify (tests/realworld/findings/<app>.yaml).

Per rule family, `per_family` findings are drawn across every audited app (all of them where the
family fires fewer times). Findings already classified and still reported keep their verdicts; those the
audit no longer reports are dropped, and new ones are written with `verdict: null` to classify."""

from __future__ import annotations

import random
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from benchmarks.realworld_labels import rule_family

if TYPE_CHECKING:
    from benchmarks.realworld import AppRun


def _key(item: dict[str, Any]) -> tuple[str, str, int]:
    return (str(item["rule"]), str(item["file"]), int(item["line"]))


def draw_sample(
    runs: list[AppRun], folder: Path, per_family: int, seed: int, commit: str
) -> dict[Path, int]:
    pool: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for run in runs:
        if run.audit is None:
            continue
        for finding in sorted(run.audit.get("findings", []), key=_key):
            pool.setdefault(rule_family(finding["rule"]), []).append((run.labels.name, finding))
    rng = random.Random(seed)
    chosen: dict[str, list[dict[str, Any]]] = {}
    for family in sorted(pool):
        drawn = rng.sample(pool[family], min(per_family, len(pool[family])))
        for app, finding in drawn:
            chosen.setdefault(app, []).append(finding)
    written: dict[Path, int] = {}
    for run in runs:
        if run.audit is None:
            continue
        path = folder / f"{run.labels.name}.yaml"
        old = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        known = {_key(item): item for item in (old or {}).get("findings") or []}
        items = []
        for finding in sorted(chosen.get(run.labels.name, []), key=_key):
            previous = known.get(_key(finding), {})
            items.append(
                {
                    "rule": finding["rule"],
                    "file": finding["file"],
                    "line": finding["line"],
                    "entry_point": finding.get("entry_point"),
                    "fingerprint": finding.get("fingerprint"),
                    "message": finding.get("message"),
                    "verdict": previous.get("verdict"),
                    "cause": previous.get("cause", ""),
                    "why": previous.get("why", ""),
                }
            )
        document = {
            "schema_version": 1,
            "repo": run.labels.repo,
            "commit": run.labels.commit,
            "archtools_commit": commit,
            "seed": seed,
            "findings": items,
        }
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(document, sort_keys=False, width=100), encoding="utf-8")
        written[path] = sum(1 for item in items if item["verdict"] is None)
    return written
