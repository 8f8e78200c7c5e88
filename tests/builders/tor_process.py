"""Debian's tor for tests: an own Tor started offline (DisableNetwork 1: this machine cannot
reach the Tor network, and a test must not try), and a second control connection that
watches the signals Tor receives (``650 SIGNAL NEWNYM``)."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from crawler.tor import OwnTor

__all__ = ["SignalWatch", "offline_tor", "tor_or_skip", "watch_signals"]


def tor_or_skip() -> str:
    """The tor program: without it a Tor test skips, and fails under CI."""
    binary = shutil.which("tor")
    if binary is None:
        message = "the Tor tests need Debian's tor (scripts/test-deps.sh)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return binary


@contextmanager
def offline_tor(data_dir: Path, **options: object) -> Iterator[OwnTor]:
    """An own Tor on ``data_dir`` with its network off, stopped on exit."""
    tor = OwnTor.start(data_dir, binary=tor_or_skip(), network=False, **options)  # type: ignore[arg-type]
    try:
        yield tor
    finally:
        tor.stop()


class SignalWatch:
    """The signals (NEWNYM, ...) Tor reports on a control connection of the test's own."""

    def __init__(self) -> None:
        self.signals: list[str] = []
        self.arrived = threading.Event()

    def __call__(self, event: object) -> None:
        self.signals.append(str(getattr(event, "signal", event)))
        self.arrived.set()


@contextmanager
def watch_signals(control_port: int) -> Iterator[SignalWatch]:
    """Subscribe to Tor's SIGNAL events on the control port (cookie authentication)."""
    from stem.control import Controller, EventType

    watch = SignalWatch()
    with Controller.from_port(address="127.0.0.1", port=control_port) as controller:
        controller.authenticate()
        controller.add_event_listener(watch, EventType.SIGNAL)
        yield watch
