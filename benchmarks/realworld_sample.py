"""Draws the seeded random sample of findings to classify (tests/realworld/findings/<app>.yaml).

Per split and rule family, `per_family` findings are drawn across the split's audited apps (all of
them where the family fires fewer times), so each split's precision rests on a sample of its own. Findings already classified and still reported stay, with their verdicts;
those the audit no longer reports are dropped; the quota is topped up with new ones, written with
`verdict: null` to classify."""

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


def _classified(folder: Path) -> set[tuple[str, str, str, int]]:
    """(app, rule, file, line) of every finding already given a verdict."""
    found: set[tuple[str, str, str, int]] = set()
    for path in folder.glob("*.yaml"):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("findings") or []:
            if item.get("verdict") in ("TP", "FP", "DEBATABLE"):
                found.add((path.stem, *_key(item)))
    return found


def draw_sample(
    runs: list[AppRun], folder: Path, per_family: int, seed: int, commit: str
) -> dict[Path, int]:
    pool: dict[tuple[str, str], list[tuple[str, dict[str, Any]]]] = {}
    for run in runs:
        if run.audit is None:
            continue
        for finding in sorted(run.audit.get("findings", []), key=_key):
            stratum = (run.labels.split, rule_family(finding["rule"]))
            pool.setdefault(stratum, []).append((run.labels.name, finding))
    classified = _classified(folder)
    rng = random.Random(seed)
    chosen: dict[str, list[dict[str, Any]]] = {}
    for stratum in sorted(pool):
        # Findings already classified and still reported stay in the sample; the rest of the
        # stratum's quota is drawn at random from what has not been classified.
        kept = [(app, f) for app, f in pool[stratum] if (app, *_key(f)) in classified]
        fresh = [(app, f) for app, f in pool[stratum] if (app, *_key(f)) not in classified]
        drawn = kept + rng.sample(fresh, max(0, min(per_family - len(kept), len(fresh))))
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
