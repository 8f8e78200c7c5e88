"""Live AIS feeds: a TCP client that reconnects with back-off, and a UDP listener.

A source has one job, ``read()``: yield ``(line, receive time)``, or ``(None, now)`` about
every ``tick_s`` while the feed is quiet, so that the caller can flush on time. Lines that
carry no NMEA 4.0 tag block get one with their receive time (``\\c:<ms>*hh\\``), so every
line says when it arrived, in the store and in the spool alike.
"""

from __future__ import annotations

import logging
import socket
import time
from abc import abstractmethod
from collections.abc import Iterator
from functools import reduce

from surveillance.errors import InputError
from surveillance.ingest import Source

__all__ = ["Event", "FeedSource", "TcpSource", "UdpSource", "stamp", "parse_endpoint"]

log = logging.getLogger(__name__)

Event = tuple[bytes | None, float]  # (a line, or None for a quiet tick; receive time)
_MAX_LINE = 4096  # longer is not NMEA


def stamp(line: bytes, received_s: float) -> bytes:
    """Give a line without a tag block one carrying its receive time (milliseconds)."""
    if line.startswith(b"\\"):
        return line
    body = f"c:{int(received_s * 1000)}"
    check = reduce(lambda a, c: a ^ c, body.encode(), 0)
    return f"\\{body}*{check:02X}\\".encode() + line


def parse_endpoint(text: str, default_host: str | None = None) -> tuple[str, int]:
    """``HOST:PORT`` (or ``PORT`` when a default host is given) -> (host, port)."""
    host, _, port = text.rpartition(":")
    host = host or default_host or ""
    if not host or not port.isdigit() or not 0 < int(port) < 65536:
        wanted = "HOST:PORT" if default_host is None else "[HOST:]PORT"
        raise InputError(f"expected {wanted}, got {text!r}")
    return host.strip("[]"), int(port)


class FeedSource(Source[Event]):
    """A live feed of NMEA lines: a :class:`~surveillance.ingest.Source` that never ends
    on its own."""

    def __init__(self, tick_s: float = 0.2) -> None:
        self.tick_s = tick_s
        self.lines = 0

    @abstractmethod
    def read(self) -> Iterator[Event]:
        """Yield received lines with their receive time, and quiet ticks."""

    def _split(self, data: bytes, carry: bytes, received: float) -> tuple[list[Event], bytes]:
        *complete, carry = (carry + data).split(b"\n")
        events: list[Event] = []
        for raw in complete:
            line = raw.strip(b"\r \x00")
            if line:
                self.lines += 1
                events.append((stamp(line[:_MAX_LINE], received), received))
        if len(carry) > _MAX_LINE:  # no newline for far too long: not an NMEA feed
            events.append((carry[:_MAX_LINE], received))
            carry = b""
        return events, carry


class TcpSource(FeedSource):
    """Client of a TCP feed (e.g. an AIS receiver or aggregator); reconnects on its own."""

    def __init__(self, host: str, port: int, tick_s: float = 0.2, max_backoff_s: float = 30.0):
        super().__init__(tick_s)
        self.host, self.port = host, port
        self.name = f"tcp:{host}:{port}"
        self.max_backoff_s = max_backoff_s
        self.connections = 0

    def read(self) -> Iterator[Event]:
        backoff = 0.5
        while True:
            try:
                conn = socket.create_connection((self.host, self.port), timeout=1.0)
            except OSError as exc:
                log.warning(
                    "feed %s unreachable (%s); retrying in %.1f s",
                    self.name,
                    exc.strerror or exc,
                    backoff,
                )
                yield from self._wait(backoff)
                backoff = min(backoff * 2, self.max_backoff_s)
                continue
            self.connections += 1
            log.info("connected to %s", self.name)
            received_before = self.lines
            yield from self._receive(conn)
            if self.lines > received_before:
                backoff = 0.5  # it worked for a while: start the back-off afresh
            log.warning("feed %s dropped; reconnecting in %.1f s", self.name, backoff)
            yield from self._wait(backoff)
            backoff = min(backoff * 2, self.max_backoff_s)

    def _wait(self, seconds: float) -> Iterator[Event]:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            time.sleep(min(self.tick_s, max(0.0, until - time.monotonic())))
            yield None, time.time()

    def _receive(self, conn: socket.socket) -> Iterator[Event]:
        conn.settimeout(self.tick_s)
        carry = b""
        with conn:
            while True:
                try:
                    data = conn.recv(65536)
                except TimeoutError:
                    yield None, time.time()
                    continue
                except OSError:
                    return
                if not data:
                    return
                events, carry = self._split(data, carry, time.time())
                yield from events or [(None, time.time())]


class UdpSource(FeedSource):
    """Listener for UDP datagrams of NMEA lines (one or several per datagram)."""

    def __init__(self, host: str, port: int, tick_s: float = 0.2) -> None:
        super().__init__(tick_s)
        self.name = f"udp:{host}:{port}"
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_DGRAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8 << 20)
        try:
            self.sock.bind((host, port))
        except OSError as exc:
            self.sock.close()
            raise InputError(f"cannot listen on UDP {host}:{port}: {exc.strerror}") from None
        self.sock.settimeout(tick_s)
        self.port = self.sock.getsockname()[1]

    def read(self) -> Iterator[Event]:
        with self.sock:
            while True:
                try:
                    data = self.sock.recv(65536)
                except TimeoutError:
                    yield None, time.time()
                    continue
                events, _ = self._split(data + b"\n", b"", time.time())
                yield from events or [(None, time.time())]
