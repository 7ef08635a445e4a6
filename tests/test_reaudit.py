"""Re-audits from the stored audit: after an edit that leaves every file's facts as they were, the
stored audit is answered with the changed files' snippets read again, and it equals a full audit;
any other edit (code, a shared helper, the schema, a file added or removed, the config) is audited
in full, and equals a full audit too."""

from __future__ import annotations

import ast
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

import archtools.analyze
from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit

SAMPLES = Path(__file__).resolve().parent.parent / "data" / "samples"
ORDERS = "src/app/api/orders/route.ts"
LOOP_LINE = "  for (const row of rows) {\n"


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1))


def _append(path: Path, text: str) -> None:
    path.write_text(path.read_text() + text)


# (sample, edit, whether the stored audit answers it without analysing)
Edit = Callable[[Path], object]
EDITS: dict[str, tuple[str, Edit, bool]] = {
    "comment appended to a route": (
        "shop-vulnerable",
        lambda repo: _append(repo / ORDERS, "\n// revision 1\n"),
        True,
    ),
    "comment reworded beside a finding": (
        "shop-vulnerable",
        lambda repo: _replace(repo / ORDERS, "// one query per row", "// a query for each row"),
        True,
    ),
    "comment appended to the Drizzle schema": (
        "shop-vulnerable",
        lambda repo: _append(repo / "src/db/schema.ts", "// the end\n"),
        True,
    ),
    "route code edited": (
        "shop-vulnerable",
        lambda repo: _replace(
            repo / ORDERS,
            '  if (!userId) return NextResponse.json({ error: "Unauthorized" }, { status: 401 });\n',
            "",
        ),
        False,
    ),
    "helper used by many routes edited": (
        "shop-vulnerable",
        lambda repo: _replace(
            repo / "src/lib/auth.ts", 'return user?.role === "admin";', "return true;"
        ),
        False,
    ),
    "Drizzle schema edited": (
        "shop-vulnerable",
        lambda repo: _replace(
            repo / "src/db/schema.ts",
            'name: varchar("name", { length: 120 }),',
            'name: varchar("name", { length: 120 }),\n    phone: varchar("phone", { length: 40 }),',
        ),
        False,
    ),
    "Prisma schema edited": (
        "notes-secure",
        lambda repo: _replace(
            repo / "prisma/schema.prisma", "passwordHash  String?", "passwordHash  String"
        ),
        False,
    ),
    "route added": (
        "shop-vulnerable",
        lambda repo: shutil.copytree(repo / "src/app/api/account", repo / "src/app/api/profile"),
        False,
    ),
    "route removed": (
        "shop-vulnerable",
        lambda repo: (repo / "src/app/api/account/route.ts").unlink(),
        False,
    ),
    "archtools.toml edited": (
        "shop-vulnerable",
        lambda repo: _append(repo / "archtools.toml", '\n[rules]\nignore = ["PRF001"]\n'),
        False,
    ),
}


def _comparable(result: Audit) -> dict[str, object]:
    """The audit but for the run's timing and how many files the facts cache answered."""
    dumped = result.model_dump(mode="json")
    stats = dumped["stats"]
    assert isinstance(stats, dict)
    del stats["seconds"], stats["files_cached"]
    return dumped


@pytest.fixture
def analyses(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the audits that ran the analysis."""
    ran: list[int] = []
    analyse = archtools.analyze.analyse

    def counted(*args: object, **kwargs: object) -> object:
        ran.append(1)
        return analyse(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(archtools.analyze, "analyse", counted)
    return ran


@pytest.mark.parametrize("name", list(EDITS))
def test_an_edited_repository_audits_as_a_full_audit_does(
    tmp_path: Path, name: str, analyses: list[int]
) -> None:
    sample, edit, answered = EDITS[name]
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / sample, repo)
    if sample == "shop-vulnerable":  # a plain comment beside a finding (PRF001, two lines on)
        _replace(repo / ORDERS, LOOP_LINE, LOOP_LINE.rstrip("\n") + " // one query per row\n")
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    before = audit(repo, options)
    edit(repo)
    analyses.clear()
    again = audit(repo, options)
    assert analyses == ([] if answered else [1])
    full = audit(repo, AuditOptions(use_cache=False, workers=1))
    assert _comparable(again) == _comparable(full)
    if name == "comment reworded beside a finding":
        assert _comparable(again) != _comparable(before)  # the snippet shows the new comment
    if answered:  # and the audit it stored answers the next edit in turn
        _append(repo / ORDERS, "\n// revision 2\n")
        analyses.clear()
        third = audit(repo, options)
        assert analyses == []
        assert _comparable(third) == _comparable(audit(repo, AuditOptions(use_cache=False)))


def test_a_file_whose_facts_fail_is_audited_in_full(tmp_path: Path, analyses: list[int]) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(SAMPLES / "shop-vulnerable", repo)
    options = AuditOptions(cache_dir=tmp_path / "cache", workers=1)
    audit(repo, options)
    _append(repo / ORDERS, "\nexport const broken = (;\n")  # a syntax error: other facts
    analyses.clear()
    again = audit(repo, options)
    assert analyses == [1]
    assert _comparable(again) == _comparable(audit(repo, AuditOptions(use_cache=False)))


def test_the_line_count_of_a_file_is_read_only_as_past_its_last_line() -> None:
    """archtools.reaudit ignores FileFacts.lines when it compares facts (lines added at the end
    change nothing else): that holds while its one reader only asks for a line past every other.
    A new reader of `.lines` must be checked against that comparison, then listed here."""
    package = Path(archtools.analyze.__file__).resolve().parent
    readers = set()
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr == "lines"
                and not (isinstance(node.value, ast.Name) and node.value.id == "self")
            ):
                readers.add((path.relative_to(package).as_posix(), ast.unparse(node)))
    assert readers == {("analysis/flow.py", "facts.lines")}
