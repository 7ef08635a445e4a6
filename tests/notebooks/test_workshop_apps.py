"""The workshop's own apps give the verdicts their lessons teach, and an exercise copy hides the
fixtures' answers without changing what archtools finds."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from archtools import audit
from archtools.results import CHECK_NAMES, Audit
from archtools.workshop import excerpt, exercise_copy, strip_markers

ROOT = Path(__file__).resolve().parents[2]
APPS = ROOT / "notebooks" / "workshop" / "data"
SHOP = ROOT / "data" / "samples" / "shop-vulnerable"

TASKS = "src/app/api/tasks/[id]/route.ts"
COMPLETE = "route_handler:src/app/api/tasks/[id]/complete/route.ts#POST"
ROUTER = "src/server/trpc/routers/project.ts"
PROCEDURE = "trpc_procedure:src/server/trpc/routers/project.ts#project."


@pytest.fixture(autouse=True)
def private_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ARCHTOOLS_CACHE_DIR", str(tmp_path / "cache"))


def findings(result: Audit) -> set[tuple[str, str, str | None]]:
    return {(f.rule, f.file, f.entry_point) for f in result.findings if f.suppressed is None}


def status(result: Audit, entry: str, check: str) -> str:
    found = next(e for e in result.entry_points if e.id == entry)
    return found.checks.get(check).status.value


def test_team_tasks_has_the_four_lessons_bugs_and_nothing_else() -> None:
    result = audit(APPS / "team-tasks")
    patch = f"route_handler:{TASKS}#PATCH"
    assert findings(result) == {
        ("ATH001", TASKS, patch),  # lesson 11: a handler without the app's guard
        ("AZ001", TASKS, patch),
        ("AZ001", "src/server/services/tasks.ts", COMPLETE),  # lesson 12: in the service
        ("ATH001", ROUTER, f"{PROCEDURE}rename"),  # lesson 13: publicProcedure
        ("AZ001", ROUTER, f"{PROCEDURE}rename"),
        ("AZ001", ROUTER, f"{PROCEDURE}byId"),  # lesson 14: not scoped to the organization
    }
    # what the lessons say archtools understands: the app's helper, its wrapper, its middleware
    assert status(result, f"route_handler:{TASKS}#GET", "authorization") == "pass"
    assert status(result, "route_handler:src/app/api/projects/route.ts#GET", "authentication") == (
        "pass"
    )
    assert status(result, COMPLETE, "authentication") == "pass"
    assert status(result, f"{PROCEDURE}mine", "authorization") == "pass"


def test_field_notes_is_correct_code_that_archtools_flags_four_times() -> None:
    result = audit(APPS / "field-notes")
    assert findings(result) == {
        ("ATH001", "src/app/api/reports/[id]/route.ts", "route_handler:src/app/api/reports/[id]/route.ts#GET"),
        ("AZ001", "src/app/api/reports/[id]/route.ts", "route_handler:src/app/api/reports/[id]/route.ts#GET"),
        ("ATH001", "src/app/api/profiles/[handle]/route.ts", "route_handler:src/app/api/profiles/[handle]/route.ts#GET"),
        ("AZ001", "src/app/api/notes/[id]/route.ts", "route_handler:src/app/api/notes/[id]/route.ts#GET"),
    }  # fmt: skip
    assert result.errors == []


def test_strip_markers_removes_the_answer_lines_only() -> None:
    text = (
        "// expect: AZ001\n  const a = 1;\n    // ok: ATH001, EXP001\n"
        "-- expect: MIG006\n# expect: SEC001\nreturn { ok: true }; // expected later\n"
    )
    assert strip_markers(text) == "  const a = 1;\nreturn { ok: true }; // expected later\n"


def test_an_exercise_copy_hides_the_answers_and_audits_the_same(tmp_path: Path) -> None:
    copy = exercise_copy(SHOP, tmp_path)
    assert copy == tmp_path / "shop-vulnerable"
    assert not (copy / "expected.yaml").exists() and (SHOP / "expected.yaml").exists()
    for path in copy.rglob("*"):
        if path.is_file() and (
            path.suffix in (".ts", ".tsx", ".sql") or path.name == ".env.example"
        ):
            assert "expect:" not in path.read_text(encoding="utf-8"), path
    assert "// expect: AZ001" in (SHOP / "src/app/api/orders/[id]/route.ts").read_text("utf-8")

    def where(result: Audit) -> Counter[tuple[str, str, str | None]]:
        return Counter((f.rule, f.file, f.entry_point) for f in result.findings)

    original, copied = audit(SHOP), audit(copy)
    assert where(copied) == where(original)

    def statuses(result: Audit) -> dict[str, list[str]]:
        return {
            e.id: [e.checks.get(name).status.value for name in CHECK_NAMES]
            for e in result.entry_points
        }

    assert len(statuses(copied)) == 29 and statuses(copied) == statuses(original)


def test_excerpt_numbers_the_lines_and_marks_one(tmp_path: Path) -> None:
    path = tmp_path / "a.ts"
    path.write_text("\n".join(f"line {n}" for n in range(1, 11)) + "\n", encoding="utf-8")
    assert excerpt(path, 5, before=1, after=1) == "     4 line 4\n>>   5 line 5\n     6 line 6"
    assert excerpt(path, 1, before=3, after=0) == ">>   1 line 1"


def test_excerpt_shows_hidden_characters_as_escapes(tmp_path: Path) -> None:
    path = tmp_path / "b.ts"
    path.write_text('const role = "user\u202e\u2066";\x1b[2J\n', encoding="utf-8")
    assert excerpt(path, 1) == '>>   1 const role = "user\\u202e\\u2066";\\x1b[2J'
