"""`archtools dashboard` in a real headless Chromium: Voila serves the dashboard notebook on 127.0.0.1,
its widgets appear, picking a feature shows that feature's scorecard, and the matrix filters."""

from __future__ import annotations

import importlib.util
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from archtools.pipeline import AuditOptions, audit
from archtools.results import Audit
from archtools.widgets.model import filter_entries

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.xdist_group("browser")]

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "samples" / "shop-vulnerable"
TOKEN = "dashboard-test-token"
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1:\d+/")
STARTUP_SECONDS = 60
WIDGET_TIMEOUT_MS = 90_000


def _unavailable(reason: str) -> None:
    """Under CI a missing tool is a failure, never a skip; elsewhere the tests are skipped."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: browser tests must run)", pytrace=False)
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def _wait_for_port(port: int, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the dashboard exited with {process.returncode}:\n{log.read_text()}")
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.settimeout(0.5)
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.2)
    pytest.fail(f"the dashboard did not listen on port {port}:\n{log.read_text()}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM to the command (it stops Voila and the kernels); the process group if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@dataclass
class Server:
    url: str
    audit: Audit


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    if importlib.util.find_spec("voila") is None:
        _unavailable("voila is not installed (pip install 'archtools[notebooks]')")
    port = _free_port()
    log = tmp_path_factory.mktemp("dashboard") / "server.log"
    env = {
        **os.environ,
        "ARCHTOOLS_DASHBOARD_TOKEN": TOKEN,
        "ARCHTOOLS_CACHE_DIR": str(log.parent / "cache"),
    }
    command = [sys.executable, "-m", "archtools", "dashboard", str(SAMPLE), "--port", str(port)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        _wait_for_port(port, process, log)
        yield Server(
            f"http://127.0.0.1:{port}/?token={TOKEN}", audit(SAMPLE, AuditOptions(use_cache=False))
        )
    finally:
        _stop(process)
    assert f"http://127.0.0.1:{port}/?token=" in log.read_text()


@dataclass
class Opened:
    page: Any
    outside: list[str]
    page_errors: list[str]


@pytest.fixture
def dashboard(browser: Any, server: Server) -> Iterator[Opened]:
    context = browser.new_context(viewport={"width": 1300, "height": 1000})
    outside: list[str] = []

    def block_outside(route: Any) -> None:
        # Voila's template links a web font from a CDN: nothing leaves this machine in a test.
        outside.append(route.request.url)
        route.abort()

    context.route(lambda url: not LOCAL.match(url), block_outside)
    page = context.new_page()
    page.set_default_timeout(WIDGET_TIMEOUT_MS)
    opened = Opened(page=page, outside=outside, page_errors=[])
    page.on("pageerror", lambda err: opened.page_errors.append(str(err)))
    page.goto(server.url, wait_until="domcontentloaded")
    page.wait_for_selector(".archtools-scorecard")
    yield opened
    context.close()


def test_picking_a_feature_shows_its_scorecard(dashboard: Opened, server: Server) -> None:
    page = dashboard.page
    features = sorted(card.feature for card in server.audit.scorecards)
    picker = page.locator(".archtools-feature-picker select")
    assert picker.locator("option").all_inner_texts() == features
    first = page.locator(".archtools-scorecard")
    assert first.get_attribute("data-feature") == features[0]

    picker.select_option(label="orders")
    shown = page.locator('.archtools-scorecard[data-feature="orders"]')
    shown.wait_for()
    orders = next(card for card in server.audit.scorecards if card.feature == "orders")
    assert shown.get_attribute("data-grade") == orders.grade
    assert shown.locator("h3").inner_text() == f"orders: grade {orders.grade} ({orders.score}/100)"
    items = shown.locator("tr[data-item]").evaluate_all("rows => rows.map(r => r.dataset.item)")
    assert items == [item.id for item in orders.items]
    summary = page.locator(".archtools-summary").inner_text()
    assert summary.startswith("Audit of shop-vulnerable: 29 entry points")
    assert dashboard.page_errors == []
    assert all(not LOCAL.match(url) for url in dashboard.outside)


def test_coverage_tab_filters_by_status(dashboard: Opened, server: Server) -> None:
    page = dashboard.page
    page.get_by_role("tab", name="Coverage").click()
    page.locator(".archtools-filter-check select").select_option(label="authorization")
    page.locator(".archtools-filter-status select").select_option(label="fail")
    failing = filter_entries(server.audit, check="authorization", status="fail")
    total = len(server.audit.entry_points)
    count = page.get_by_text(f"{len(failing)} of {total} entry points")
    count.wait_for()
    options = page.locator(".archtools-entry-picker select option").evaluate_all(
        "options => options.map(o => o.textContent)"
    )
    assert len(options) == len(failing)
    # The widget writes spaces as no-break spaces.
    labels = [option.replace("\xa0", " ") for option in options]
    where = [label.rsplit("  (", 1)[1].rstrip(")") for label in labels]
    assert where == [f"{e.file}:{e.line}" for e in failing]
    page.locator(".archtools-entry-picker select").select_option(index=0)
    detail = page.locator(f'.archtools-entry[data-id="{failing[0].id}"]')
    detail.wait_for()
    assert detail.locator("mark").count() >= 1  # the evidence lines, highlighted in the source
