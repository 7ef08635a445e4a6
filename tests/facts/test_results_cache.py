"""Whole-audit results: an unchanged repository is answered from the cache, any change (a file, the
baseline) misses it, and a damaged entry is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.results_cache import ResultsCache
from tests.support.minirepo import make_repo

ROUTE = """import { prisma } from "@/lib/db";
export async function GET() {
  return Response.json(await prisma.note.findMany({ select: { id: true } }));
}
"""


def test_unchanged_repo_is_answered_from_the_results_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    first = audit(repo, options)
    import archtools.pipeline as pipeline

    def no_analysis(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an unchanged repository must not be analysed again")

    monkeypatch.setattr(pipeline, "load_sources", no_analysis)
    second = audit(repo, options)
    assert second.entry_points == first.entry_points and second.findings == first.findings
    monkeypatch.undo()
    (repo / "app/api/a/route.ts").write_text(ROUTE.replace("id: true", "id: true, title: true"))
    third = audit(repo, options)
    assert third.findings[0].snippet != first.findings[0].snippet
    with_baseline = audit(
        repo,
        AuditOptions(
            cache_dir=tmp_path / "cache", workers=1, baseline={third.findings[0].fingerprint}
        ),
    )
    assert with_baseline.findings[0].suppressed == "accepted in the baseline"


def test_a_damaged_results_entry_is_ignored(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    clean = audit(repo, options)
    entry = ResultsCache(tmp_path / "cache")._file(repo)
    data = bytearray(entry.read_bytes())
    data[-5] ^= 0xFF
    entry.write_bytes(bytes(data))
    assert audit(repo, options).findings == clean.findings
    entry.write_bytes(b"garbage")
    assert audit(repo, options).findings == clean.findings
