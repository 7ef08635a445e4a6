"""Long commands show the audit's progress bar on a terminal (stderr a TTY) and nothing when stderr
is a pipe or a file, so logs and CI output stay clean."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "notes-secure"


def _stderr(args: list[str], tty: bool, cache: Path) -> str:
    """What the command writes to stderr, attached to a pseudo-terminal or to a pipe (with an
    empty cache, so that every file is parsed)."""
    command = [sys.executable, "-m", "archtools", *args]
    env = {**os.environ, "ARCHTOOLS_CACHE_DIR": str(cache)}
    if not tty:
        done = subprocess.run(
            command, capture_output=True, text=True, timeout=300, check=False, env=env
        )
        assert done.returncode in (0, 1), done.stderr
        return done.stderr
    leader, follower = pty.openpty()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=follower, env=env)
    os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # the terminal closed: the command has exited
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    assert process.wait(timeout=300) in (0, 1)
    return b"".join(chunks).decode("utf-8", errors="replace")


def _commands(tmp_path: Path) -> dict[str, list[str]]:
    repo = tmp_path / "notes"
    shutil.copytree(SAMPLE, repo)
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(
            ["git", "-C", str(repo), "-c", "user.email=t@example.com", "-c", "user.name=t", *args],
            check=True,
            capture_output=True,
        )
    return {
        "report": ["report", str(repo), "-o", str(tmp_path / "out")],
        "diff": ["diff", "HEAD", "HEAD", "--repo", str(repo)],
        "schema": ["schema", str(repo), "-o", str(tmp_path / "schema.json")],
    }


@pytest.mark.parametrize("command", ["report", "diff", "schema"])
def test_progress_on_a_terminal_only(tmp_path: Path, command: str) -> None:
    args = _commands(tmp_path)[command]
    shown = _stderr(args, tty=True, cache=tmp_path / "cache-tty")
    expected = {"report": ["parse [", "render ["], "diff": ["base parse [", "head parse ["]}
    for stage in expected.get(command, ["parse ["]):
        assert stage in shown, shown
    assert "\r" in shown
    assert "[" not in _stderr(args, tty=False, cache=tmp_path / "cache-pipe")  # no bar in a pipe
