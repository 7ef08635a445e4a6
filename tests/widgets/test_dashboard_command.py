"""`archtools dashboard`: the Voila command line it runs and the inputs it refuses."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from archtools.cli import main
from archtools.dashboard import dashboard_command, dashboard_url, serve_dashboard
from archtools.errors import InputError


def test_voila_listens_on_loopback_only_with_a_token() -> None:
    notebook = Path("/repo/notebooks/dashboard.ipynb")
    assert dashboard_command(notebook, 9000, "tok") == [
        sys.executable,
        "-m",
        "voila",
        str(notebook),
        "--Voila.ip=127.0.0.1",
        "--port=9000",
        "--Voila.port_retries=0",
        "--no-browser",
        "--Voila.token=tok",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
    assert dashboard_url(9000, "tok") == "http://127.0.0.1:9000/?token=tok"


def test_refuses_a_missing_repository(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        serve_dashboard(tmp_path / "missing", 8866)


@pytest.mark.parametrize("port", [0, 70000])
def test_refuses_a_bad_port(tmp_path: Path, port: int) -> None:
    with pytest.raises(InputError, match="--port must be between 1 and 65535"):
        serve_dashboard(tmp_path, port)


def test_the_cli_reports_bad_input_with_exit_code_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["dashboard", str(tmp_path / "missing")]) == 2
    assert "does not exist" in capsys.readouterr().err
