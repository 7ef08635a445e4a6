"""The real-world harness: label files, matching and scoring, mutation plans and copies, and the corpus
itself (loads, no reserved repository, the size the corpus issue asks for). No mirror is needed."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from benchmarks.realworld import AppRun
from benchmarks.realworld_labels import (
    AppLabels,
    ClassifiedFinding,
    LabelError,
    Line,
    discover,
    load_labels,
    parse_lines,
)
from benchmarks.realworld_mutate import make_copy, plan, run_mutations
from benchmarks.realworld_report import render_markdown
from benchmarks.realworld_sample import drawn, drawn_by_app
from benchmarks.realworld_score import FamilyPrecision, score_app, score_findings, wilson_lower

CORPUS = Path(__file__).resolve().parents[1] / "realworld"
RESERVED = {
    "umami-software/umami", "langfuse/langfuse", "dokploy/dokploy", "mfts/papermark",
    "formbricks/formbricks", "lukevella/rallly", "calcom/cal.com", "dubinc/dub",
    "baptistearno/typebot.io", "shadcn-ui/taxonomy", "boxyhq/saas-starter-kit",
    "nextjs/saas-starter", "vercel/ai-chatbot", "ixartz/saas-boilerplate", "sadmann7/skateshop",
    "elie222/inbox-zero", "midday-ai/midday", "unkeyed/unkey", "mckaywrigley/chatbot-ui",
    "vercel/nextjs-subscription-payments",
}  # fmt: skip

LABELS = """\
schema_version: 1
repo: acme/notes
commit: "{commit}"
mirror: acme+notes
scope: "app/api/**"
scope_globs: ["app/api/**"]
entries:
  - id: n-1
    file: app/api/notes/[id]/route.ts
    name: DELETE
    method: DELETE
    kind: route_handler
    lines: "3-12"
    scored: {{authentication: pass, authorization: fail, input_validation: n/a}}
    guards: {{authentication: ["4-6"]}}
  - id: n-2
    file: app/api/notes/[id]/route.ts
    name: GET
    method: GET
    kind: route_handler
    lines: "14-20"
    scored: {{authentication: pass, authorization: pass, input_validation: any}}
    guards: {{authentication: ["lib/session.ts:7-9"], authorization: [17]}}
  - id: n-3
    file: app/api/health/route.ts
    name: GET
    method: GET
    kind: route_handler
    scored: {{authentication: n/a, authorization: n/a, input_validation: n/a}}
