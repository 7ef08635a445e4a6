"""A JSON report of an audit the results cache answers is written from the JSON stored, never
decoded into objects: byte for byte what the decoded audit writes (but for this run's seconds),
with the same --fail-on exit codes."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

import archtools.analyze
import archtools.pipeline
from archtools.cli import main
from archtools.pipeline import AuditOptions, audit
from archtools.results_cache import StoredAudit

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
SECONDS = re.compile(r'"seconds": [0-9.e+-]+')


def _without_seconds(text: str) -> str:
    assert len(SECONDS.findall(text)) == 1  # the stats' own
    return SECONDS.sub('"seconds": 0', text)


@pytest.mark.parametrize("sample", ["shop-vulnerable", "notes-secure"])  # findings, and none
def test_a_cached_json_report_is_written_from_the_stored_json(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, sample: str
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / sample, repo)
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))
    fresh = tmp_path / "fresh.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(fresh)]) == 0
    decoded = audit(repo, AuditOptions(cache_dir=tmp_path / "cache"))
    answered: list[StoredAudit] = []
    real = StoredAudit.answered.__func__  # type: ignore[attr-defined]

    def kept(cls: type[StoredAudit], /, *args: object, **kwargs: object) -> StoredAudit | None:
        found = real(cls, *args, **kwargs)
        answered.append(found)
        return found  # type: ignore[no-any-return]

    def no_decoding(_text: bytes) -> None:
        raise AssertionError("a JSON report of a cached audit must not decode it")

    monkeypatch.setattr(StoredAudit, "answered", classmethod(kept))
    monkeypatch.setattr(archtools.pipeline, "decoded_audit", no_decoding)
    stored = tmp_path / "stored.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(stored)]) == 0
    assert len(answered) == 1
    assert _without_seconds(stored.read_text()) == _without_seconds(decoded.to_json())
    assert _without_seconds(stored.read_text()) != _without_seconds(fresh.read_text())  # cached
    for severity in ("critical", "high", "medium", "low", "info"):
        expected = main(
            ["audit", str(repo), "--format", "json", "--no-cache", "--fail-on", severity]
        )
        code = main(["audit", str(repo), "--format", "json", "--fail-on", severity])
        assert code == expected, severity
    assert len(answered) == 6


def test_a_damaged_stored_json_is_audited_again(tmp_path: Path) -> None:
    assert StoredAudit.answered(b'{"stats": 1}', seconds=0.1, files_cached=0, commit=None) is None
    assert StoredAudit.answered(b"[", seconds=0.1, files_cached=0, commit=None) is None


def test_a_json_report_after_an_edit_that_changes_no_facts_is_the_full_audits(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A comment reworded beside a finding, lines added at the end: the stored JSON, with the
    route's snippets made again."""
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "shop-vulnerable", repo)
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))
    assert main(["audit", str(repo), "--format", "json", "-o", str(tmp_path / "a.json")]) == 0
    route = repo / "src/app/api/orders/route.ts"
    route.write_text(route.read_text().replace("rows) {\n", "rows) { // per row\n"))
    assert main(["audit", str(repo), "--format", "json", "-o", str(tmp_path / "b.json")]) == 0
    route.write_text(route.read_text().replace("// per row", "// a query per row") + "\n// end\n")

    def no_analysis(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("an edit that changes no facts must not be analysed again")

    with monkeypatch.context() as patched:
        patched.setattr(archtools.analyze, "analyse", no_analysis)
        assert main(["audit", str(repo), "--format", "json", "-o", str(tmp_path / "c.json")]) == 0
    full = audit(repo, AuditOptions(use_cache=False)).to_json()
    cached = re.compile(r'"files_cached": [0-9]+')
    answered = cached.sub("", _without_seconds((tmp_path / "c.json").read_text()))
    assert answered == cached.sub("", _without_seconds(full))
    assert "// a query per row" in answered
