"""The facts cache is never trusted blindly: damaged rows, a truncated or replaced database and rows of
another version are detected and rebuilt; an interrupted run leaves a cache the next run can use."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

import archtools.facts.store as store
from archtools.facts.store import FactsJob, collect_facts

SOURCE = """import {{ prisma }} from "@/lib/db";
export async function GET() {{
  return Response.json(await prisma.note.findMany({{ where: {{ title: "{n}" }} }}));
}}
"""


def jobs(count: int = 12) -> list[FactsJob]:
    return [FactsJob(f"app/api/r{n}/route.ts", SOURCE.format(n=n).encode()) for n in range(count)]


def flip_a_byte(db: Path) -> None:
    with sqlite3.connect(db) as con:
        key, data = con.execute("SELECT key, data FROM facts LIMIT 1").fetchone()
        damaged = bytearray(data)
        damaged[len(damaged) // 2] ^= 0xFF
        con.execute("UPDATE facts SET data = ? WHERE key = ?", (bytes(damaged), key))


def other_version(db: Path) -> None:
    with sqlite3.connect(db) as con:
        con.execute("UPDATE facts SET version = '0.0.0/0/old'")


def truncate(db: Path) -> None:
    db.write_bytes(db.read_bytes()[:100])


def garbage(db: Path) -> None:
    db.write_bytes(b"this is not a database" * 100)


@pytest.mark.parametrize("damage", [flip_a_byte, other_version, truncate, garbage])
def test_damage_is_detected_and_rebuilt(tmp_path: Path, damage: Callable[[Path], None]) -> None:
    cache = tmp_path / "cache"
    clean = collect_facts(jobs(), cache_dir=cache, workers=1)
    damage(cache / "facts.sqlite3")
    again = collect_facts(jobs(), cache_dir=cache, workers=1)
    assert again.facts == clean.facts
    assert again.parsed >= 1 and not again.failures
    healed = collect_facts(jobs(), cache_dir=cache, workers=1)
    assert (healed.cached, healed.parsed) == (12, 0)


def test_an_interrupted_run_leaves_a_usable_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    real = store._extract_chunk
    calls = {"n": 0}

    def interrupted(chunk: list[FactsJob]) -> list[store.PackedFacts | store.FactsFailure]:
        calls["n"] += 1
        if calls["n"] > 1:
            raise KeyboardInterrupt
        return real(chunk)

    monkeypatch.setattr(store, "_extract_chunk", interrupted)
    monkeypatch.setattr(store, "CHUNK_SIZE", 4)
    with pytest.raises(KeyboardInterrupt):
        collect_facts(jobs(), cache_dir=cache, workers=1)
    monkeypatch.undo()
    after = collect_facts(jobs(), cache_dir=cache, workers=1)
    fresh = collect_facts(jobs(), cache_dir=None, workers=1)
    assert after.facts == fresh.facts and not after.failures
