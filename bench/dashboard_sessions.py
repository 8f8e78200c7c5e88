"""Page times of the dashboard with 20 logged-in sessions at once, against one alone.

Simulates a day on a real coast (the Tsushima Strait), ingests it into a throwaway embedded
store, finds its alerts and adds a monitor; serves the dashboard as a user starts it
(``coastwatch dashboard``) and drives one headless chromium with a browser context per
session. Each session logs in as that monitor, then opens the alerts page and the map in
turn, ``--rounds`` times, by the sidebar's links as a person clicks them. A page's time runs
from the click to the page drawn: its heading, its table or map, and Streamlit's run of the
page finished.

Baseline: one session alone, measured in the same run on the same server; then
``--sessions`` sessions at once (released together). Printed: the median and p95 page time
of each, and their ratio.

    .venv/bin/python -m bench.dashboard_sessions [--sessions 20] [--rounds 3] [--vessels 60]

(as a module from the repository root: it drives the browser with the tests' own helpers)
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from tests.builders.dashboard_server import FLAGS, chromium_or_skip, end, login, serve

if TYPE_CHECKING:
    from playwright.sync_api import Page

USER = "bench.monitor"  # may see the map and the alerts
PASSWORD = "bench-sessions-harbour"
#: page -> (its link in the sidebar, its heading, what shows it is drawn)
PAGES = {
    "alerts": ("Alerts", "Alerts", '[data-testid="stDataFrame"]'),
    "map": ("Operations map", "Operations map", "canvas"),
}
TIMEOUT_MS = 300_000
_DONE = '[data-testid="stApp"][data-test-script-state="notRunning"]'


def _coastwatch(*args: str, env: dict[str, str]) -> str:
    ran = subprocess.run(
        [sys.executable, "-m", "surveillance", *args], env=env, capture_output=True, text=True
    )
    if ran.returncode != 0:
        raise RuntimeError(f"coastwatch {' '.join(args)} failed: {ran.stderr}")
    return ran.stdout


def _store_with_a_day(work: Path, vessels: int, env: dict[str, str]) -> None:
    """A simulated day ingested, its alerts found, and the monitor who will look at them
    (the OS user is the store's first admin: its password is in the environment too)."""
    _coastwatch("db", "up", env=env)
    shape = ("--vessels", str(vessels), "--scenes", "0", "--drones", "0")
    _coastwatch("simulate", "--out", str(work / "day"), *shape, env=env)
    _coastwatch("ingest", "ais", str(work / "day" / "feed.nmea"), env=env)
    _coastwatch("detect", env=env)
    _coastwatch("users", "add", USER, "--role", "monitor", env=env)


def _browser(work: Path) -> tuple[subprocess.Popen[bytes], str]:
    """One headless chromium for every session: (its process, its DevTools address)."""
    profile = work / "chromium"
    browser = subprocess.Popen(
        [chromium_or_skip(), *FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    port_file = profile / "DevToolsActivePort"
    deadline = time.monotonic() + 60
    while not port_file.exists() or not port_file.read_text().strip():
        if browser.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("chromium did not start")
        time.sleep(0.1)
    return browser, f"http://127.0.0.1:{port_file.read_text().split()[0]}"


def _drawn(page: Page, name: str) -> None:
    """Wait for a page to be drawn whole (its run finished, not only begun)."""
    _, heading, shown = PAGES[name]
    page.get_by_role("heading", name=heading, exact=True).first.wait_for()
    page.locator(shown).first.wait_for()
    page.locator(_DONE).wait_for()


def _session(
    devtools: str, base: str, door: threading.Lock, start: threading.Barrier, rounds: int
) -> list[float]:
    """One person: a browser context of its own, logged in (one person at a time through
    the ``door``: the bench times pages, not a storm of logins), then, all at once, the two
    pages in turn; the seconds each page took. Its own playwright (the sync API keeps to
    one thread), on the one chromium."""
    from playwright.sync_api import sync_playwright

    times = []
    with sync_playwright() as p:
        browser = p.chromium.connect_over_cdp(devtools, timeout=TIMEOUT_MS)  # 20 at once: slow
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        page = context.new_page()
        page.set_default_timeout(TIMEOUT_MS)
        with door:
            page.goto(base)
            login(page, USER, PASSWORD)
            _drawn(page, "map")
        start.wait()
        for _ in range(rounds):
            for name in ("alerts", "map"):
                clock = time.perf_counter()
                page.get_by_role("link", name=PAGES[name][0], exact=True).first.click()
                _drawn(page, name)
                times.append(time.perf_counter() - clock)
        context.close()
    return times


def page_times(devtools: str, base: str, sessions: int, rounds: int) -> list[float]:
    """Every page time of ``sessions`` sessions run at once."""
    door, start = threading.Lock(), threading.Barrier(sessions)
    found: list[list[float]] = [[] for _ in range(sessions)]
    failed: list[BaseException] = []

    def run(index: int) -> None:
        try:
            found[index] = _session(devtools, base, door, start, rounds)
        except BaseException as error:
            failed.append(error)
            start.abort()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failed:
        raise RuntimeError(f"{len(failed)} of {sessions} sessions failed: {failed[0]!r}")
    return [t for times in found for t in times]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--vessels", type=int, default=60)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-sessions-"))
    env = {
        **os.environ,
        "COASTWATCH_HOME": str(work / "home"),
        "COASTWATCH_EMBEDDED_PORT": "55497",
        "COASTWATCH_PASSWORD": PASSWORD,
        "COASTWATCH_AOI_NAME": "tsushima",
        "COASTWATCH_AOI_BBOX_DEG": "[128.5,33.0,131.5,35.5]",
    }
    cluster = Cluster(load_settings(home=work / "home", embedded_port=55497))
    server = browser = None
    try:
        _store_with_a_day(work, args.vessels, env)
        url = _coastwatch("db", "url", env=env).strip()
        server, base = serve(url, work / "home")
        browser, devtools = _browser(work)
        page_times(devtools, base, 1, 1)  # warm: the server's caches, as after a first visit
        alone = page_times(devtools, base, 1, args.rounds)
        crowd = page_times(devtools, base, args.sessions, args.rounds)
    finally:
        if browser is not None:
            browser.kill()
            browser.wait()
        if server is not None:
            end(server)
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    print(f"page times, s (alerts page and map in turn, {args.rounds} rounds each session)")
    print(f"{'':<22}{'pages':>7}{'median':>9}{'p95':>8}")
    rows = (("1 session alone", alone), (f"{args.sessions} sessions at once", crowd))
    for name, times in rows:
        median, p95 = np.median(times), np.percentile(times, 95)
        print(f"{name:<22}{len(times):>7}{median:>9.2f}{p95:>8.2f}")
    print(
        f"x baseline (1 session): median {np.median(crowd) / np.median(alone):.2f}, "
        f"p95 {np.percentile(crowd, 95) / np.percentile(alone, 95):.2f}"
    )


if __name__ == "__main__":
    main()
