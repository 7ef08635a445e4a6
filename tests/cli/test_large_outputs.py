"""The command line on a repository at the scale of a real app (tests/support/large_repo.py: about a
thousand entry points and as many findings): a terminal summary that fits a screen, the matrix only
when asked for, a Markdown summary that fits a pull-request comment, and `report` choosing it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from archtools.cli import main
from tests.support.large_repo import large_repo

pytestmark = pytest.mark.xdist_group("large_repo")

SEVERITY_RANK = {"CRITICAL": 4, "HIGH": 3, "MEDIUM": 2, "LOW": 1, "INFO": 0}
CONFIDENCE_RANK = {"high": 2, "medium": 1, "low": 0}
PR_COMMENT_BUDGET = 60_000  # GitHub takes 65,536 characters


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return large_repo(tmp_path_factory.mktemp("large") / "repo")


def _stdout(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 0
    return capsys.readouterr().out


def test_the_terminal_summary_fits_a_screen(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    lines = _stdout(capsys, "audit", str(repo)).splitlines()
    assert len(lines) < 60, "\n".join(lines)
    assert "Auth coverage of 1024 entry points (--matrix lists them)" in lines
    assert not any(line.startswith("KIND") or line.startswith("APP ") for line in lines)
    counts = lines[lines.index("Auth coverage of 1024 entry points (--matrix lists them)") + 1 :]
    assert counts[0].split() == ["CHECK", "PASS", "FAIL", "N/A", "UNKNOWN"]
    authn = counts[2].split()
    assert authn[0] == "Authn" and sum(int(n) for n in authn[1:]) == 1024
    assert any(line.startswith("Scorecards of 39 features: A ") for line in lines)
    top = lines[next(i for i, line in enumerate(lines) if line.startswith("Top findings (8 of")) :]
    ranks = []
    for title, detail in zip(top[1::2], top[2::2], strict=False):
        severity = re.match(r"\[([A-Z]+)\]", title)
        confidence = re.search(r"\(confidence (\w+)\)$", detail)
        assert severity and confidence, (title, detail)
        ranks.append((SEVERITY_RANK[severity[1]], CONFIDENCE_RANK[confidence[1]]))
    assert len(ranks) == 8 and ranks == sorted(ranks, reverse=True)
    files = [title.split()[2] for title in top[1::2]]
    assert files != sorted(files)  # ranked, not listed by path
    assert len({title.split()[1] for title in top[1::2]}) >= 4  # not one rule eight times


def test_the_matrix_is_printed_when_asked_for_in_the_matrix_commands_style(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    audit_lines = _stdout(capsys, "audit", str(repo), "--matrix").splitlines()
    start = audit_lines.index("Auth coverage") + 1
    matrix = audit_lines[start : start + 2 + 1024]
    assert matrix[0].split()[:4] == ["APP", "KIND", "METHOD", "ROUTE"]
    assert audit_lines[start + 2 + 1024] == ""
    assert _stdout(capsys, "matrix", str(repo)).splitlines() == matrix
    assert "Auth coverage" not in _stdout(capsys, "audit", str(repo), "--no-matrix").splitlines()


def test_the_markdown_summary_fits_a_pull_request_comment(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://ci.example.com/acme/app/runs/42/artifacts/report.html"
    out = tmp_path / "comment.md"
    args = ["audit", str(repo), "--format", "md", "-o", str(out)]
    assert main([*args, "--summary", "--report-url", url]) == 0
    md = out.read_text(encoding="utf-8")
    assert len(md) < PR_COMMENT_BUDGET
    assert f"**[Full report]({url})**" in md
    assert "- the matrix of 1024 entry points with each check's evidence" in md
    assert "- 1271 of 1296 findings, with their code snippets" in md
    assert main(args) == 0  # without --summary, `audit` writes the whole report
    assert len(out.read_text(encoding="utf-8")) > PR_COMMENT_BUDGET
    capsys.readouterr()


def test_report_writes_the_summary_when_the_whole_markdown_would_not_fit(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", str(repo), "-o", str(tmp_path / "auto")]) == 0
    md = (tmp_path / "auto" / "report.md").read_text(encoding="utf-8")
    assert md.startswith("# archtools audit summary") and len(md) < PR_COMMENT_BUDGET
    assert "**[Full report](report.html)**" in md  # the HTML report written beside it
    assert main(["report", str(repo), "-o", str(tmp_path / "full"), "--no-summary"]) == 0
    full = (tmp_path / "full" / "report.md").read_text(encoding="utf-8")
    assert full.startswith("# archtools audit report") and len(full) > PR_COMMENT_BUDGET
    capsys.readouterr()


def test_a_markdown_diff_fits_a_pull_request_comment(
    repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = tmp_path / "head.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(head)]) == 0
    before = json.loads(head.read_text(encoding="utf-8"))
    before.update(entry_points=[], findings=[], scorecards=[])  # the app before all of it
    base = tmp_path / "base.json"
    base.write_text(json.dumps(before), encoding="utf-8")
    md, text = tmp_path / "diff.md", tmp_path / "diff.txt"
    assert main(["diff", str(base), str(head), "--format", "md", "-o", str(md)]) == 1
    comment = md.read_text(encoding="utf-8")
    assert len(comment) < PR_COMMENT_BUDGET
    assert "1296 new findings, 0 fixed, 0 lost guards, 1024 new entry points" in comment
    left_out = re.findall(r"^- and (\d+) more \(`--format json` lists them all\)$", comment, re.M)
    listed = [line for line in comment.splitlines() if line.startswith("- [")]
    assert left_out and len(listed) + sum(map(int, left_out)) >= 1296
    assert main(["diff", str(base), str(head), "-o", str(text)]) == 1
    lines = text.read_text(encoding="utf-8").splitlines()
    assert sum(line.startswith("  [") for line in lines) == 1296  # the terminal diff lists all
    capsys.readouterr()
