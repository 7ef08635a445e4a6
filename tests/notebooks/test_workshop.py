"""The workshop: one lesson per iron law, each with a hidden solution that the tests apply, and a
check cell whose stored verdict ("fixed") nbval compares."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.nbval import assert_all_cells_passed

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
LESSONS = {
    "01-validate-everything": "VAL001",
    "02-schema-first": "SCH001",
    "03-authentication": "ATH001",
    "04-authorization-idor": "AZ001",
    "05-secrets": "SEC003",
    "06-injection": "INJ001",
    "07-exposure": "EXP001",
    "08-rate-limits": "RL001",
    "09-audit-logs": "AUD001",
    "10-type-safety": "TYP002",
}
NAMES = [f"workshop/{lesson}.ipynb" for lesson in LESSONS]


def cells(lesson: str) -> list[dict[str, Any]]:
    data = json.loads((NOTEBOOKS / "workshop" / f"{lesson}.ipynb").read_text(encoding="utf-8"))
    found: list[dict[str, Any]] = data["cells"]
    return found


def source(cell: dict[str, Any]) -> str:
    return "".join(cell["source"])


def stream(cell: dict[str, Any]) -> str:
    """The text a cell printed or displayed (stored as a string or a list of lines)."""
    parts = [o.get("text") or o.get("data", {}).get("text/plain", "") for o in cell["outputs"]]
    return "".join(part if isinstance(part, str) else "".join(part) for part in parts)


@pytest.mark.parametrize(("lesson", "rule"), LESSONS.items())
def test_lesson_structure(lesson: str, rule: str) -> None:
    found = cells(lesson)
    markdown = "".join(source(c) for c in found if c["cell_type"] == "markdown")
    for heading in (
        "## 1. The vulnerable code",
        "## 2. Why archtools flags it",
        "## 3. Exercise",
        "## 4. Check your work",
    ):
        assert heading in markdown
    assert markdown.count(">") >= 1  # the law, quoted from the seed
    setup = source(next(c for c in found if c["cell_type"] == "code"))
    assert f'RULE = "{rule}"' in setup
    assert "shutil.copytree(SAMPLE, scratch)" in "".join(source(c) for c in found)
    assert any("FindingView(finding, rule_catalog()[RULE])" in source(c) for c in found)


@pytest.mark.parametrize("lesson", LESSONS)
def test_solution_is_hidden_guarded_and_the_stored_verdict_is_fixed(lesson: str) -> None:
    found = cells(lesson)
    solutions = [c for c in found if "solution" in c["metadata"].get("tags", [])]
    assert len(solutions) == 1
    solution = solutions[0]
    assert solution["metadata"]["jupyter"] == {"source_hidden": True}
    assert 'if os.environ.get("ARCHTOOLS_WORKSHOP_SOLUTIONS") == "1":' in source(solution)
    assert stream(solution) == "solution applied\n"
    verdicts = [c for c in found if source(c).startswith("after = audit(scratch)")]
    assert len(verdicts) == 1
    lines = stream(verdicts[0]).splitlines()
    assert lines[0].startswith(f"{LESSONS[lesson]} findings in ") and lines[0].endswith(": 1 -> 0")
    assert lines[-1] == "verdict: fixed"


@pytest.mark.notebook
@pytest.mark.slow
def test_workshop_runs_under_nbval_with_the_solutions(run_nbval: Any) -> None:
    assert_all_cells_passed(run_nbval(NAMES), NAMES)
