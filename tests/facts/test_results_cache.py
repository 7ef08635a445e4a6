"""Whole-audit results: an unchanged repository is answered from the cache, any change (a file, the
baseline) misses it, and a damaged entry is ignored."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from archtools import results_cache
from archtools.pipeline import AuditOptions, audit
from archtools.results_cache import NO_STAMPS, ResultsCache
from archtools.source import files as source_files
from archtools.source.texts import SourceTexts
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


LONG_AGO = 1_600_000_000  # seconds since the epoch


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files count as settled at once (their status-change time is the test's own)."""
    monkeypatch.setattr(results_cache, "STAMP_SETTLE", 0.0)
    monkeypatch.setattr(source_files, "CLASSIFICATION_SETTLE_NS", 0)


def _age(repo: Path, seconds: int = LONG_AGO) -> None:
    """Give every file of `repo` the same old modification time."""
    for path in repo.rglob("*"):
        if path.is_file():
            os.utime(path, (seconds, seconds))


def _reading_forbidden(monkeypatch: pytest.MonkeyPatch) -> None:
    import archtools.pipeline as pipeline

    def no_reading(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an untouched repository must be answered without reading files")

    monkeypatch.setattr(pipeline, "read_sources", no_reading)
    monkeypatch.setattr(source_files, "classify_content", no_reading)  # discovery reads none
    monkeypatch.setattr(pipeline, "audit_key", no_reading)  # nor hashes any
    monkeypatch.setattr(SourceTexts, "__setitem__", no_reading)


def test_an_untouched_repository_is_answered_from_file_stamps_without_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    _age(repo)
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    first = audit(repo, options)
    with monkeypatch.context() as patched:
        _reading_forbidden(patched)
        second = audit(repo, options)
    assert second.entry_points == first.entry_points and second.findings == first.findings


def test_a_touched_but_unchanged_file_is_checked_by_content_once_then_by_stamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    _age(repo)
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    first = audit(repo, options)
    os.utime(repo / "app/api/a/route.ts", (LONG_AGO + 60, LONG_AGO + 60))
    with monkeypatch.context() as patched:
        _reading_forbidden(patched)
        with pytest.raises(AssertionError, match="without reading"):
            audit(repo, options)
    import archtools.pipeline as pipeline

    with monkeypatch.context() as patched:

        def no_analysis(*_args: object, **_kwargs: object) -> None:
            raise AssertionError("the same contents must not be analysed again")

        patched.setattr(pipeline, "load_sources", no_analysis)
        assert audit(repo, options).findings == first.findings  # by content, stamps renewed
    with monkeypatch.context() as patched:
        _reading_forbidden(patched)
        assert audit(repo, options).findings == first.findings  # by the renewed stamps


@pytest.mark.parametrize(
    "change",
    ["same size, new time", "file added", "file removed", "config", "option", "version"],
)
def test_any_change_of_stamps_file_set_or_options_misses_the_stamps(
    tmp_path: Path, change: str, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE, "app/api/c/route.ts": ROUTE})
    _age(repo)
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    first = audit(repo, options)
    if change == "same size, new time":
        route = repo / "app/api/a/route.ts"
        route.write_text(ROUTE.replace("GET", "PUT"))
        assert route.stat().st_size == len(ROUTE)
        _age(repo, LONG_AGO + 1)
    elif change == "file added":
        (repo / "app/api/b").mkdir()
        (repo / "app/api/b/route.ts").write_text(ROUTE)
        _age(repo)
    elif change == "file removed":
        (repo / "app/api/c/route.ts").unlink()
    elif change == "config":
        (repo / "archtools.toml").write_text('[rules]\nignore = ["ATH001"]\n')
        _age(repo)
    elif change == "option":
        options = AuditOptions(cache_dir=tmp_path / "cache", workers=1, ignore=("ATH001",))
    else:  # another archtools: its audit may differ, so the stored one is not taken
        monkeypatch.setattr(results_cache, "__version__", "0.0.0+other")
        answered: list[str] = []

        def looked_up(_cache: object, _root: Path, key: str) -> None:
            answered.append(key)

        monkeypatch.setattr(results_cache.ResultsCache, "get_text", looked_up)
    again = audit(repo, options)
    if change == "version":
        assert len(answered) == 1  # missed by stamps, looked up by content, analysed again
        return
    fresh = audit(repo, AuditOptions(use_cache=False, workers=1, ignore=options.ignore))
    assert again.model_dump(exclude={"stats"}) == fresh.model_dump(exclude={"stats"})
    assert again.model_dump(exclude={"stats"}) != first.model_dump(exclude={"stats"})


def test_files_modified_within_the_settle_time_get_no_stamps(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    audit(repo, options)  # the files were just written
    header = ResultsCache(tmp_path / "cache")._file(repo).read_bytes().split(b"\n", 1)[0]
    assert header.split(b" ")[1] == NO_STAMPS.encode()
    _age(repo)
    monkeypatch.setattr(results_cache, "STAMP_SETTLE", 0.0)
    audit(repo, options)  # settled now: the same contents, stamped
    header = ResultsCache(tmp_path / "cache")._file(repo).read_bytes().split(b"\n", 1)[0]
    assert header.split(b" ")[1] != NO_STAMPS.encode()
