"""`archtools report`: every format written to one folder, directly or through the report notebook."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pytest

from archtools.cli import main
from archtools.errors import InputError
from archtools.reporting import write_report_files, write_reports
from archtools.results import Audit

SHOP = Path(__file__).resolve().parents[2] / "data" / "samples" / "shop-vulnerable"
NAMES = ["report.html", "report.md", "report.sarif", "audit.json"]


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture(scope="module")
def shop_reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    out = tmp_path_factory.mktemp("reports") / "out"
    return out, write_reports(SHOP, out, notebook=False)


def test_writes_each_format_in_order(shop_reports: tuple[Path, list[Path]]) -> None:
    out, written = shop_reports
    assert written == [out / name for name in NAMES]
    assert sorted(p.name for p in out.iterdir()) == sorted(NAMES)
    audit = Audit.from_json((out / "audit.json").read_text(encoding="utf-8"))
    assert audit.repo.root == "shop-vulnerable"
    sarif = json.loads((out / "report.sarif").read_text(encoding="utf-8"))
    assert sarif["version"] == "2.1.0"
    rules_with_results = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rules_with_results == {f.rule for f in audit.findings if f.suppressed is None}
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>") and "<svg" in html  # with the ERD
    assert "shop-vulnerable" in (out / "report.md").read_text(encoding="utf-8")


def test_some_formats_only(tmp_path: Path, shop_reports: tuple[Path, list[Path]]) -> None:
    audit = Audit.from_json((shop_reports[0] / "audit.json").read_text(encoding="utf-8"))
    written = write_report_files(audit, tmp_path / "two", ["json", "text", "json"])
    assert written == [tmp_path / "two" / "audit.json", tmp_path / "two" / "report.txt"]
    with pytest.raises(InputError, match="unknown report format 'pdf'"):
        write_report_files(audit, tmp_path / "bad", ["md", "pdf"])
    assert not (tmp_path / "bad").exists()


def test_a_missing_repository_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        write_reports(tmp_path / "missing", tmp_path / "out", notebook=False)


def test_the_cli_prints_the_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "cli"
    assert main(["report", str(SHOP), "-o", str(out)]) == 0
    assert capsys.readouterr().out.splitlines() == [str(out / name) for name in NAMES]


@pytest.mark.notebook
@pytest.mark.slow
def test_notebook_mode_runs_the_report_notebook_with_papermill(tmp_path: Path) -> None:
    out = tmp_path / "nb"
    written = write_reports(SHOP, out, notebook=True)
    assert written == [out / name for name in NAMES] + [out / "audit-report.ipynb"]
    assert all(path.is_file() for path in written)
    executed = nbformat.read(out / "audit-report.ipynb", as_version=4)  # type: ignore[no-untyped-call]
    injected = [c for c in executed.cells if "injected-parameters" in c.metadata.get("tags", [])]
    assert len(injected) == 1
    assert f"repo_path = {str(SHOP.resolve())!r}" in injected[0].source.replace('"', "'")
    printed = [
        o.get("text", "") for c in executed.cells if c.cell_type == "code" for o in c.outputs
    ]
    assert "report.html\nreport.md\nreport.sarif\naudit.json\n" in printed
    assert "SARIF version: 2.1.0\n" in "".join(printed)
    audit = Audit.from_json((out / "audit.json").read_text(encoding="utf-8"))
    assert audit.repo.root == "shop-vulnerable"
