"""The bundled sample apps against their expected.yaml: entry points with check statuses, findings by
(rule, file, line) and scorecard grades, compared as exact sets; missing and noisy reported apart."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit

SAMPLES = Path(__file__).resolve().parents[2] / "data" / "samples"
APPS = sorted(p.name for p in SAMPLES.iterdir() if (p / "expected.yaml").is_file())


@cache
def audited(name: str) -> Audit:
    return audit(SAMPLES / name, AuditOptions(use_cache=False, workers=1))


def expected(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((SAMPLES / name / "expected.yaml").read_text())
    return loaded


def _diff(label: str, want: set[Any], got: set[Any]) -> str:
    missing = sorted(want - got, key=str)
    noisy = sorted(got - want, key=str)
    lines = [f"{label}:"]
    lines += [f"  missing: {item}" for item in missing]
    lines += [f"  noisy:   {item}" for item in noisy]
    return "\n".join(lines)


def test_there_are_two_sample_apps() -> None:
    assert APPS == ["notes-secure", "shop-vulnerable"]


@pytest.mark.parametrize("name", APPS)
def test_entry_points_and_checks_match(name: str) -> None:
    result = audited(name)
    want = {
        (e["id"], check, status)
        for e in expected(name)["entry_points"]
        for check, status in e["checks"].items()
    }
    got = {
        (e.id, check, e.checks.get(check).status.value)
        for e in result.entry_points
        for check in (
            "authentication",
            "authorization",
            "input_validation",
            "rate_limiting",
            "audit_logging",
        )
    }
    assert want == got, _diff("checks", want, got)


@pytest.mark.parametrize("name", APPS)
def test_entry_point_routes_and_methods_match(name: str) -> None:
    result = audited(name)
    want = {(e["id"], e.get("route"), e["method"]) for e in expected(name)["entry_points"]}
    got = {(e.id, e.route, e.method) for e in result.entry_points}
    assert want == got, _diff("entry points", want, got)


@pytest.mark.parametrize("name", APPS)
def test_findings_match(name: str) -> None:
    result = audited(name)
    want = {(f["rule"], f["file"], f["line"]) for f in expected(name)["findings"]}
    got = {(f.rule, f.file, f.line) for f in result.findings if f.suppressed is None}
    assert want == got, _diff("findings", want, got)


@pytest.mark.parametrize("name", APPS)
def test_scorecard_grades_match(name: str) -> None:
    result = audited(name)
    want = {(s["feature"], s["grade"]) for s in expected(name)["scorecards"]}
    got = {(s.feature, s.grade) for s in result.scorecards}
    assert want == got, _diff("scorecards", want, got)


@pytest.mark.parametrize("name", APPS)
def test_sample_audit_has_no_errors(name: str) -> None:
    assert audited(name).errors == []


@pytest.mark.parametrize("name", APPS)
def test_expected_grades_follow_from_the_expected_checks_and_findings(name: str) -> None:
    """The grades written in expected.yaml are the documented formula applied to the expected checks
    and findings (and the facts that prove the items no finding speaks for), so they cannot drift
    from the rest of the file (both samples ship migrations)."""
    from archtools.analyze import project_facts, score_features
    from archtools.loading import load
    from archtools.results import Check, Checks, CheckStatus

    result = audited(name)
    wanted = expected(name)
    checks = {e["id"]: e["checks"] for e in wanted["entry_points"]}
    entries = [
        e.model_copy(
            update={
                "checks": Checks(
                    **{k: Check(status=CheckStatus(v)) for k, v in checks[e.id].items()}
                )
            }
        )
        for e in result.entry_points
    ]
    listed = {(f["rule"], f["file"], f["line"]) for f in wanted["findings"]}
    findings = [f for f in result.findings if (f.rule, f.file, f.line) in listed]
    loaded = load(SAMPLES / name, AuditOptions(use_cache=False, workers=1))
    facts = project_facts(loaded, result.migrations)
    scored = score_features(entries, findings, has_migrations=True, facts=facts)
    grades = {(s.feature, s.grade) for s in scored}
    assert grades == {(s["feature"], s["grade"]) for s in wanted["scorecards"]}


MARKER = re.compile(r"(?://|--|#)\s*expect:\s*([A-Z]+\d{3}(?:\s*,\s*[A-Z]+\d{3})*)")


def _markers(name: str) -> list[tuple[str, str, int]]:
    """(rule, file, line) of every `expect: RULE` comment in the app: the line below it."""
    root = SAMPLES / name
    found = []
    for path in sorted(root.rglob("*")):
        if not path.is_file() or path.name in ("expected.yaml", "README.md"):
            continue
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            continue
        for number, line in enumerate(lines, start=1):
            match = MARKER.search(line)
            if match:
                for rule in match.group(1).split(","):
                    found.append((rule.strip(), path.relative_to(root).as_posix(), number + 1))
    return sorted(found)


@pytest.mark.parametrize("name", APPS)
def test_expect_markers_are_the_expected_findings(name: str) -> None:
    """Every `expect:` marker in the source is a finding of expected.yaml and back (tsconfig.json,
    which cannot carry a comment, aside)."""
    listed = sorted(
        (f["rule"], f["file"], f["line"])
        for f in expected(name)["findings"]
        if not f["file"].endswith(".json")
    )
    assert _markers(name) == listed
