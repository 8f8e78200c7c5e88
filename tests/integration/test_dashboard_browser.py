"""The running dashboard in Debian's headless chromium: the map draws, an alert opens and is
acknowledged, a report downloads. ``coastwatch dashboard`` serves the app as a user starts it.

Without chromium the test skips locally and fails under CI (``scripts/test-deps.sh`` installs
it). The browser runs with no sandbox (root) and without background networking: the machine
has no internet, and nothing may be fetched from it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from alerts.engine import Engine
from surveillance.settings import load_settings
from surveillance.store import Store
from tests.builders.cli import start
from tests.builders.clock import T0
from tests.builders.positions import drifting

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox", "--headless=new", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-default-apps",
    "--disable-sync", "--disable-extensions", "--no-first-run", "--metrics-recording-only",
    "--disable-domain-reliability", "--disable-client-side-phishing-detection",
]  # fmt: skip
LOITERER = 431000001
READY_S = 90.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chromium() -> str:
    if CHROMIUM is None:
        message = "the browser test needs Debian's chromium (scripts/test-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The dashboard on a store holding a loitering vessel and its alert: (url, alert id)."""
    url = store.engine.url.render_as_string(hide_password=False)
    store.write_positions(drifting(LOITERER, T0, 6))
    Engine(load_settings(database_url=url), store).run(T0, T0 + timedelta(hours=7))
    (alert_id,) = store.alerts()["id"]
    port = _free_port()
    env = {**os.environ, "COASTWATCH_HOME": str(tmp_path)}
    server = start(
        "--database-url", url, "dashboard", "--port", str(port), env=env, stderr=subprocess.STDOUT
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_S
        while True:
            try:
                with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                    if answer.read() == b"ok":
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the dashboard did not come up: {server.stdout.read()}")  # type: ignore[union-attr]
            time.sleep(0.5)
        yield base, alert_id
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()


def test_the_app_works_in_a_real_browser(
    chromium: str, served: tuple[str, str], store: Store, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    base, alert_id = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page.set_default_timeout(60_000)
        # the map: Streamlit draws after load; deck.gl draws into a canvas
        page.goto(base)
        page.get_by_text("Operations map").first.wait_for()
        page.locator("canvas").first.wait_for()
        # an alert, opened by its link, acknowledged
        page.goto(f"{base}/alert?alert={alert_id}")
        page.get_by_text("loitering").first.wait_for()
        page.get_by_role("button", name="Acknowledge").click()
        deadline = time.monotonic() + 30
        while store.alert_events(alert_id).empty and time.monotonic() < deadline:
            time.sleep(0.5)
        events = store.alert_events(alert_id)
        assert events["action"].tolist() == ["ack"]
        assert events["to_status"].tolist() == ["acknowledged"]
        # a report, downloaded as a user would
        page.goto(f"{base}/reports")
        with page.expect_download() as download:
            page.get_by_role("button", name="GeoJSON").click()
        saved = tmp_path / "report.geojson"
        download.value.save_as(saved)
        collection = json.loads(saved.read_text())
        assert collection["type"] == "FeatureCollection"
        assert [f["properties"]["id"] for f in collection["features"]] == [alert_id]
        browser.close()
