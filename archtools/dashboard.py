"""`archtools dashboard`: the dashboard notebook served by Voila on 127.0.0.1 for one repository."""

from __future__ import annotations

import importlib.util
import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path

from archtools.errors import InputError
from archtools.reporting import notebook_path
from archtools.source.repository import load_repository

DASHBOARD_NOTEBOOK = "dashboard.ipynb"
REPO_ENV = "ARCHTOOLS_REPO"  # the repository the dashboard notebook audits
TOKEN_ENV = "ARCHTOOLS_DASHBOARD_TOKEN"  # a fixed access token instead of a random one
HOST = "127.0.0.1"


def dashboard_command(notebook: Path, port: int, token: str) -> list[str]:
    """The Voila command line: loopback only, the exact port asked for, no browser, a token."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        f"--Voila.ip={HOST}",
        f"--port={port}",
        "--Voila.port_retries=0",
        "--no-browser",
        f"--Voila.token={token}",
        "--VoilaConfiguration.show_tracebacks=False",
    ]


def dashboard_url(port: int, token: str) -> str:
    return f"http://{HOST}:{port}/?token={token}"


def check_port_free(port: int) -> None:
    """Raise InputError when `port` on HOST is taken: said before any URL is printed, rather than
    a URL that leads to another program and a server that stops at once."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as Voila binds
        try:
            probe.bind((HOST, port))
        except OSError as error:
            raise InputError(
                f"port {port} on {HOST} is in use ({error.strerror}); choose another with --port"
            ) from None


def serve_dashboard(path: Path, port: int) -> int:
    """Serve the dashboard for the repository at `path` until interrupted; Voila's exit code.
    Everything that can be checked is checked first (the repository, the port, Voila): an error
    exits before a URL is printed or a server started."""
    if not 0 < port < 65536:
        raise InputError(f"--port must be between 1 and 65535, not {port}")
    root = load_repository(path).root  # a missing path, a file, no JS/TS project, no Next.js app
    check_port_free(port)
    if importlib.util.find_spec("voila") is None:
        raise InputError("the dashboard needs Voila: pip install 'archtools[notebooks]'")
    notebook = notebook_path(DASHBOARD_NOTEBOOK)
    token = os.environ.get(TOKEN_ENV) or secrets.token_urlsafe(24)
    env = {**os.environ, REPO_ENV: str(root)}
    print(f"archtools dashboard: {dashboard_url(port, token)} (Ctrl-C stops it)", file=sys.stderr)
    process = subprocess.Popen(dashboard_command(notebook, port, token), env=env)
    restore = _stop_on_sigterm()
    try:
        return process.wait()
    except KeyboardInterrupt:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return 0
    finally:
        restore()


def _stop_on_sigterm() -> Callable[[], None]:
    """SIGTERM stops the dashboard like Ctrl-C does (Voila and its kernels included); returns
    what restores the previous handler."""
    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGTERM, interrupt)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore
