"""Replaying a scenario's feed as a live TCP feed, in real time or faster."""

from __future__ import annotations

import logging
import re
import socket
import time
from pathlib import Path

from surveillance.errors import InputError

__all__ = ["serve_tcp"]

log = logging.getLogger(__name__)
_TIME = re.compile(rb"c:(\d{10,13})")


def _when(line: bytes) -> float | None:
    found = _TIME.search(line[:80])
    if found is None:
        return None
    value = int(found.group(1))
    return value / 1000 if len(found.group(1)) > 10 else float(value)


def serve_tcp(feed: Path, port: int, speed: float, host: str = "127.0.0.1",
              clients: int | None = None) -> None:  # fmt: skip
    """Serve ``feed`` to each client that connects, ``speed`` times faster than it
    happened (0: as fast as possible); stops after ``clients`` clients, if given."""
    lines = feed.read_bytes().splitlines()
    try:
        server = socket.create_server((host, port))
    except OSError as exc:
        raise InputError(f"cannot serve on {host}:{port}: {exc.strerror}") from None
    with server:
        log.info("serving %s on %s:%d at %sx", feed, host, port, speed or "full")
        served = 0
        while clients is None or served < clients:
            conn, peer = server.accept()
            served += 1
            log.info("client %s connected", peer)
            with conn:
                try:
                    _send(conn, lines, speed)
                except OSError as exc:
                    log.info("client %s went away: %s", peer, exc)


def _send(conn: socket.socket, lines: list[bytes], speed: float) -> None:
    first = next((t for t in map(_when, lines) if t is not None), None)
    started = time.monotonic()
    batch: list[bytes] = []
    for line in lines:
        when = _when(line)
        if speed > 0 and first is not None and when is not None:
            due = started + (when - first) / speed
            if due > time.monotonic():
                conn.sendall(b"".join(batch))
                batch = []
                time.sleep(due - time.monotonic())
        batch.append(line + b"\r\n")
        if len(batch) >= 1000:
            conn.sendall(b"".join(batch))
            batch = []
    conn.sendall(b"".join(batch))
