"""The random sample of findings that precision rests on (tests/realworld/findings/<app>.yaml).

Per split and rule family (and per rule, for the rules measured alone: realworld_labels.py), the
sample is the `per_family` reported findings of lowest priority, a
hash of the seed and the finding's place (app, rule, file, line): a uniform random draw from what
the audit reports now, drawn afresh on every run. A finding keeps its priority for as long as it is
reported, so a change to the engine that removes findings lets the next ones in line into the
sample and leaves the rest of it as it was: only those new ones wait for a verdict.

The findings files keep every verdict ever given (a finding the audit no longer reports is counted
apart, which shows what a change removed, true findings included); `--sample-findings` adds the
drawn findings that have no verdict yet, with `verdict: null`, for someone to classify."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from benchmarks.realworld_labels import strata

if TYPE_CHECKING:
    from benchmarks.realworld import AppRun

Stratum = tuple[str, str]  # (split, rule family or rule measured alone)
Drawn = tuple[str, dict[str, Any]]  # (what it was drawn for: family or rule, finding)


def _key(item: dict[str, Any]) -> tuple[str, str, int]:
    return (str(item["rule"]), str(item["file"]), int(item["line"]))


def priority(seed: int, app: str, rule: str, file: str, line: int) -> str:
    """The finding's place in the draw: the lowest come first."""
    return hashlib.sha256(f"{seed}\0{app}\0{rule}\0{file}\0{line}".encode()).hexdigest()


def drawn(
    runs: list[AppRun], per_family: int, seed: int
) -> dict[Stratum, list[tuple[str, dict[str, Any]]]]:
    """(app, finding) drawn per split and rule family, and per rule measured alone: all of those
    that fire fewer times."""
    pool: dict[Stratum, list[tuple[str, dict[str, Any]]]] = {}
    for run in runs:
        if run.audit is None:
            continue
        seen: set[tuple[str, str, int]] = set()
        for finding in run.audit.get("findings", []):
            if _key(finding) in seen:
                continue  # one place counts once, however many occurrences it lists
            seen.add(_key(finding))
            for name in strata(finding["rule"]):
                pool.setdefault((run.labels.split, name), []).append((run.labels.name, finding))
    return {
        stratum: sorted(items, key=lambda item: priority(seed, item[0], *_key(item[1])))[
            :per_family
        ]
        for stratum, items in sorted(pool.items())
    }


def drawn_by_app(runs: list[AppRun], per_family: int, seed: int) -> dict[str, list[Drawn]]:
    """Each app's drawn findings, with the family or rule each was drawn for (a finding of a rule
    measured alone may be drawn twice, once for each)."""
    by_app: dict[str, list[Drawn]] = {}
    for (_split, name), items in drawn(runs, per_family, seed).items():
        for app, finding in items:
            by_app.setdefault(app, []).append((name, finding))
    return by_app


def draw_sample(
    runs: list[AppRun], folder: Path, per_family: int, seed: int, commit: str
) -> dict[Path, int]:
    """Writes the drawn findings that have no verdict yet into each app's findings file, next to
    every verdict already given; returns how many wait for a verdict per file."""
    chosen = drawn_by_app(runs, per_family, seed)
    written: dict[Path, int] = {}
    for run in runs:
        if run.audit is None:
            continue
        path = folder / f"{run.labels.name}.yaml"
        old = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
        classified = {
            _key(item): item
            for item in (old or {}).get("findings") or []
            if item.get("verdict") in ("TP", "FP", "DEBATABLE")
        }
        items = list(classified.values())
        waiting: set[tuple[str, str, int]] = set()
        for _name, finding in chosen.get(run.labels.name, []):
            if _key(finding) in classified or _key(finding) in waiting:
                continue
            waiting.add(_key(finding))
            items.append(
                {
                    "rule": finding["rule"],
                    "file": finding["file"],
                    "line": finding["line"],
                    "entry_point": finding.get("entry_point"),
                    "fingerprint": finding.get("fingerprint"),
                    "message": finding.get("message"),
                    "verdict": None,
                    "cause": "",
                    "why": "",
                }
            )
        if not items:
            continue
        items.sort(key=_key)
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
