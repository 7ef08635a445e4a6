"""Seconds per audit stage (discovery, hashing, cache, parsing, schema, analysis, report) of one run."""

from __future__ import annotations

import argparse
import functools
import gc
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script

TOTALS: dict[str, float] = defaultdict(float)
CALLS: dict[str, int] = defaultdict(int)
# (module, attribute, stage): functions timed where the pipeline looks them up.
STAGES = (
    ("archtools.pipeline", "load_repository", "discovery (walk, configs, apps)"),
    ("archtools.loading", "_read", "reading files"),
    ("archtools.facts.store", "content_key", "hashing (content keys)"),
    (
        "archtools.facts.store.FactsCache",
        "get_many",
        "cache lookup (sqlite, version and CRC checks)",
    ),
    ("archtools.facts.store.FactsCache", "put_many", "cache write (facts JSON -> sqlite)"),
    ("archtools.facts.store", "unpack_facts", "facts bytes -> objects in the main process"),
    ("archtools.loading", "_load_schema", "schema (Prisma/Drizzle)"),
    ("archtools.pipeline", "audit_key", "results cache key (digest of every file read)"),
    ("archtools.results_cache.ResultsCache", "get", "results cache lookup"),
    ("archtools.results_cache.ResultsCache", "put", "results cache write"),
    ("archtools.analysis.program.Program", "__init__", "analysis: Program (symbols, imports)"),
    ("archtools.analysis.summaries.Summaries", "__init__", "analysis: Summaries init"),
    (
        "archtools.analysis.entrypoints.EntryFinder",
        "find",
        "analysis: entry points and file rules (one pass)",
    ),
    ("archtools.analysis.checks.EntryChecker", "analyse", "analysis: checks per entry point"),
    (
        "archtools.rules.file_pass.FileRules",
        "finish",
        "analysis: file rules (the rest after the pass)",
    ),
    ("archtools.rules.schema_lint", "run_schema_rules", "analysis: schema lint"),
    ("archtools.analyze", "_migration_hits", "analysis: migrations"),
    ("archtools.analyze", "suppressions", "analysis: suppressions"),
    ("archtools.analyze", "build_findings", "analysis: findings"),
    ("archtools.analyze", "score_features", "analysis: scorecards"),
    ("archtools.analyze", "analyse", "analysis (total)"),
    ("archtools.views.render", "render_report", "report rendering (json)"),
)


def _timed(stage: str, function: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            TOTALS[stage] += time.perf_counter() - started
            CALLS[stage] += 1

    return wrapper


def _timed_iterator(stage: str, function: Callable[..., Iterator[Any]]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Iterator[Any]:
        iterator = function(*args, **kwargs)
        while True:
            started = time.perf_counter()
            try:
                item = next(iterator)
            except StopIteration:
                TOTALS[stage] += time.perf_counter() - started
                return
            TOTALS[stage] += time.perf_counter() - started
            yield item

    return wrapper


def _owner(dotted: str) -> Any:
    import importlib

    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            obj: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            obj = getattr(obj, name)
        return obj
    raise ModuleNotFoundError(dotted)


def instrument() -> None:
    import archtools.facts.store as store

    for dotted, attribute, stage in STAGES:
        owner = _owner(dotted)
        setattr(owner, attribute, _timed(stage, getattr(owner, attribute)))
    store._run = _timed_iterator("parsing + fact extraction (workers, incl. transfer)", store._run)
    gc_started = [0.0]

    def on_gc(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            TOTALS["garbage collector (main process, overlaps the stages)"] += (
                time.perf_counter() - gc_started[0]
            )

    gc.callbacks.append(on_gc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("repo", type=Path)
    parser.add_argument("--cache-dir", type=Path, help="omit for a cold run (--no-cache)")
    parser.add_argument("--workers", type=int, default=None)
    args = parser.parse_args(argv)
    instrument()
    from archtools.pipeline import AuditOptions, audit
    from archtools.rules.catalog import rule_catalog
    from archtools.views.render import render_report

    started = time.perf_counter()
    options = AuditOptions(
        use_cache=args.cache_dir is not None, cache_dir=args.cache_dir, workers=args.workers
    )
    result = audit(args.repo, options)
    render_report(result, "json", erd_svg=None, rules=rule_catalog(), color=False)
    total = time.perf_counter() - started
    stats = result.stats
    print(
        f"{stats.files_scanned} scanned, {stats.files_cached} cached, "
        f"{stats.entry_points} entry points, {stats.findings} findings"
    )
    for stage, seconds in sorted(TOTALS.items(), key=lambda item: -item[1]):
        calls = f" ({CALLS[stage]} calls)" if CALLS.get(stage, 0) > 1 else ""
        print(f"{seconds:9.2f} s  {stage}{calls}")
    print(f"{total:9.2f} s  total (audit + json report, in process)")
    own, workers = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    print(
        f"CPU: main process {own.ru_utime + own.ru_stime:.2f} s, "
        f"worker processes {workers.ru_utime + workers.ru_stime:.2f} s"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
