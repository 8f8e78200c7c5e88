"""Where MAVLink bytes come from: ``.tlog`` files, and a live link that comes back when it
drops.

A source yields :class:`Chunk` records: bytes as read, with where they came from, when they
arrived, and whether they carry their own times (a ``.tlog``). A live link also yields an
empty chunk about every ``tick_s`` while it is quiet, so the parse step can write on time,
and a ``last`` chunk when the link drops, so a packet cut short is not glued to the next
connection's bytes.
"""

from __future__ import annotations

import contextlib
import logging
import select
import socket
import time
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from surveillance.errors import InputError
from surveillance.ingest import Source

__all__ = ["Chunk", "LiveLink", "TlogFiles"]

log = logging.getLogger(__name__)

_BLOCK = 1 << 20
_UDP_BUFFER = 8 << 20
_DATAGRAMS_AT_ONCE = 512
_HEARTBEAT_S = 1.0  # a ground station says it is there once a second (udpout peers wait for it)


@dataclass(frozen=True, slots=True)
class Chunk:
    """Bytes from ``origin`` (a file or a link; the rows' ``link``), received at
    ``received_s``; ``logged``: a ``.tlog``, every packet behind its own time; ``last``: the
    end of this origin's stream (the file ended, the link dropped)."""

    origin: str
    data: bytes
    received_s: float
    logged: bool = False
    last: bool = False


class TlogFiles(Source[Chunk]):
    """``.tlog`` files, in the order given, read in blocks."""

    def __init__(self, paths: Sequence[Path]) -> None:
        self.paths = list(paths)
        self.name = "drone:tlog"
        for path in self.paths:
            if not path.is_file():
                raise InputError(f"{path}: no such telemetry log")

    def read(self) -> Iterator[Chunk]:
        for path in self.paths:
            origin = path.name
            with open(path, "rb") as log_file:
                while block := log_file.read(_BLOCK):
                    yield Chunk(origin, block, time.time(), logged=True)
            yield Chunk(origin, b"", time.time(), logged=True, last=True)


class LiveLink(Source[Chunk]):
    """A MAVLink connection (:func:`drone_ops.link.open_link` URL) read until ``duration_s``
    has passed (None: until Ctrl-C). A link that drops (TCP closed, a serial device gone)
    is opened again with a back-off from ``first_backoff_s`` doubling to ``max_backoff_s``;
    each drop is logged and counted in ``reconnects``."""

    def __init__(
        self,
        url: str,
        *,
        duration_s: float | None = None,
        tick_s: float = 0.2,
        first_backoff_s: float = 0.5,
        max_backoff_s: float = 10.0,
    ) -> None:
        self.url, self.name = url, f"drone:{url}"
        self.duration_s, self.tick_s = duration_s, tick_s
        self.first_backoff_s, self.max_backoff_s = first_backoff_s, max_backoff_s
        self.reconnects = 0
        self._conn: Any = self._open()  # here, so a bad URL or a busy port is said at once

    def read(self) -> Iterator[Chunk]:
        until = None if self.duration_s is None else time.monotonic() + self.duration_s
        conn = self._conn
        backoff = self.first_backoff_s
        heard = time.monotonic() - _HEARTBEAT_S
        try:
            while until is None or time.monotonic() < until:
                if time.monotonic() - heard >= _HEARTBEAT_S:
                    heard = time.monotonic()
                    self._say_hello(conn)
                data = self._receive(conn)
                if data is not None:
                    if data:
                        backoff = self.first_backoff_s
                    yield Chunk(self.url, data, time.time())
                    continue
                yield Chunk(self.url, b"", time.time(), last=True)
                self.reconnects += 1
                log.warning("link %s dropped; reconnecting in %.1f s", self.url, backoff)
                conn = yield from self._reopen(conn, backoff, until)
                backoff = min(backoff * 2, self.max_backoff_s)
        except KeyboardInterrupt:
            log.info("interrupted: storing what has arrived, then stopping")
        finally:
            _close(conn)
        yield Chunk(self.url, b"", time.time(), last=True)

    def _open(self) -> Any:
        """The link; a UDP one with room for seconds of datagrams while a batch is written."""
        from drone_ops.link import open_link

        conn = open_link(self.url)
        if self.url.startswith("udp"):
            conn.port.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, _UDP_BUFFER)
        return conn

    def _receive(self, conn: Any) -> bytes | None:
        """What the link has within a tick: bytes, b"" when quiet, None when it dropped."""
        port = conn.port
        if port is None:
            return None
        try:
            ready, _, _ = select.select([port], [], [], self.tick_s)
            if not ready:
                return b""
            if self.url.startswith("udp"):
                return _datagrams(conn)
            if hasattr(port, "recv"):
                return port.recv(65536) or None  # b"": the far end closed the connection
            return bytes(port.read(max(1, port.in_waiting)))  # a serial device
        except (OSError, ValueError) as error:  # reset, closed, unplugged
            log.info("link %s: %s", self.url, error)
            return None

    def _say_hello(self, conn: Any) -> None:
        """A ground station's heartbeat, so a vehicle that waits for one starts talking."""
        from drone_ops.link import mavlink

        # not connected just now: the read side notices the drop
        with contextlib.suppress(OSError, ValueError, AttributeError):
            conn.mav.heartbeat_send(mavlink.MAV_TYPE_GCS, mavlink.MAV_AUTOPILOT_INVALID, 0, 0, 0)

    def _reopen(
        self, conn: Any, backoff_s: float, until: float | None
    ) -> Generator[Chunk, None, Any]:
        """Open the link again, trying every back-off until it answers (or time is up);
        quiet ticks meanwhile; returns the connection."""
        _close(conn)
        while True:
            wait_until = time.monotonic() + backoff_s
            if until is not None:
                wait_until = min(wait_until, until)
            while time.monotonic() < wait_until:
                time.sleep(min(self.tick_s, max(0.0, wait_until - time.monotonic())))
                yield Chunk(self.url, b"", time.time())
            if until is not None and time.monotonic() >= until:
                return conn
            try:
                if self.url.startswith("tcp:"):
                    return _tcp_again(conn)
                return self._open()
            except (OSError, InputError) as error:
                log.warning(
                    "link %s still away (%s); retrying in %.1f s", self.url, error, backoff_s
                )
                backoff_s = min(backoff_s * 2, self.max_backoff_s)


def _datagrams(conn: Any) -> bytes:
    """The datagrams waiting on a UDP link, as one piece (each holds whole packets), read
    through pymavlink's ``recv`` so that a udpin link learns who is talking."""
    data = bytearray()
    for _ in range(_DATAGRAMS_AT_ONCE):
        datagram = conn.recv()
        if not datagram:
            break
        data += datagram
    return bytes(data)


def _tcp_again(conn: Any) -> Any:
    """Connect a pymavlink TCP client again, one attempt (its own loop retries six times a
    second apart and prints as it goes)."""
    conn.retries, conn.reconnect_delay = 1, 0
    conn.do_connect()
    log.info("link %s is back", conn.address)
    return conn


def _close(conn: Any) -> None:
    try:
        if getattr(conn, "port", None) is not None:
            conn.close()
    except OSError:
        pass
