"""The facts cache is never trusted blindly: damaged rows, a truncated or replaced database and rows of
another version are detected and rebuilt; an interrupted run leaves a cache the next run can use."""

from __future__ import annotations

import gc
import json
import shutil
import sqlite3
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import archtools.facts.store as store
from archtools.facts import typescript
from archtools.facts.code import FileFacts
from archtools.facts.store import FactsJob, collect_facts, unpack_facts
from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit
from archtools.source import files as source_files

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


# -- the same damage seen through whole audits ------------------------------------------------------

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"


def outcome(result: Audit) -> dict[str, Any]:
    """What an audit concludes, without its timing and cache counters."""
    data = result.to_dict()
    data.pop("stats")
    return data


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("sample") / "shop"
    shutil.copytree(SAMPLE, target)
    return target


@pytest.fixture(scope="module")
def clean(sample: Path) -> Audit:
    return audit(sample, AuditOptions(use_cache=False, workers=1))


def cached_audit(sample: Path, cache: Path) -> Audit:
    """An audit that must go through the facts cache: the whole-result cache is cleared first."""
    shutil.rmtree(cache / "results", ignore_errors=True)
    return audit(sample, AuditOptions(cache_dir=cache, workers=1))


def test_the_sample_has_something_to_compare(clean: Audit) -> None:
    assert len(clean.entry_points) >= 10 and len(clean.findings) >= 10 and clean.errors == []


