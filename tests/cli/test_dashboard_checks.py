"""`archtools dashboard` checks what it can before it prints a URL or starts a server: a path that
is not a repository and a port already in use are one line on stderr and exit code 2."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

SAMPLE = Path(__file__).resolve().parents[2] / "data" / "samples" / "notes-secure"


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "archtools", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield listener.getsockname()[1]


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        ("missing", "does not exist"),
        ("empty", "is not a JavaScript/TypeScript project"),
        ("no-next", "no Next.js app found"),
    ],
)
def test_a_path_that_is_not_a_repository_exits_2_before_a_url(
    tmp_path: Path, setup: str, message: str
) -> None:
    target = tmp_path / "target"
    if setup != "missing":
        target.mkdir()
    if setup == "no-next":
        (target / "package.json").write_text('{"dependencies": {"react": "18.0.0"}}')
    done = run("dashboard", str(target), "--port", "1")
    assert done.returncode == 2, done
    assert done.stderr.startswith("archtools: error:") and message in done.stderr
    assert "http://" not in done.stderr + done.stdout


def test_a_port_in_use_exits_2_before_a_url(busy_port: int) -> None:
    done = run("dashboard", str(SAMPLE), "--port", str(busy_port))
    assert done.returncode == 2, done
    assert f"port {busy_port} on 127.0.0.1 is in use" in done.stderr
    assert "--port" in done.stderr and len(done.stderr.strip().splitlines()) == 1
    assert "http://" not in done.stderr + done.stdout
