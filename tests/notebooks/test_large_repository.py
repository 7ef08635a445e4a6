"""Every guided-tour notebook, run with papermill on the generated repository at the scale of a real
app (tests/support/large_repo.py) instead of the sample it opens with: nothing in a notebook may depend
on the samples, and no cell may print more than OUTPUT_BUDGET bytes however large the audit.

One repository is generated for the module and shared by every notebook, with one facts cache, so
each notebook's audit after the first is read from the cache."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import papermill
import pytest

from archtools.results import Audit
from tests.support.large_repo import large_audit

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
OUTPUT_BUDGET = 100_000  # bytes of output in one cell

pytestmark = [pytest.mark.notebook, pytest.mark.slow, pytest.mark.xdist_group("large-notebooks")]


@pytest.fixture(scope="module")
def large(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Audit]]:
    """The generated repository and its audit, with a facts cache shared by the notebooks' kernels
    (they inherit this process's environment)."""
    base = tmp_path_factory.mktemp("large-notebooks")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("ARCHTOOLS_CACHE_DIR", str(base / "cache"))
        patch.delenv("ARCHTOOLS_REPO", raising=False)
        root = base / "large"
        root.mkdir()
        yield root, large_audit(root)


def run(name: str, out: Path, **parameters: Any) -> nbformat.NotebookNode:
    executed: nbformat.NotebookNode = papermill.execute_notebook(
        str(NOTEBOOKS / name),
        str(out / Path(name).name),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
        log_output=False,
    )
    return executed


def code_cells(notebook: nbformat.NotebookNode) -> list[Any]:
    return [cell for cell in notebook.cells if cell.cell_type == "code"]


def printed(notebook: nbformat.NotebookNode) -> str:
    """Everything the cells printed, and the plain-text form of what they displayed."""
    parts = []
    for cell in code_cells(notebook):
        for output in cell.outputs:
            parts.append(output.get("text") or output.get("data", {}).get("text/plain", ""))
    return "\n".join(parts)


def output_size(output: dict[str, Any]) -> int:
    """Characters a cell's output sends to the page: its text, or each of its representations."""
    values = [output.get("text", ""), *output.get("data", {}).values()]
    return sum(len(v if isinstance(v, str) else json.dumps(v)) for v in values)


def assert_bounded(notebook: nbformat.NotebookNode) -> None:
    for cell in code_cells(notebook):
        size = sum(output_size(o) for o in cell.outputs)
        assert size < OUTPUT_BUDGET, f"{size} bytes of output from:\n{cell.source}"
        assert all(o.output_type != "error" for o in cell.outputs), cell.source


def test_quickstart(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, audit = large
    executed = run("01-quickstart.ipynb", tmp_path, repo_path=str(root))
    assert_bounded(executed)
    text = printed(executed)
    assert f"entry points: {len(audit.entry_points)}\n" in text
    pages = -(-len(audit.findings) // 50)
    assert f"findings: page 1 of {pages}, 50 a page" in text
    shown = next(c for c in code_cells(executed) if c.source == "show(result)")
    html = shown.outputs[0]["data"]["text/html"]
    assert f"findings 1-50 of {len(audit.findings)}, page 1 of {pages}" in html
    assert "show(result, page=2)" in html


def test_schema_and_erd(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, audit = large
    executed = run("02-schema-and-erd.ipynb", tmp_path, repo_path=str(root))
    assert_bounded(executed)
    text = printed(executed)
    assert f"{len(audit.schema_.models)} models" in text
    whole = next(c for c in code_cells(executed) if c.source == "ErdView(schema)")
    assert "not drawn; pick a part with focus= or groups=" in whole.outputs[0]["data"]["text/plain"]
    focused = next(c for c in code_cells(executed) if c.source.startswith("ErdView(schema, focus="))
    assert focused.outputs[0]["data"]["text/plain"].startswith("ERD of ")


def test_auth_coverage(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, audit = large
    executed = run("03-auth-coverage.ipynb", tmp_path, repo_path=str(root))
    assert_bounded(executed)
    failing = sum(1 for e in audit.entry_points if e.checks.authorization.status.value == "fail")
    assert f"{failing} entry points fail authorization" in printed(executed)
    assert f"{len(audit.entry_points)} entry points in" in printed(executed)


def test_scorecards_and_findings(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, audit = large
    executed = run("04-scorecards-and-findings.ipynb", tmp_path, repo_path=str(root))
    assert_bounded(executed)
    text = printed(executed)
    assert f"{len(audit.scorecards)} features:" in text
    assert "True - every finding of the rule is listed" in text


def test_audit_report(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, audit = large
    out = tmp_path / "reports"
    executed = run(
        "05-audit-report.ipynb",
        tmp_path,
        repo_path=str(root),
        output_dir=str(out),
        formats=["json"],
    )
    assert_bounded(executed)
    written = Audit.from_json((out / "audit.json").read_text(encoding="utf-8"))
    assert len(written.entry_points) == len(audit.entry_points)
    assert "JSON round-trips: True" in printed(executed)


def test_dashboard(large: tuple[Path, Audit], tmp_path: Path) -> None:
    root, _audit = large
    executed = run("dashboard.ipynb", tmp_path, repo_path=str(root))
    assert_bounded(executed)
    widget = code_cells(executed)[-1].outputs[0]["data"]
    assert "application/vnd.jupyter.widget-view+json" in widget


@pytest.mark.xdist_group("empty-notebooks")  # apart from the large repository's, in parallel
@pytest.mark.parametrize(
    "name",
    [
        "01-quickstart.ipynb",
        "02-schema-and-erd.ipynb",
        "03-auth-coverage.ipynb",
        "04-scorecards-and-findings.ipynb",
    ],
)
def test_a_repository_with_nothing_to_report(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other end of "any repository": a Next.js app with no route, no schema, no finding."""
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))
    repo = tmp_path / "empty"
    repo.mkdir()
    (repo / "package.json").write_text('{"name": "empty", "dependencies": {"next": "15.1.3"}}')
    executed = run(name, tmp_path, repo_path=str(repo))
    assert_bounded(executed)
    if name == "01-quickstart.ipynb":
        assert "repository: empty\nORM: None with 0 models\nentry points: 0\n" in printed(executed)
