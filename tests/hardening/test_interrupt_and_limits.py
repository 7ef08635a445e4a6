"""Resource limits seen from the command line: a file over the per-file time limit is listed and the
rest audited; Ctrl-C stops the audit and its workers at once and leaves a cache the next run trusts."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from benchmarks.generate_repo import generate
from tests.support.minirepo import make_repo

GUARDED = """import { auth } from "@/auth";
export async function GET() {
  const session = await auth();
  if (!session) return new Response("no", { status: 401 });
  return Response.json({ ok: true });
}
"""


def slow_source(terms: int = 50_000) -> str:
    """Real code that takes about a second to extract (a long chain of comparisons), under the size cap."""
    chain = " ||\n    ".join(f"a === {n}" for n in range(terms))
    return f"export function pick(a: number) {{\n  return {chain};\n}}\n"


def _default_interrupt() -> None:
    # A child inherits an ignored SIGINT, and Python then installs no KeyboardInterrupt for it: a
    # test process that ignores it (as the audit's own workers do) must not pass that on.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def archtools(*args: str, cache: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "archtools", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "ARCHTOOLS_CACHE_DIR": str(cache)},
        preexec_fn=_default_interrupt,
    )


def audit_json(repo: Path, cache: Path, *extra: str) -> dict[str, Any]:
    process = archtools("audit", str(repo), "--format", "json", *extra, cache=cache)
    out, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err
    data: dict[str, Any] = json.loads(out)
    return data


def test_a_file_over_the_time_limit_is_listed_and_the_rest_audited(tmp_path: Path) -> None:
    repo = make_repo(
        tmp_path / "repo", {"app/api/ok/route.ts": GUARDED, "lib/slow.ts": slow_source()}
    )
    assert (repo / "lib" / "slow.ts").stat().st_size < 1_000_000
    data = audit_json(repo, tmp_path / "cache", "--file-time-limit", "0.25")
    errors = [(e["file"], e["message"]) for e in data["errors"]]
    assert ("lib/slow.ts", "took longer than 0.25 s to parse; skipped (time limit)") in errors
    assert [e["id"] for e in data["entry_points"]] == ["route_handler:app/api/ok/route.ts#GET"]
    # Without the limit the same file is read in full.
    data = audit_json(repo, tmp_path / "cache", "--file-time-limit", "0")
    assert all(e["file"] != "lib/slow.ts" for e in data["errors"])


@pytest.mark.parametrize("value", ["soon", "-1", "inf"])
def test_a_time_limit_that_is_not_seconds_is_refused(tmp_path: Path, value: str) -> None:
    process = archtools("audit", str(tmp_path), "--file-time-limit", value, cache=tmp_path)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.count("\n") == 1 and "--file-time-limit" in err


def _children(pid: int) -> set[int]:
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text()
        found |= {int(child) for child in text.split()}
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_ctrl_c_stops_workers_and_leaves_a_valid_cache(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    generate(repo, 4000)  # parsing takes several seconds even on a fast, idle machine
    cache = tmp_path / "cache"
    process = archtools("audit", str(repo), "--format", "json", cache=cache)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while not workers and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
        workers = _children(process.pid)
    assert workers, "the audit never started its workers"
    time.sleep(0.5)  # well inside parsing
    assert process.poll() is None, "the audit ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert err.strip().splitlines()[-1] == "archtools: interrupted"
    assert "Traceback" not in err
    time.sleep(0.2)
    assert [pid for pid in workers if _alive(pid)] == []
    database = cache / "facts.sqlite3"
    if database.exists():
        with sqlite3.connect(database) as con:
            assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    after = audit_json(repo, cache)
    fresh = audit_json(repo, tmp_path / "other-cache", "--no-cache")
    for data in (after, fresh):
        data.pop("stats")
    assert after == fresh
