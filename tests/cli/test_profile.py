"""`archtools audit --profile`: seconds per stage on stderr, the report itself unchanged."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from archtools import profiling
from archtools.cli import main

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "notes-secure"
STAGE_LINE = re.compile(r"^\s*(\d+\.\d{3}) s  (.+)$")


def _stages(stderr: str) -> dict[str, float]:
    found = {}
    for line in stderr.splitlines():
        match = STAGE_LINE.match(line)
        if match:
            found[match.group(2)] = float(match.group(1))
    return found


def test_profile_prints_each_stage_of_a_cold_audit_to_stderr(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["audit", str(SAMPLE), "--format", "json", "--no-cache"]) == 0
    plain = capsys.readouterr()
    assert main(["audit", str(SAMPLE), "--format", "json", "--no-cache", "--profile"]) == 0
    profiled = capsys.readouterr()
    assert _stages(plain.err) == {}
    stages = _stages(profiled.err)
    expected = {
        profiling.LOADING,
        profiling.PARSING,
        profiling.SCHEMA,
        profiling.ANALYSIS,
        profiling.RULES,
        profiling.SCORECARDS,
        profiling.RENDERING,
    }
    assert expected <= set(stages)
    parts = sum(seconds for name, seconds in stages.items() if name != "total")
    assert stages["total"] == pytest.approx(parts, abs=0.01)
    assert stages[profiling.PARSING] > 0 and stages[profiling.ANALYSIS] > 0
    # The report on stdout is the same with or without the profile (but for the seconds).
    strip = re.compile(r'"seconds": [0-9.]+')
    assert strip.sub("", profiled.out) == strip.sub("", plain.out)


def test_an_inner_stage_is_not_counted_again_in_the_outer_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    now = [0.0]
    monkeypatch.setattr("time.perf_counter", lambda: now[0])
    with profiling.profiling() as clock, profiling.stage("outer"):
        now[0] += 2.0
        with profiling.stage("inner"):
            now[0] += 5.0
        now[0] += 3.0
    assert clock.seconds == {"outer": 5.0, "inner": 5.0}
    assert clock.report().splitlines()[-1] == "  10.000 s  total"


def test_stages_outside_a_clock_cost_nothing_and_record_nothing() -> None:
    with profiling.profiling() as clock:
        pass
    with profiling.stage(profiling.ANALYSIS):
        pass
    assert clock.seconds == {}
