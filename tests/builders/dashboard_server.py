"""The dashboard served as a user starts it (``coastwatch dashboard`` on a free port), the
headless chromium that looks at it, and a login through its form, for browser tests.

Each page load (``page.goto``) is a new Streamlit session: it asks for the login again.

The browser runs with no sandbox (root) and without background networking: the machine
has no internet, and nothing may be fetched from it.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.builders.cli import start

__all__ = ["FLAGS", "READY_S", "chromium_or_skip", "end", "login", "dashboard_on", "serve"]

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--disable-sync",
    "--disable-extensions",
    "--no-first-run",
    "--metrics-recording-only",
    "--disable-domain-reliability",
    "--disable-client-side-phishing-detection",
]
READY_S = 90.0
_STOP_S = 60.0


def chromium_or_skip() -> str:
    """Debian's chromium: without it a browser test skips, and fails under CI."""
    if CHROMIUM is None:
        message = "the browser test needs Debian's chromium (scripts/test-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(url: str, home: Path) -> tuple[subprocess.Popen[str], str]:
    """``coastwatch dashboard`` on a free port, once its server answers: (process, address).
    It leads a process group of its own, so :func:`end` reaches whatever it started."""
    port = _free_port()
    server = start(
        "--database-url",
        url,
        "dashboard",
        "--port",
        str(port),
        env={**os.environ, "COASTWATCH_HOME": str(home)},
        stderr=subprocess.STDOUT,
        new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_S
    while True:
        try:
            with urllib.request.urlopen(f"{base}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return server, base
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            end(server)
            raise AssertionError(f"the dashboard did not come up: {server.stdout.read()}")  # type: ignore[union-attr]
        time.sleep(0.5)


def end(server: subprocess.Popen[str]) -> None:
    """Kill what is left of a served dashboard and its children."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.pid, signal.SIGKILL)
    server.wait(timeout=_STOP_S)


@contextlib.contextmanager
def dashboard_on(url: str, home: Path) -> Iterator[str]:
    """:func:`serve` for the length of a ``with`` block: its address; stopped as a user
    stops it (Ctrl-C), then whatever is left of it killed."""
    server, base = serve(url, home)
    try:
        yield base
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=30)
        finally:
            end(server)


def login(page: Any, name: str, password: str) -> None:
    """Log in through the form on the playwright ``page`` (just loaded: a form that still
    shows an earlier refusal would read as this login's) and wait until the app is drawn
    for the user (the sidebar's Log out button); a refused login fails with its message."""
    page.get_by_label("User name").fill(name)
    page.get_by_label("Password", exact=True).fill(password)
    page.get_by_role("button", name="Log in").click()
    out = page.get_by_role("button", name="Log out")
    form = page.get_by_role("button", name="Log in")
    refused = page.locator("[data-testid='stAlertContentError']")
    deadline = time.monotonic() + READY_S
    while not out.is_visible():
        if refused.count() and refused.first.is_visible() and form.is_visible():
            page.wait_for_timeout(500)  # the old form stays drawn while the next run draws
            if out.is_visible() or not form.is_visible():
                continue
            raise AssertionError(f"the login of {name} was refused: {refused.first.inner_text()}")
        if time.monotonic() > deadline:
            raise AssertionError(f"the app did not open for {name}")
        page.wait_for_timeout(200)
