"""Worker processes under a per-file time limit: a file that hangs or crashes the parser is listed with
its reason, every other file is still extracted, and no worker outlives the run."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time

import pytest

from archtools.facts import store, typescript
from archtools.facts.store import FactsJob, collect_facts

ROUTE = "export async function GET() {{ return Response.json({{ n: {n} }}); }}\n"


def jobs(count: int, *odd: str) -> list[FactsJob]:
    made = [FactsJob(f"app/api/r{n}/route.ts", ROUTE.format(n=n).encode()) for n in range(count)]
    return made + [FactsJob(path, ROUTE.format(n=0).encode()) for path in odd]


@pytest.fixture
def misbehaving(monkeypatch: pytest.MonkeyPatch) -> None:
    """`hang.ts` never finishes; `crash.ts` kills its process the way a crash in C would."""
    real = typescript.extract_code_facts

    def extract(path: str, source: bytes) -> object:
        if path.endswith("hang.ts"):
            time.sleep(600)
        if path.endswith("crash.ts"):
            os.kill(os.getpid(), signal.SIGSEGV)
        return real(path, source)

    monkeypatch.setattr(typescript, "extract_code_facts", extract)


@pytest.mark.usefixtures("misbehaving")
@pytest.mark.parametrize("workers", [None, 2])
def test_a_file_over_the_time_limit_costs_only_that_file(workers: int | None) -> None:
    started = time.monotonic()
    result = collect_facts(jobs(40, "lib/hang.ts"), cache_dir=None, workers=workers, time_limit=0.5)
    assert time.monotonic() - started < 30
    assert [(f.path, f.message) for f in result.failures] == [
        ("lib/hang.ts", "took longer than 0.5 s to parse; skipped (time limit)")
    ]
    assert len(result.facts) == 40 and result.facts["app/api/r39/route.ts"].exports[0].name == "GET"
    assert multiprocessing.active_children() == []


@pytest.mark.usefixtures("misbehaving")
def test_a_file_that_crashes_the_parser_costs_only_that_file() -> None:
    result = collect_facts(jobs(100, "lib/crash.ts"), cache_dir=None, workers=2, time_limit=30)
    assert [(f.path, f.message) for f in result.failures] == [
        ("lib/crash.ts", "the parser crashed on this file (SIGSEGV); skipped")
    ]
    assert sorted(result.facts) == sorted(job.path for job in jobs(100))
    assert multiprocessing.active_children() == []


def test_chunks_after_a_lost_worker_are_all_extracted(
    misbehaving: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(store, "CHUNK_SIZE", 3)
    work = jobs(20, "a/hang.ts", "b/crash.ts", "c/hang.ts")
    result = collect_facts(work, cache_dir=None, workers=2, time_limit=0.3)
    assert sorted(f.path for f in result.failures) == ["a/hang.ts", "b/crash.ts", "c/hang.ts"]
    assert sorted(result.facts) == sorted(job.path for job in jobs(20))


@pytest.mark.parametrize("time_limit", [5.0, None, 0.0])
def test_workers_give_what_one_process_gives(time_limit: float | None) -> None:
    many = jobs(150)
    alone = collect_facts(many, cache_dir=None, workers=1, time_limit=None)
    pooled = collect_facts(many, cache_dir=None, workers=2, time_limit=time_limit)
    assert dict(pooled.facts) == dict(alone.facts) and not pooled.failures
