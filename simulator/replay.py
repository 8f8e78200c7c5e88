"""Replaying a scenario's feed as a live TCP feed, in real time or faster."""

from __future__ import annotations

import logging
import math
import socket
import time
from pathlib import Path

from ais_ingest.framing import frame_lines
from surveillance.errors import InputError

__all__ = ["serve_tcp"]

log = logging.getLogger(__name__)


def _timed_lines(data: bytes) -> tuple[list[bytes], list[float | None]]:
    """The feed's lines and their times (Unix seconds, None for none), as the decoder
    reads them: tag blocks' ``c:`` or a leading timestamp column."""
    if not data:
        return [], []
    frames = frame_lines(data)
    lines = [frames.line(i) for i in range(len(frames))]
    return lines, [None if math.isnan(t) else float(t) for t in frames.ts]


def serve_tcp(
    feed: Path, port: int, speed: float, host: str = "127.0.0.1", clients: int | None = None
) -> None:
    """Serve ``feed`` to each client that connects, ``speed`` times faster than it
    happened (0: as fast as possible); stops after ``clients`` clients, if given."""
    lines, times_s = _timed_lines(feed.read_bytes())
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
                    _send(conn, lines, times_s, speed)
                except OSError as exc:
                    log.info("client %s went away: %s", peer, exc)


def _send(
    conn: socket.socket, lines: list[bytes], times_s: list[float | None], speed: float
) -> None:
    first = next((t for t in times_s if t is not None), None)
    started = time.monotonic()
    batch: list[bytes] = []
    for line, when in zip(lines, times_s, strict=True):
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
