"""Cutting MAVLink byte streams into packets: a ``.tlog`` by its per-packet times, a live
link by pymavlink's own robust parser.

A ``.tlog`` (QGroundControl, MAVProxy, Mission Planner) is packets as received, each behind
the time it arrived: 8 bytes, big-endian microseconds since 1970. :class:`TlogFramer` reads
the time, the packet's length from its header, and hands the packet to pymavlink to decode;
bytes that are neither (junk, a torn write) are skipped up to the next plausible
time-and-packet and come back as one :class:`Bad` span. A live link has no times in it:
:class:`StreamFramer` feeds its bytes to pymavlink's parser with ``robust_parsing`` on, so
junk, CRC errors and unknown ids come back as ``BAD_DATA`` (here :class:`Bad`) instead of
exceptions.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from drone_ops.link import mavlink

__all__ = ["Bad", "Packet", "StreamFramer", "TlogFramer", "stamp"]

_STAMP = struct.Struct(">Q")
_V1, _V2 = 0xFE, 0xFD
_SIGNED = 0x01
_EARLIEST_US, _LATEST_US = 946_684_800 * 10**6, 4_102_444_800 * 10**6  # 2000 to 2100
_JUMP_US = 86_400 * 10**6  # a time a day away from the last one is junk that looks like one
_LONG_JUNK = 1 << 16  # junk held back, waiting for the next record, before it is let go
_RAW_KEPT = 256  # bytes of a bad span kept in the quarantine (as hex)


def stamp(ts_s: float, packet: bytes) -> bytes:
    """One ``.tlog`` record: ``packet`` behind its time (what a ground station writes)."""
    return _STAMP.pack(round(ts_s * 1e6)) + packet


@dataclass(frozen=True, slots=True)
class Packet:
    """A decoded message and its time (None on a live link: the receive time is used)."""

    message: Any  # a pymavlink MAVLink_message
    ts_s: float | None


@dataclass(frozen=True, slots=True)
class Bad:
    """Bytes that were not a good packet: ``reason`` (junk_bytes, crc_error,
    unknown_message_id, malformed_packet), ``detail`` as pymavlink said it."""

    reason: str
    raw: bytes
    detail: str
    ts_s: float | None = None

    @property
    def raw_hex(self) -> str:
        return self.raw[:_RAW_KEPT].hex()


def _parser() -> Any:
    parser = mavlink.MAVLink(None)
    parser.robust_parsing = True
    return parser


def _reason(detail: str) -> str:
    if detail.startswith("Bad prefix"):
        return "junk_bytes"
    if "CRC" in detail:
        return "crc_error"
    return "malformed_packet"


def _judge(message: Any, ts_s: float | None) -> Packet | Bad:
    """pymavlink's verdict on one packet as a :class:`Packet` or a :class:`Bad`."""
    kind = message.get_type()
    if kind == "BAD_DATA":
        detail = str(message.reason)
        return Bad(_reason(detail), bytes(message.data), detail, ts_s)
    if kind.startswith("UNKNOWN_"):
        raw = bytes(message.get_msgbuf())
        return Bad("unknown_message_id", raw, f"message id {kind[8:]}", ts_s)
    return Packet(message, ts_s)


def _packet_length(buf: bytes | bytearray, at: int) -> int:
    """The length of the packet whose magic byte is at ``at`` (header, payload, CRC and
    signature)."""
    if buf[at] == _V2:
        signature = 13 if buf[at + 2] & _SIGNED else 0
        return 10 + buf[at + 1] + 2 + signature
    return 6 + buf[at + 1] + 2


class StreamFramer:
    """Bytes of a live link, in any pieces, to packets and bad spans."""

    def __init__(self) -> None:
        self._parser = _parser()

    def feed(self, data: bytes) -> Iterator[Packet | Bad]:
        for message in self._parser.parse_buffer(data) or ():
            yield _judge(message, None)

    def end(self) -> Iterator[Bad]:
        """The stream ended (the link dropped): a packet cut short is junk."""
        rest = bytes(self._parser.buf[self._parser.buf_index :])
        self._parser = _parser()
        if rest:
            yield Bad("junk_bytes", rest, "cut short when the link dropped")


class TlogFramer:
    """Bytes of a ``.tlog``, in any pieces, to timed packets and bad spans."""

    def __init__(self) -> None:
        self._parser = _parser()
        self._buf = bytearray()
        self._last_us: int | None = None

    def feed(self, data: bytes) -> Iterator[Packet | Bad]:
        self._buf += data
        yield from self._cut(final=False)

    def end(self) -> Iterator[Packet | Bad]:
        """The file ended: what is left is a last packet or junk."""
        yield from self._cut(final=True)
        if self._buf:
            yield self._junk(bytes(self._buf), "the file ends inside a packet")
            self._buf.clear()

    def _plausible(self, at: int) -> bool:
        """Is there a time at ``at`` and a packet's magic byte right behind it?"""
        buf = self._buf
        if at + 9 > len(buf) or buf[at + 8] not in (_V1, _V2):
            return False
        (us,) = _STAMP.unpack_from(buf, at)
        near = self._last_us is None or abs(us - self._last_us) < _JUMP_US
        return _EARLIEST_US <= us <= _LATEST_US and near

    def _next_plausible(self, start: int) -> int | None:
        buf = self._buf
        at = start
        while True:
            v1, v2 = buf.find(_V1, at + 8), buf.find(_V2, at + 8)
            found = min((i for i in (v1, v2) if i >= 0), default=-1)
            if found < 0:
                return None
            if self._plausible(found - 8):
                return found - 8
            at = found - 7

    def _cut(self, final: bool) -> Iterator[Packet | Bad]:
        buf, at = self._buf, 0
        while len(buf) - at >= 11:
            if not self._plausible(at):
                found = self._next_plausible(at + 1)
                if found is None:
                    if not final:  # wait for the rest: one run of junk is one reject
                        if len(buf) - at > _LONG_JUNK:
                            yield self._junk(bytes(buf[at:-10]), "not a tlog record")
                            at = len(buf) - 10
                        break
                    found = len(buf)
                yield self._junk(bytes(buf[at:found]), "not a tlog record")
                at = found
                continue
            length = _packet_length(buf, at + 8)
            if at + 8 + length > len(buf):
                if not final:
                    break
                found = self._next_plausible(at + 1) or len(buf)
                yield self._junk(bytes(buf[at:found]), "the record is cut short")
                at = found
                continue
            (us,) = _STAMP.unpack_from(buf, at)
            packet = bytes(buf[at + 8 : at + 8 + length])
            at += 8 + length
            self._last_us = us
            yield self._decode(packet, us / 1e6)
        del buf[:at]

    def _junk(self, raw: bytes, detail: str) -> Bad:
        """Junk, at the time of the record before it (so a log read twice quarantines it
        once)."""
        return Bad(
            "junk_bytes", raw, detail, None if self._last_us is None else self._last_us / 1e6
        )

    def _decode(self, packet: bytes, ts_s: float) -> Packet | Bad:
        try:
            message = self._parser.decode(bytearray(packet))
        except mavlink.MAVError as error:
            detail = str(error.message)
            return Bad(_reason(detail), packet, detail, ts_s)
        return _judge(message, ts_s)