@pytest.mark.parametrize("damage", [flip_a_byte, other_version, truncate, garbage])
def test_an_audit_over_a_damaged_facts_cache_equals_a_clean_one(
    sample: Path, clean: Audit, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    cache = tmp_path / "cache"
    warm = cached_audit(sample, cache)
    total = len(store_rows(cache))  # one row per code file
    assert warm.stats.files_cached == 0 and outcome(warm) == outcome(clean)
    damage(cache / "facts.sqlite3")
    again = cached_audit(sample, cache)
    assert outcome(again) == outcome(clean)
    assert again.stats.files_cached == (total - 1 if damage is flip_a_byte else 0)
    healed = cached_audit(sample, cache)
    assert outcome(healed) == outcome(clean) and healed.stats.files_cached == total


def test_a_row_that_passes_its_checks_but_does_not_decode_is_made_again(
    sample: Path, clean: Audit, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cached_audit(sample, cache)
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        key, syntax = con.execute("SELECT key, syntax FROM facts LIMIT 1").fetchone()
        junk = zlib.compress(b'{"path": 1}')
        crc = zlib.crc32((syntax or "").encode(), zlib.crc32(junk))
        con.execute("UPDATE facts SET data = ?, crc = ? WHERE key = ?", (junk, crc, key))
    assert outcome(cached_audit(sample, cache)) == outcome(clean)
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        (data,) = con.execute("SELECT data FROM facts WHERE key = ?", (key,)).fetchone()
    assert data != junk and unpack_facts(data).path  # replaced by facts made again


def store_rows(cache: Path) -> list[str]:
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        return [key for (key,) in con.execute("SELECT key FROM facts")]


def _results_file(cache: Path) -> Path:
    (found,) = (cache / "results").glob("*.bin")
    return found


def flip_a_payload_byte(blob: Path) -> None:
    data = bytearray(blob.read_bytes())
    data[-5] ^= 0xFF
    blob.write_bytes(bytes(data))


def another_version_header(blob: Path) -> None:
    header, _, payload = blob.read_bytes().partition(b"\n")
    *keys, _version = header.split(b" ")
    blob.write_bytes(b" ".join([*keys, b"0.0.0-other"]) + b"\n" + payload)


def cut_in_half(blob: Path) -> None:
    blob.write_bytes(blob.read_bytes()[: blob.stat().st_size // 2])


def replace_with_garbage(blob: Path) -> None:
    blob.write_bytes(b"\x00garbage\n" * 50)


@pytest.mark.parametrize(
    "damage", [flip_a_payload_byte, another_version_header, cut_in_half, replace_with_garbage]
)
def test_a_damaged_results_cache_is_ignored(
    sample: Path, clean: Audit, tmp_path: Path, damage: Callable[[Path], None]
) -> None:
    cache = tmp_path / "cache"
    audit(sample, AuditOptions(cache_dir=cache, workers=1))
    damage(_results_file(cache))
    again = audit(sample, AuditOptions(cache_dir=cache, workers=1))
    assert outcome(again) == outcome(clean)
    answered = audit(sample, AuditOptions(cache_dir=cache, workers=1))  # rewritten, then read
    assert outcome(answered) == outcome(clean)


@pytest.mark.parametrize(
    "damage",
    [flip_a_payload_byte, another_version_header, cut_in_half, replace_with_garbage, "forged"],
)
def test_a_damaged_file_classification_entry_is_ignored(
    sample: Path,
    clean: Audit,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    damage: Callable[[Path], None] | str,
) -> None:
    monkeypatch.setattr(source_files, "CLASSIFICATION_SETTLE_NS", 0)  # the copies count as settled
    cache = tmp_path / "cache"
    audit(sample, AuditOptions(cache_dir=cache, workers=1))
    (entry,) = (cache / "results").glob("*.files")
    if damage == "forged":  # a valid checksum over entries no walk wrote: a reason that is none
        header, _, payload = entry.read_bytes().partition(b"\n")
        known = json.loads(zlib.decompress(payload))
        for stamp in known.values():
            stamp[3] = "nonsense"
        forged = zlib.compress(json.dumps(known).encode())
        version = header.split(b" ")[0]
        entry.write_bytes(version + b" " + str(zlib.crc32(forged)).encode() + b"\n" + forged)
    else:
        assert callable(damage)
        damage(entry)
    for stored in (cache / "results").glob("*.bin"):
        stored.unlink()  # the audit must walk and classify again
    again = audit(sample, AuditOptions(cache_dir=cache, workers=1))
    assert outcome(again) == outcome(clean)


def test_an_audit_interrupted_during_extraction_leaves_a_valid_cache(
    sample: Path, clean: Audit, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cached_audit(sample, cache)  # a warm cache, so the interrupted run has rows to damage
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        con.execute("DELETE FROM facts WHERE rowid % 2 = 0")  # half the files must be parsed again
    real = typescript.extract_code_facts
    seen = {"files": 0}

    def interrupted(path: str, source: bytes) -> FileFacts:
        seen["files"] += 1
        if seen["files"] > 3:
            raise KeyboardInterrupt
        return real(path, source)

    monkeypatch.setattr(typescript, "extract_code_facts", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cached_audit(sample, cache)
    monkeypatch.undo()
    assert seen["files"] == 4 and gc.isenabled()
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = cached_audit(sample, cache)
    assert outcome(after) == outcome(clean) and after.stats.files_cached >= 1
    assert outcome(cached_audit(sample, cache)) == outcome(clean)


def _a_file_in_the_way(cache: Path) -> Path:
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_text("not a folder")
    return cache


def _below_a_file(cache: Path) -> Path:
    return _a_file_in_the_way(cache) / "sub"


def _a_folder_named_like_the_database(cache: Path) -> Path:
    (cache / "facts.sqlite3").mkdir(parents=True)
    return cache


@pytest.mark.parametrize(
    "place", [_a_file_in_the_way, _below_a_file, _a_folder_named_like_the_database]
)
def test_an_unusable_cache_location_costs_speed_not_the_audit(
    sample: Path, clean: Audit, tmp_path: Path, place: Callable[[Path], Path]
) -> None:
    cache = place(tmp_path / "cache")
    result = audit(sample, AuditOptions(cache_dir=cache, workers=1))
    assert outcome(result) == outcome(clean) and result.stats.files_cached == 0


def test_a_cache_table_of_an_older_layout_is_replaced(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        con.execute(
            "CREATE TABLE facts (key TEXT PRIMARY KEY, version TEXT, crc INTEGER, data BLOB)"
        )
        con.execute("INSERT INTO facts VALUES ('k', 'v', 0, x'00')")
    first = collect_facts(jobs(), cache_dir=cache, workers=1)
    again = collect_facts(jobs(), cache_dir=cache, workers=1)
    assert (first.cached, again.cached) == (0, len(jobs()))
    assert dict(again.facts) == dict(first.facts)
    with sqlite3.connect(cache / "facts.sqlite3") as con:
        columns = [row[1] for row in con.execute("PRAGMA table_info(facts)")]
    assert columns == ["key", "version", "crc", "syntax", "data"]
