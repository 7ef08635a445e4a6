"""Regenerates the README's pictures: the HTML report and the dashboard of the bundled sample app,
each in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

    .venv/bin/python scripts/screenshots.py   # writes docs/images/report.png and dashboard.png
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import Route, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = Path("data") / "samples" / "shop-vulnerable"  # relative to ROOT, as a user would type it
IMAGES = ROOT / "docs" / "images"
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
LOCAL = re.compile(r"^(https?|wss?)://127\.0\.0\.1:\d+/|^file://")
TOKEN = "screenshot-token"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_for(port: int, process: subprocess.Popen[bytes], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the dashboard exited with {process.returncode}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.5)
    raise SystemExit(f"the dashboard did not listen on port {port}")


def _local_only(route: Route) -> None:
    if LOCAL.match(route.request.url):
        route.continue_()
    else:  # Voila's template links a web font from a CDN: nothing leaves this machine
        route.abort()


def main() -> int:
    IMAGES.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as scratch:
        report = Path(scratch) / "report.html"
        command = [sys.executable, "-m", "archtools", "audit", str(SAMPLE), "--format", "html"]
        subprocess.run([*command, "-o", str(report)], check=False, cwd=ROOT)
        port = _free_port()
        env = {**os.environ, "ARCHTOOLS_DASHBOARD_TOKEN": TOKEN}
        dashboard = subprocess.Popen(
            [sys.executable, "-m", "archtools", "dashboard", str(SAMPLE), "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            _wait_for(port, dashboard)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                context.route("**/*", _local_only)
                page = context.new_page()
                page.goto(report.as_uri())
                page.screenshot(path=str(IMAGES / "report.png"))
                page.goto(f"http://127.0.0.1:{port}/?token={TOKEN}", wait_until="domcontentloaded")
                page.wait_for_selector(".archtools-scorecard", timeout=120_000)
                page.wait_for_timeout(1000)
                page.screenshot(path=str(IMAGES / "dashboard.png"))
                browser.close()
        finally:
            os.killpg(dashboard.pid, signal.SIGTERM)
            dashboard.wait(timeout=30)
    print(f"wrote {IMAGES / 'report.png'} and {IMAGES / 'dashboard.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
