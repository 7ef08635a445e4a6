"""The workshop: lessons on the sample and on real-world-shaped apps, each with a hidden solution that
the tests apply, a check cell whose stored verdict ("fixed") nbval compares, collapsed answers to its
questions, and no answer marker of the fixtures in anything a learner sees."""

from __future__ import annotations

import json
import re
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
    "11-app-defined-guards": "ATH001",
    "12-service-layer": "AZ001",
    "13-trpc-middleware": "ATH001",
    "14-multi-tenant-scoping": "AZ001",
}
FALSE_POSITIVES = "15-false-positives"
NAMES = [f"workshop/{lesson}.ipynb" for lesson in [*LESSONS, FALSE_POSITIVES]]
# `// expect: AZ001`, `-- ok: MIG002`, `# expect: SEC001`: the fixtures' answers
MARKER = re.compile(r"(//|--|#)\s*(expect|ok)\s*:\s*[A-Z]+\d")


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
    code = "".join(source(c) for c in found)
    assert "exercise_copy(" in code and "copytree" not in code  # markers stripped from the copy
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


@pytest.mark.parametrize("name", NAMES)
def test_a_learner_sees_no_answer_marker(name: str) -> None:
    data = json.loads((NOTEBOOKS / name).read_text(encoding="utf-8"))
    for cell in data["cells"]:
        if cell["cell_type"] == "code":
            assert not MARKER.search(stream(cell)), f"{name} prints a marker: {stream(cell)}"
            assert "expected.yaml" not in source(cell)
        if "solution" not in cell["metadata"].get("tags", []):
            assert not MARKER.search(source(cell)), f"{name} shows a marker: {source(cell)}"


@pytest.mark.parametrize("name", NAMES)
def test_every_question_has_a_collapsed_worked_answer(name: str) -> None:
    found = cells(name.removeprefix("workshop/").removesuffix(".ipynb"))
    further = next(i for i, c in enumerate(found) if source(c).startswith("## 5. Going further"))
    questions = source(found[further]).count("\n* ") + source(found[further]).startswith("* ")
    answers = [c for c in found if "answers" in c["metadata"].get("tags", [])]
    assert len(answers) == 1 and found[further + 1] is answers[0]
    answer = answers[0]
    assert answer["cell_type"] == "markdown"
    assert answer["metadata"]["jupyter"] == {"source_hidden": True}
    assert source(answer).startswith("## 6. Answers to *Going further*")
    # one paragraph of answer per question at least, each opening with a bold lead
    assert source(answer).count("\n**") >= questions >= 2


def test_the_readme_and_the_guide_cover_every_lesson() -> None:
    readme = (NOTEBOOKS / "workshop" / "README.md").read_text(encoding="utf-8")
    guide = (NOTEBOOKS / "workshop" / "TEACHING.md").read_text(encoding="utf-8")
    for name in NAMES:
        number = name.removeprefix("workshop/")[:2]
        assert f"\n| {number} | " in readme, number
        assert f"\n| {number} " in guide, number
    assert "### Without network" in guide and "--no-index --find-links wheelhouse" in guide


def test_the_false_positives_lesson_resolves_each_finding_its_own_way() -> None:
    found = cells(FALSE_POSITIVES)
    solution = next(c for c in found if "solution" in c["metadata"].get("tags", []))
    assert solution["metadata"]["jupyter"] == {"source_hidden": True}
    assert stream(solution) == "solution applied\n"
    check = next(c for c in found if source(c).startswith("after = audit(scratch)"))
    assert stream(check).splitlines() == [
        "open findings: 4 -> 0",
        "accepted: AZ001 src/app/api/notes/[id]/route.ts: assertOwnsNote (@acme/auth) throws a 404"
        " unless the note is the caller's",
        "authentication of route_handler:src/app/api/reports/[id]/route.ts#GET: fail -> pass",
        "authorization of route_handler:src/app/api/reports/[id]/route.ts#GET: fail -> pass",
        "authentication of route_handler:src/app/api/profiles/[handle]/route.ts#GET: fail -> n/a",
        "authorization of route_handler:src/app/api/notes/[id]/route.ts#GET: fail -> fail",
        "verdict: fixed",
    ]
    prose = "".join(source(c) for c in found if c["cell_type"] == "markdown")
    for remedy in ("[[knowledge.authentication]]", "[public] routes", "archtools-ignore"):
        assert remedy in prose


@pytest.mark.notebook
@pytest.mark.slow
def test_workshop_runs_under_nbval_with_the_solutions(run_nbval: Any) -> None:
    assert_all_cells_passed(run_nbval(NAMES), NAMES)
