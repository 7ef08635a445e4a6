"""Seconds per audit stage, for `archtools audit --profile`: the stages mark themselves with
`stage(name)`, which costs nothing unless a `StageClock` is running. Nested stages are exclusive:
the time spent in an inner stage is not counted again in the stage around it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from contextvars import ContextVar

# The stage names, in the order they run (a report lists them in this order).
LOADING = "loading (discovery, reading files)"
CACHE = "results cache (key, lookup, write)"
PARSING = "parsing and facts"
SCHEMA = "schema"
ANALYSIS = "analysis (entry points, checks, file pass)"
RULES = "rules (file, schema and migration rules, findings)"
SCORECARDS = "scorecards"
RENDERING = "rendering"
STAGE_ORDER = (LOADING, CACHE, PARSING, SCHEMA, ANALYSIS, RULES, SCORECARDS, RENDERING)


class StageClock:
    """Wall-clock seconds per stage; a stage entered inside another pauses the outer one."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self._running: list[tuple[str, float]] = []  # (stage, when it last resumed)

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        now = time.perf_counter()
        if self._running:
            outer, resumed = self._running[-1]
            self._add(outer, now - resumed)
        self._running.append((name, now))
        try:
            yield
        finally:
            now = time.perf_counter()
            _, resumed = self._running.pop()
            self._add(name, now - resumed)
            if self._running:
                outer, _ = self._running[-1]
                self._running[-1] = (outer, now)

    def _add(self, name: str, seconds: float) -> None:
        self.seconds[name] = self.seconds.get(name, 0.0) + seconds

    def report(self) -> str:
        """One line per stage that ran, in pipeline order, then the total."""
        known = [s for s in STAGE_ORDER if s in self.seconds]
        other = sorted(s for s in self.seconds if s not in STAGE_ORDER)
        lines = [f"{self.seconds[s]:8.3f} s  {s}" for s in (*known, *other)]
        lines.append(f"{sum(self.seconds.values()):8.3f} s  total")
        return "\n".join(lines)


_ACTIVE: ContextVar[StageClock | None] = ContextVar("archtools_stage_clock", default=None)


@contextlib.contextmanager
def stage(name: str) -> Iterator[None]:
    """Count the time of the block towards `name` when a clock runs; else do nothing."""
    clock = _ACTIVE.get()
    if clock is None:
        yield
        return
    with clock.stage(name):
        yield


@contextlib.contextmanager
def profiling() -> Iterator[StageClock]:
    """Run a clock for the stages entered inside the block."""
    clock = StageClock()
    token = _ACTIVE.set(clock)
    try:
        yield clock
    finally:
        _ACTIVE.reset(token)
