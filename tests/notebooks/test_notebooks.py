"""The guided-tour notebooks: committed with outputs, and run top to bottom under nbval.

nbval runs in a subprocess (`pytest --nbval` on notebooks/, see conftest.py) because testpaths holds
tests/ only. Cells tagged `nbval-ignore-output` run but their output is not compared; the others must
print what is stored. After a change that alters a stored output, run tests/notebooks/refresh.py and
review the diff."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.nbval import assert_all_cells_passed

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
MAIN = [
    "01-quickstart.ipynb",
    "02-schema-and-erd.ipynb",
    "03-auth-coverage.ipynb",
    "04-scorecards-and-findings.ipynb",
    "05-audit-report.ipynb",
    "dashboard.ipynb",
]
LESSONS = [
    "workshop/01-validate-everything.ipynb",
    "workshop/02-schema-first.ipynb",
    "workshop/03-authentication.ipynb",
    "workshop/04-authorization-idor.ipynb",
    "workshop/05-secrets.ipynb",
    "workshop/06-injection.ipynb",
    "workshop/07-exposure.ipynb",
    "workshop/08-rate-limits.ipynb",
    "workshop/09-audit-logs.ipynb",
    "workshop/10-type-safety.ipynb",
    "workshop/11-app-defined-guards.ipynb",
    "workshop/12-service-layer.ipynb",
    "workshop/13-trpc-middleware.ipynb",
    "workshop/14-multi-tenant-scoping.ipynb",
    "workshop/15-false-positives.ipynb",
]


def load(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    return data


def tags(cell: dict[str, Any]) -> list[str]:
    found: list[str] = cell.get("metadata", {}).get("tags", [])
    return found


def test_every_notebook_is_listed() -> None:
    found = sorted(
        str(p.relative_to(NOTEBOOKS))
        for p in NOTEBOOKS.rglob("*.ipynb")
        if ".ipynb_checkpoints" not in p.parts
    )
    assert found == sorted(MAIN + LESSONS)


@pytest.mark.parametrize("name", MAIN + LESSONS)
def test_committed_with_outputs_prose_and_the_python3_kernel(name: str) -> None:
    data = load(name)
    assert data["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in data["cells"] if c["cell_type"] == "code"]
    assert all(c["execution_count"] is not None for c in code), "run tests/notebooks/refresh.py"
    assert "widgets" not in data["metadata"], "widget state is not stored (it holds random ids)"
    checked = [c for c in code if "nbval-ignore-output" not in tags(c) and c["outputs"]]
    if name != "dashboard.ipynb":  # the dashboard is one widget: nothing to compare
        assert checked, "at least one cell's output must be compared by nbval"
    prose = "".join("".join(c["source"]) for c in data["cells"] if c["cell_type"] == "markdown")
    assert len(prose) > 400, "a notebook reads as a guided tour, not only code"
    outputs = json.dumps([c["outputs"] for c in code])
    assert '"output_type": "error"' not in outputs
    assert "/work/" not in outputs and "/home/" not in outputs  # no absolute checkout paths


def test_report_notebook_has_papermill_parameters() -> None:
    cells = load("05-audit-report.ipynb")["cells"]
    parameters = [c for c in cells if "parameters" in tags(c)]
    assert len(parameters) == 1
    source = "".join(parameters[0]["source"])
    for name in ("repo_path = ", "output_dir = ", "formats = "):
        assert name in source
    written = next(
        c for c in cells if c["cell_type"] == "code" and "written = " in "".join(c["source"])
    )
    assert "".join(written["outputs"][0]["text"]).split() == [
        "report.html",
        "report.md",
        "report.sarif",
        "audit.json",
    ]


@pytest.mark.parametrize("name", MAIN)
def test_each_guided_notebook_takes_the_repository_as_a_parameter(name: str) -> None:
    cells = load(name)["cells"]
    parameters = [c for c in cells if "parameters" in tags(c)]
    assert len(parameters) == 1, "one papermill parameters cell"
    assert "".join(parameters[0]["source"]).startswith("repo_path = ")
    code = "".join(
        "".join(c["source"]) for c in cells if c["cell_type"] == "code" and c is not parameters[0]
    )
    assert "data/samples" not in code.replace('or "../data/samples/shop-vulnerable"', "")


def test_dashboard_notebook_reads_the_repository_from_the_environment() -> None:
    source = "".join("".join(c["source"]) for c in load("dashboard.ipynb")["cells"])
    assert 'os.environ.get("ARCHTOOLS_REPO")' in source
    assert "Dashboard(repo)" in source


@pytest.mark.notebook
@pytest.mark.slow
def test_main_notebooks_run_under_nbval(run_nbval: Any) -> None:
    assert_all_cells_passed(run_nbval(MAIN), MAIN)
