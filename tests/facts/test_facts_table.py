"""The facts table: compressed facts decoded on access, at most a bounded number held decoded, and an
audit through a tiny table equal to one that holds every file decoded."""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

import archtools.facts.table as table_module
from archtools.analyze import analyse
from archtools.facts.code import FileFacts
from archtools.facts.store import pack_facts, unpack_facts
from archtools.facts.table import FactsTable
from archtools.pipeline import AuditOptions, load

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"


def packed(count: int) -> dict[str, bytes]:
    return {
        f"src/f{n}.ts": pack_facts(FileFacts(path=f"src/f{n}.ts", language="ts", lines=n))
        for n in range(count)
    }


def test_every_file_reads_back_as_written() -> None:
    table = FactsTable(packed(5), unpack_facts)
    assert len(table) == 5
    assert sorted(table) == [f"src/f{n}.ts" for n in range(5)]
    assert [table[f"src/f{n}.ts"].lines for n in range(5)] == [0, 1, 2, 3, 4]
    assert "src/f3.ts" in table and "src/f9.ts" not in table
    with pytest.raises(KeyError):
        table["src/f9.ts"]


def test_decoded_files_stay_within_the_limits() -> None:
    table = FactsTable(packed(50), unpack_facts, pinned=3, recent=4)
    for _ in range(2):
        for path in table:
            assert table[path].path == path
    # The first three stay decoded; the other 47 are decoded on each of the two passes.
    assert table.decodes == 3 + 47 * 2
    assert len(table._pinned) == 3 and len(table._recent) == 4
    before = table.decodes
    table["src/f0.ts"], table["src/f49.ts"]  # pinned, and among the most recent
    assert table.decodes == before


def test_shared_content_keeps_each_files_own_path() -> None:
    data = pack_facts(FileFacts(path="a/route.ts", language="ts"))
    table = FactsTable({"a/route.ts": data, "b/route.ts": data}, unpack_facts)
    assert table["a/route.ts"].path == "a/route.ts"
    assert table["b/route.ts"].path == "b/route.ts"


def test_facts_that_do_not_decode_are_made_again() -> None:
    good = pack_facts(FileFacts(path="a.ts", language="ts", lines=3))
    made: list[str] = []

    def rebuild(path: str) -> FileFacts:
        made.append(path)
        return FileFacts(path="elsewhere.ts", language="ts", lines=7)

    table = FactsTable({"a.ts": good, "b.ts": zlib.compress(b"{not facts")}, unpack_facts, rebuild)
    assert table["b.ts"].lines == 7 and table["b.ts"].path == "b.ts"
    assert table["a.ts"].lines == 3
    assert made == ["b.ts"] and table.rebuilt == ["b.ts"]  # made once, then kept
    with pytest.raises(ValueError):
        FactsTable({"b.ts": zlib.compress(b"[]")}, unpack_facts)["b.ts"]


def _analysed(sample: str, options: AuditOptions) -> tuple[str, int]:
    loaded = load(SAMPLES / sample, options)
    result = analyse(loaded, options)
    dumped = [
        [e.model_dump(mode="json") for e in result.entry_points],
        [f.model_dump(mode="json") for f in result.findings],
        [s.model_dump(mode="json") for s in result.scorecards],
    ]
    decodes = loaded.facts.decodes if isinstance(loaded.facts, FactsTable) else -1
    return json.dumps(dumped, sort_keys=True), decodes - len(loaded.facts)


@pytest.mark.parametrize("sample", ["notes-secure", "shop-vulnerable"])
def test_an_audit_through_a_tiny_table_equals_one_holding_everything(
    sample: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roomy, extra = _analysed(sample, AuditOptions(use_cache=False, workers=1))
    assert extra <= 0  # a sample fits: every file decoded at most once
    monkeypatch.setattr(table_module, "PINNED", 1)
    monkeypatch.setattr(table_module, "RECENT", 1)
    tiny, extra = _analysed(sample, AuditOptions(use_cache=False, workers=1))
    assert extra > 0  # files were decoded again: the limits were in force
    assert tiny == roomy
    cache = tmp_path / "cache"
    _analysed(sample, AuditOptions(cache_dir=cache, workers=1))
    cached, extra = _analysed(sample, AuditOptions(cache_dir=cache, workers=1))
    assert extra > 0 and cached == roomy
