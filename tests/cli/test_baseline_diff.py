"""Suppressions (inline, with a required reason), baselines keyed by stable fingerprints, and diff."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from archtools.cli import main
from tests.support.minirepo import make_repo, run_audit

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "notes-secure"
ROUTE = """import { prisma } from "@/lib/db";
export async function GET() {
  return Response.json(await prisma.note.findMany({ select: { id: true } }));
}
"""


def test_inline_suppression_needs_a_reason(tmp_path: Path) -> None:
    reasoned = ROUTE.replace(
        "export", "// archtools-ignore ATH001: public list of note titles, reviewed\nexport"
    )
    bare = ROUTE.replace("export", "// archtools-ignore ATH001\nexport")
    make_repo(tmp_path, {"app/api/a/route.ts": reasoned, "app/api/b/route.ts": bare})
    result = run_audit(tmp_path)
    by_file = {f.file: f for f in result.findings if f.rule == "ATH001"}
    assert by_file["app/api/a/route.ts"].suppressed == "public list of note titles, reviewed"
    assert by_file["app/api/b/route.ts"].suppressed is None
    assert [(e.file, e.line) for e in result.errors] == [("app/api/b/route.ts", 2)]
    assert "needs a reason" in result.errors[0].message


def test_fingerprints_survive_unrelated_edits(tmp_path: Path) -> None:
    make_repo(tmp_path, {"app/api/a/route.ts": ROUTE})
    before = {f.fingerprint: f.line for f in run_audit(tmp_path).findings}
    (tmp_path / "app/api/a/route.ts").write_text("// a comment\n\n" + ROUTE)
    after = {f.fingerprint: f.line for f in run_audit(tmp_path).findings}
    assert set(before) == set(after)
    moved = [fp for fp in before if before[fp] != after[fp]]
    assert moved, "the lines moved, the fingerprints did not"


def test_baseline_accepts_known_findings_and_gates_new_ones(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    baseline = tmp_path / "baseline.json"
    assert main(["baseline", str(repo), "-o", str(baseline)]) == 0
    stored = json.loads(baseline.read_text())
    assert stored["archtools_baseline"] == 1 and stored["findings"]
    args = [
        "audit",
        str(repo),
        "--format",
        "json",
        "-o",
        str(tmp_path / "a.json"),
        "--fail-on",
        "low",
    ]
    assert main([*args, "--baseline", str(baseline)]) == 0
    audited = json.loads((tmp_path / "a.json").read_text())
    assert {f["suppressed"] for f in audited["findings"]} == {"accepted in the baseline"}
    (repo / "app/api/b").mkdir(parents=True)
    (repo / "app/api/b/route.ts").write_text(ROUTE)
    assert main([*args, "--baseline", str(baseline)]) == 1
    assert main(["audit", str(repo), "--baseline", str(tmp_path / "missing.json")]) == 2


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
        check=True,
        capture_output=True,
    )


def test_diff_two_revisions_of_a_sample_app(tmp_path: Path) -> None:
    repo = tmp_path / "notes"
    shutil.copytree(SAMPLE, repo)
    git(repo, "init", "-q")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    route = repo / "app/api/notes/[id]/route.ts"
    text = route.read_text()
    guard = "  if (!session?.user?.id) return unauthorized();\n"
    assert guard in text
    route.write_text(text.replace(guard, "", 1))
    git(repo, "commit", "-qam", "drop the guard")
    out = tmp_path / "diff.json"
    code = main(["diff", "HEAD~1", "HEAD", "--repo", str(repo), "--format", "json", "-o", str(out)])
    assert code == 1
    diff = json.loads(out.read_text())
    assert diff["regressed"] is True
    lost = {(g["entry_point"], g["check"]) for g in diff["lost_guards"]}
    assert ("route_handler:app/api/notes/[id]/route.ts#GET", "authentication") in lost
    assert {f["rule"] for f in diff["new"]} >= {"ATH001"}
    assert diff["fixed"] == []
    assert any(s["feature"] == "notes" and s["after"] < s["before"] for s in diff["scores"])
    same = main(
        [
            "diff",
            "HEAD",
            "HEAD",
            "--repo",
            str(repo),
            "--format",
            "md",
            "-o",
            str(tmp_path / "same.md"),
        ]
    )
    assert same == 0
    assert "0 new findings, 0 fixed, 0 lost guards" in (tmp_path / "same.md").read_text()


def test_diff_of_audit_files(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    assert main(["audit", str(repo), "--format", "json", "-o", str(tmp_path / "base.json")]) == 0
    (repo / "app/api/a/route.ts").write_text(
        'import { auth } from "@/auth";\n'
        + ROUTE.replace(
            "{\n  return",
            "{\n  const s = await auth();\n  if (!s?.user) return new Response(null, { status: 401 });\n  return",
        )
    )
    assert main(["audit", str(repo), "--format", "json", "-o", str(tmp_path / "head.json")]) == 0
    assert (
        main(
            [
                "diff",
                str(tmp_path / "base.json"),
                str(tmp_path / "head.json"),
                "-o",
                str(tmp_path / "d.txt"),
            ]
        )
        == 0
    )
    text = (tmp_path / "d.txt").read_text()
    assert "0 new findings, 1 fixed, 0 lost guards" in text and "ATH001" in text
    assert main(["diff", str(tmp_path / "nope.json"), str(tmp_path / "head.json")]) == 2


def test_diff_reads_an_audit_with_keys_it_does_not_know(tmp_path: Path) -> None:
    # CONTRACT.md: readers ignore keys they do not know (an audit from a newer archtools, or one
    # another tool annotated); a known key with a wrong value is still an error.
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": ROUTE})
    base = tmp_path / "base.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(base)]) == 0
    newer = json.loads(base.read_text())
    newer["format_version"] = "9.0"
    newer["provenance"] = {"tool": "later"}
    newer["entry_points"][0]["risk"] = {"score": 3}
    newer["findings"][0]["triage"] = "accepted"
    (tmp_path / "newer.json").write_text(json.dumps(newer))
    out = tmp_path / "d.txt"
    assert main(["diff", str(base), str(tmp_path / "newer.json"), "-o", str(out)]) == 0
    assert "0 new findings, 0 fixed, 0 lost guards" in out.read_text()
    newer["findings"][0]["line"] = "not a line"
    (tmp_path / "broken.json").write_text(json.dumps(newer))
    assert main(["diff", str(base), str(tmp_path / "broken.json")]) == 2


GUARDED = """import { auth } from "@/auth";
import { prisma } from "@/lib/db";
export async function GET() {
  const s = await auth();
  if (!s?.user) return new Response(null, { status: 401 });
  return Response.json(await prisma.note.findMany({ select: { id: true } }));
}
"""


HEALTH = """import { auth } from "@/auth";
export async function GET() {
  const s = await auth();
  if (!s?.user) return new Response(null, { status: 401 });
  return Response.json({ ok: true });
}
"""


def _diff_pair(tmp_path: Path) -> tuple[Path, Path]:
    """A base with one guarded route; a head that drops its guard and adds two unguarded routes
    (one of them with a control character in its path) and a guarded one."""
    repo = make_repo(tmp_path / "repo", {"app/api/a/route.ts": GUARDED})
    base, head = tmp_path / "base.json", tmp_path / "head.json"
    assert main(["audit", str(repo), "--format", "json", "-o", str(base)]) == 0
    (repo / "app/api/a/route.ts").write_text(ROUTE)
    for folder, text in (("z", ROUTE), ("b\x1b[31m", ROUTE), ("c", HEALTH)):
        (repo / "app/api" / folder).mkdir(parents=True)
        (repo / "app/api" / folder / "route.ts").write_text(text)
    assert main(["audit", str(repo), "--format", "json", "-o", str(head)]) == 0
    return base, head


def test_diff_names_entry_points_and_shows_new_ones_apart_from_lost_guards(
    tmp_path: Path,
) -> None:
    base, head = _diff_pair(tmp_path)
    out = tmp_path / "d.txt"
    assert main(["diff", str(base), str(head), "-o", str(out)]) == 1
    text = out.read_text()
    assert "\x1b" not in text  # the folder's escape sequence is shown, not sent to the terminal
    sections = {block.splitlines()[0]: block.splitlines()[1:] for block in text.split("\n\n")[1:]}
    assert sections["Lost guards (checks that passed before):"] == [
        "  GET /api/a (app/api/a/route.ts:2)  Authn: pass -> fail"
    ]
    assert sections["New entry points (those failing a check first):"] == [
        "  GET /api/b\\x1b[31m (app/api/b\\x1b[31m/route.ts:2)  fails Authn, Authz",
        "  GET /api/z (app/api/z/route.ts:2)  fails Authn, Authz",
        "  GET /api/c (app/api/c/route.ts:2)",
    ]
    new = sections["New findings (most severe first):"]
    severities = [line.split()[0] for line in new]
    order = ["[CRITICAL]", "[HIGH]", "[MEDIUM]", "[LOW]", "[INFO]"]
    assert severities == sorted(severities, key=order.index)
    assert "route_handler:" not in text  # human names, not internal ids
    md = tmp_path / "d.md"
    assert main(["diff", str(base), str(head), "--format", "md", "-o", str(md)]) == 1
    assert (
        "- GET /api/b\\\\x1b\\[31m (app/api/b\\\\x1b\\[31m/route.ts:2)  fails Authn"
        in md.read_text()
    )
    data = tmp_path / "d.json"
    assert main(["diff", str(base), str(head), "--format", "json", "-o", str(data)]) == 1
    diff = json.loads(data.read_text())
    assert [g["name"] for g in diff["lost_guards"]] == ["GET /api/a"]
    assert [(e["name"], e["failing"]) for e in diff["added_entry_points"]][-1] == ("GET /api/c", [])
    assert diff["new_entry_points"] == [e["id"] for e in diff["added_entry_points"]]


def test_diff_fail_on_gates_like_audit(tmp_path: Path) -> None:
    base, head = _diff_pair(tmp_path)
    args = ["diff", str(base), str(head), "-o", str(tmp_path / "d.txt")]
    # The new findings are all high (ATH001, AZ001), as in the text test above.
    assert main(args) == 1  # the default: any regression
    assert main([*args, "--fail-on", "any"]) == 1
    assert main([*args, "--fail-on", "high"]) == 1
    assert main([*args, "--fail-on", "info"]) == 1
    assert main([*args, "--fail-on", "critical"]) == 0  # no new finding that severe
    assert main([*args, "--fail-on", "none"]) == 0
    with pytest.raises(SystemExit) as exited:
        main([*args, "--fail-on", "mild"])
    assert exited.value.code == 2
    assert main(["diff", str(base), str(base), "-o", str(tmp_path / "same.txt")]) == 0