"""


def write_labels(tmp_path: Path, commit: str = "a" * 40) -> Path:
    path = tmp_path / "acme-notes.yaml"
    path.write_text(LABELS.format(commit=commit))
    return path


def check(status: str, *lines: tuple[str, int]) -> dict[str, Any]:
    return {"status": status, "evidence": [{"file": f, "line": n, "detail": ""} for f, n in lines]}


def entry(name: str, file: str, **checks: dict[str, Any]) -> dict[str, Any]:
    full = {
        c: checks.get(c, check("n/a"))
        for c in ("authentication", "authorization", "input_validation")
    }
    return {"id": f"route_handler:{file}#{name}", "kind": "route_handler", "file": file,
            "name": name, "method": name, "checks": full}  # fmt: skip


NOTE = "app/api/notes/[id]/route.ts"
AUDIT = {
    "entry_points": [
        entry("DELETE", NOTE, authentication=check("pass", (NOTE, 5)), authorization=check("pass")),
        entry(
            "GET", NOTE, authentication=check("pass", (NOTE, 30)), authorization=check("unknown")
        ),
        entry("POST", NOTE),  # no label: spurious
        entry("GET", "lib/other.ts"),  # out of scope: ignored
    ],
    "findings": [{"rule": "AZ001", "file": NOTE, "line": 12, "fingerprint": "f1"}],
}


def test_guard_specs_name_lines_in_the_entry_file_or_another() -> None:
    assert parse_lines(13, "a.ts") == {Line("a.ts", 13)}
    assert parse_lines("13-15", "a.ts") == {Line("a.ts", 13), Line("a.ts", 14), Line("a.ts", 15)}
    assert parse_lines("lib/x.ts:4", "a.ts") == {Line("lib/x.ts", 4)}
    with pytest.raises(LabelError):
        parse_lines("15-13", "a.ts")
    with pytest.raises(LabelError):
        parse_lines("the top", "a.ts")


def test_a_label_file_must_pin_a_full_commit(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="40 hex"):
        load_labels(write_labels(tmp_path, commit="abc123"), "dev")


def test_scoring_matches_entries_and_fills_the_confusion(tmp_path: Path) -> None:
    labels = load_labels(write_labels(tmp_path), "dev")
    score = score_app(labels, AUDIT)
    assert (score.labelled, score.found) == (3, 2)
    assert score.spurious == [f"route_handler:{NOTE}#POST"]
    assert score.missing == ["n-3 route_handler app/api/health/route.ts#GET GET"]
    auth = score.checks["authentication"]
    assert auth.confusion[("pass", "pass")] == 2
    assert auth.confusion[("n/a", "missing")] == 1
    assert auth.accuracy == pytest.approx(2 / 3)
    # n-1's evidence (line 5) is its guard; n-2's (line 30) is not lib/session.ts:7-9.
    assert (auth.evidence_right, auth.evidence_wrong) == (1, 1)
    authz = score.checks["authorization"]
    assert authz.confusion[("fail", "pass")] == 1
    assert authz.fail_recall == 0.0
    assert authz.unknown == 1
    assert score.checks["input_validation"].scored == 2  # `any` is not scored


def test_findings_precision_counts_debatable_against_and_sets_stale_apart() -> None:
    classified = [
        ClassifiedFinding("AZ001", NOTE, 12, "DEBATABLE", "judgement: ..."),
        ClassifiedFinding("AZ002", NOTE, 40, "FP", "class 3"),  # no longer reported
        # a verdict belongs to its place: a finding elsewhere with the same fingerprint (an
        # occurrence counter moved when another finding went) is not the one classified
        ClassifiedFinding("AZ001", "x.ts", 1, "TP", "", fingerprint="f1"),
    ]
    family = score_findings(classified, AUDIT)["AZ"]
    assert (family.tp, family.fp, family.debatable, family.stale, family.stale_tp) == (
        0,
        0,
        1,
        2,
        1,
    )
    assert family.precision == 0.0


def test_precision_rests_on_the_drawn_sample_and_counts_what_awaits_a_verdict() -> None:
    classified = [
        ClassifiedFinding("AZ001", NOTE, 12, "TP", ""),
        ClassifiedFinding("AZ001", "x.ts", 1, "FP", "class 3", fingerprint="f1"),
    ]
    drawn_only = [
        ("AZ", {"rule": "AZ001", "file": NOTE, "line": 12}),
        ("AZ", {"rule": "AZ002", "file": NOTE, "line": 40}),
    ]
    family = score_findings(classified, AUDIT, drawn_only)["AZ"]
    # the classified FP reported but not drawn does not count; the drawn AZ002 has no verdict yet
    assert (family.tp, family.fp, family.debatable, family.unclassified) == (1, 0, 0, 1)
    assert family.precision == 1.0


def _run(app: str, split: str, findings: list[tuple[str, int]]) -> AppRun:
    labels = AppLabels(Path(f"{app}.yaml"), split, f"acme/{app}", "a" * 40, app, "", [], [])
    audit = {"findings": [{"rule": rule, "file": "f.ts", "line": line} for rule, line in findings]}
    return AppRun(labels, audit=audit)


def test_the_sample_is_drawn_per_split_and_family_and_moves_up_when_findings_go() -> None:
    findings = [("AZ001", line) for line in range(1, 41)] + [("ATH001", 1), ("ATH001", 1)]
    runs = [
        _run("a", "dev", findings),
        _run("b", "dev", findings[:10]),
        _run("c", "test", findings),
    ]
    sample = drawn(runs, per_family=8, seed=11)
    assert sorted(sample) == [("dev", "ATH"), ("dev", "AZ"), ("test", "ATH"), ("test", "AZ")]
    assert len(sample[("dev", "AZ")]) == 8 and len(sample[("dev", "ATH")]) == 1  # one place, once
    assert {app for app, _ in sample[("test", "AZ")]} == {"c"}
    assert drawn(runs, per_family=8, seed=12) != sample  # the seed decides
    # a change that removes two drawn findings keeps the rest and lets the next two in
    gone = [f["line"] for _, f in sample[("dev", "AZ")] if _ == "a"][:2]
    runs[0] = _run("a", "dev", [f for f in findings if f[0] != "AZ001" or f[1] not in gone])
    after = drawn(runs, per_family=8, seed=11)[("dev", "AZ")]
    kept = [
        (app, f["line"])
        for app, f in sample[("dev", "AZ")]
        if (app, f["line"]) not in {("a", g) for g in gone}
    ]
    assert len(after) == 8 and set(kept) <= {(app, f["line"]) for app, f in after}


def test_rules_measured_alone_are_drawn_and_scored_apart_from_their_family() -> None:
    findings = [("PRF001", line) for line in range(1, 6)] + [
        ("PRF003", line) for line in range(1, 31)
    ]
    sample = drawn([_run("a", "dev", findings)], per_family=8, seed=3)
    assert sorted(sample) == [("dev", "PRF"), ("dev", "PRF001"), ("dev", "PRF003")]
    assert len(sample[("dev", "PRF001")]) == 5  # every one of a rule that fires fewer times
    assert len(sample[("dev", "PRF003")]) == 8 and len(sample[("dev", "PRF")]) == 8
    by_app = drawn_by_app([_run("a", "dev", findings)], per_family=8, seed=3)
    classified = [ClassifiedFinding("PRF001", "f.ts", line, "TP", "") for line in range(1, 5)]
    classified.append(ClassifiedFinding("PRF001", "f.ts", 5, "FP", "other"))
    audit = {"findings": [{"rule": r, "file": "f.ts", "line": n} for r, n in findings]}
    scores = score_findings(classified, audit, by_app["a"])
    alone = scores["PRF001"]
    assert (alone.tp, alone.fp, alone.unclassified) == (4, 1, 0)
    assert alone.precision == pytest.approx(0.8)
    family = scores["PRF"]
    assert family.total + family.unclassified == 8  # the family's own draw, not the rule's


def test_the_report_shows_rules_measured_alone_in_a_table_of_their_own() -> None:
    run = _run("a", "dev", [("PRF002", 1), ("PRF003", 2), ("ATH001", 3)])
    run.status = "ok"
    run.findings_by_family = {"PRF": 2, "PRF002": 1, "PRF003": 1, "ATH": 1}
    run.precision = {
        "PRF": FamilyPrecision(tp=2),
        "PRF002": FamilyPrecision(tp=1),
        "PRF003": FamilyPrecision(fp=1),
    }
    text = render_markdown([run], "abc", mutated=False)
    families, alone = text.split("| rule family |")[1].split("| rule measured alone |")
    assert "| PRF | 2 | 2 | 2/0/0 | 0 | 1.00 |" in families and "PRF003" not in families
    assert "| PRF002 (opt-in) | 1 | 1 | 1/0/0 | 0 | 1.00 |" in alone
    assert "| PRF003 | 1 | 1 | 0/1/0 | 0 | 0.00 |" in alone


def test_wilson_lower_bound() -> None:
    assert wilson_lower(27, 30) == pytest.approx(0.7438, abs=1e-3)
    assert wilson_lower(0, 0) is None


def test_mutations_of_local_guards_share_a_copy_and_shared_guards_go_alone(tmp_path: Path) -> None:
    labels = load_labels(write_labels(tmp_path), "dev")
    audit = {
        "entry_points": [
            entry("DELETE", NOTE, authentication=check("pass")),
            entry("GET", NOTE, authentication=check("pass"), authorization=check("pass")),
        ]
    }
    batches, skipped = plan(labels, audit)
    assert skipped == 0
    shapes = sorted(sorted(f"{m.entry.id}/{m.check}" for m in batch) for batch in batches)
    # n-1 (lines 4-6 of its own span) and n-2's authorization (line 17 of its span) go together;
    # n-2's authentication guard lives in lib/session.ts and is audited alone.
    assert shapes == [["n-1/authentication", "n-2/authorization"], ["n-2/authentication"]]


def test_a_pass_the_audit_missed_has_nothing_to_kill(tmp_path: Path) -> None:
    labels = load_labels(write_labels(tmp_path), "dev")
    audit = {"entry_points": [entry("DELETE", NOTE, authentication=check("fail"))]}
    batches, skipped = plan(labels, audit)
    assert batches == [] and skipped == 3  # n-1 fails already; n-2 (two passes) is not found


def test_copies_blank_lines_without_touching_the_base(tmp_path: Path) -> None:
    base = tmp_path / "base"
    (base / "lib").mkdir(parents=True)
    (base / "lib" / "a.ts").write_text("one\ntwo\nthree\n")
    (base / "b.ts").write_text("keep\n")
    make_copy(base, tmp_path / "copy", {Line("lib/a.ts", 2)})
    assert (tmp_path / "copy" / "lib" / "a.ts").read_text() == "one\n\nthree\n"
    assert (base / "lib" / "a.ts").read_text() == "one\ntwo\nthree\n"
    assert (tmp_path / "copy" / "b.ts").read_text() == "keep\n"


def test_mutants_are_killed_survive_or_are_invalid(tmp_path: Path) -> None:
    labels = load_labels(write_labels(tmp_path), "dev")
    base = tmp_path / "tree"
    (base / "app/api/notes/[id]").mkdir(parents=True)
    (base / "lib").mkdir()
    (base / NOTE).write_text("x\n" * 20)
    (base / "lib/session.ts").write_text("y\n" * 10)
    audit = {
        "entry_points": [
            entry("DELETE", NOTE, authentication=check("pass")),
            entry("GET", NOTE, authentication=check("pass"), authorization=check("pass")),
        ],
        "errors": [],
    }

    def fake_audit(path: Path) -> dict[str, Any]:
        session_blank = (path / "lib/session.ts").read_text().startswith("y\n" * 6 + "\n")
        note = (path / NOTE).read_text().splitlines()
        return {
            "errors": [],
            "entry_points": [
                entry("DELETE", NOTE, authentication=check("fail" if note[3] == "" else "pass")),
                entry(
                    "GET",
                    NOTE,
                    authentication=check("pass" if not session_blank else "unknown"),
                    authorization=check("pass"),
                ),
            ],
        }

    result = run_mutations(labels, base, audit, tmp_path, fake_audit)
    assert result.killed == 1
    assert sorted(result.survived) == ["n-2/authentication: unknown", "n-2/authorization: pass"]
    assert result.audits == 2 and result.score == pytest.approx(1 / 3)


# -- the corpus itself ------------------------------------------------------------------------------


def test_the_corpus_loads_and_has_the_size_the_issue_asks_for() -> None:
    apps = discover(CORPUS / "labels")
    assert len(apps) >= 8
    assert sum(len(app.entries) for app in apps) >= 300
    assert sum(1 for app in apps if app.split == "test") >= 3
    kinds = {entry.kind for app in apps for entry in app.entries}
    assert {"route_handler", "server_action", "pages_api", "trpc_procedure"} <= kinds


def test_no_label_or_findings_file_names_a_reserved_repository() -> None:
    for path in CORPUS.rglob("*.yaml"):
        text = path.read_text(encoding="utf-8").lower()
        for reserved in RESERVED:
            assert reserved not in text, f"{path} names {reserved}"


def test_every_pass_in_the_corpus_has_guards_or_says_why_not() -> None:
    for app in discover(CORPUS / "labels"):
        for item in app.entries:
            for name, verdict in item.scored.items():
                if verdict == "pass" and name == "authentication":
                    assert item.auth_kind, (
                        f"{app.name} {item.id}: a pass of authentication has a kind"
                    )


def test_label_entries_are_unique_per_app() -> None:
    for app in discover(CORPUS / "labels"):
        keys = [(e.file, e.name, e.method, e.route) for e in app.entries]
        duplicates = {k for k in keys if keys.count(k) > 1}
        assert not duplicates, f"{app.name}: {sorted(duplicates)}"


def test_findings_files_classify_what_they_sample() -> None:
    for path in (CORPUS / "findings").rglob("*.yaml"):
        import yaml

        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in document["findings"]:
            assert item["verdict"] in ("TP", "FP", "DEBATABLE"), (
                f"{path}: {item['rule']}:{item['line']}"
            )
            if item["verdict"] != "TP":
                assert item["cause"], f"{path}: {item['rule']}:{item['line']} needs a cause"


def test_label_text_is_words_not_code() -> None:
    # A label explains with line numbers; it never carries a block of the app's source.
    for path in (CORPUS / "labels").rglob("*.yaml"):
        text = textwrap.dedent(path.read_text(encoding="utf-8"))
        assert "```" not in text and "=> {" not in text, path
