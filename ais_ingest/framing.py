"""NMEA 0183 framing of a whole chunk of lines at once, with numpy.

A chunk is a run of complete lines. Each line is classified: an AIS sentence
(``!xxVDM``/``!xxVDO``) whose fields are located (offsets into the chunk), checksum checked,
and time read from an NMEA 4.0 tag block (``\\s:..,c:<unix time>*hh\\``) or from a leading
timestamp column (ISO 8601 or unix seconds); another NMEA sentence (``$GPRMC``...), which
an AIS feed carries and the ingester passes over; a blank or comment line; or malformed.
Working on arrays rather than line by line is what lets ingest outrun a decode loop.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

__all__ = ["Frames", "frame_lines", "LineKind"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]


class LineKind:
    """What a line is (values of :attr:`Frames.kind`)."""

    AIS = 0
    OTHER_NMEA = 1  # $GPRMC and friends: passed over, counted
    BLANK = 2  # empty or a '#' comment
    MALFORMED = 3


_HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    _HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    _HEX[_c] = 10 + _i
_DIGIT = np.full(256, 255, dtype=np.uint8)
for _i in range(10):
    _DIGIT[48 + _i] = _i
_MAX_TIME_DIGITS = 13  # unix milliseconds


@dataclass
class Frames:
    """Per-line arrays for one chunk; offsets index into ``buf``."""

    buf: bytes
    start: IntArray  # line start
    end: IntArray  # line end (exclusive, without CR/LF)
    kind: npt.NDArray[np.int8]
    bang: IntArray  # offset of '!' (AIS lines)
    checksum_ok: npt.NDArray[np.bool_]
    count: IntArray  # fragment count
    number: IntArray  # fragment number
    seq: IntArray  # sequential message id, -1 when empty
    channel: npt.NDArray[np.uint8]  # b'A', b'B', ... or 0
    payload_start: IntArray
    payload_end: IntArray
    fill: IntArray
    ts: FloatArray  # unix seconds, NaN when the line carries no time

    def __len__(self) -> int:
        return len(self.start)

    def line(self, i: int) -> bytes:
        return self.buf[self.start[i] : self.end[i]]

    def sentence(self, i: int) -> bytes:
        """The NMEA sentence of an AIS line, without tag block or timestamp column."""
        return self.buf[self.bang[i] : self.end[i]]

    def payload(self, i: int) -> bytes:
        return self.buf[self.payload_start[i] : self.payload_end[i]]


def _first_at_or_after(positions: IntArray, at: IntArray, limit: IntArray) -> IntArray:
    """For each ``at``, the first of ``positions`` >= it and < ``limit``, else -1."""
    idx = np.searchsorted(positions, at)
    found = np.full(len(at), -1, dtype=np.int64)
    ok = idx < len(positions)
    cand = positions[np.minimum(idx, len(positions) - 1)] if len(positions) else found
    ok &= cand < limit
    found[ok] = cand[ok]
    return found


def frame_lines(buf: bytes) -> Frames:
    """Locate the fields of every line of ``buf`` (complete lines)."""
    if buf and not buf.endswith(b"\n"):
        buf += b"\n"
    arr = np.frombuffer(buf, dtype=np.uint8)
    newlines = np.flatnonzero(arr == 10)
    start = np.concatenate(([0], newlines[:-1] + 1)).astype(np.int64)
    end = newlines.astype(np.int64)
    end -= (end > start) & (arr[np.maximum(end - 1, 0)] == 13)
    n = len(start)
    kind = np.full(n, LineKind.MALFORMED, dtype=np.int8)

    # empty, whitespace-only and '#' comment lines
    printable = np.flatnonzero(arr > ord(" "))
    first = _first_at_or_after(printable, start, end)
    lead = arr[np.maximum(first, 0)]
    kind[(first < 0) | (lead == ord("#"))] = LineKind.BLANK

    bang = _first_at_or_after(np.flatnonzero(arr == ord("!")), start, end)
    dollar = _first_at_or_after(np.flatnonzero(arr == ord("$")), start, end)
    kind[(bang < 0) & (dollar >= 0) & (kind != LineKind.BLANK)] = LineKind.OTHER_NMEA

    frames = Frames(
        buf=buf,
        start=start,
        end=end,
        kind=kind,
        bang=bang,
        checksum_ok=np.zeros(n, dtype=bool),
        count=np.zeros(n, dtype=np.int64),
        number=np.zeros(n, dtype=np.int64),
        seq=np.full(n, -1, dtype=np.int64),
        channel=np.zeros(n, dtype=np.uint8),
        payload_start=np.zeros(n, dtype=np.int64),
        payload_end=np.zeros(n, dtype=np.int64),
        fill=np.zeros(n, dtype=np.int64),
        ts=np.full(n, np.nan),
    )
    candidates = np.flatnonzero((bang >= 0) & (kind == LineKind.MALFORMED))
    if len(candidates):
        _frame_sentences(frames, arr, candidates)
        _read_times(frames, arr, candidates)
    return frames


def _frame_sentences(frames: Frames, arr: npt.NDArray[np.uint8], rows: IntArray) -> None:
    bang, end = frames.bang[rows], frames.end[rows]
    # "!ttVDM," or "!ttVDO,"
    sentence_ok = end - bang >= 14
    for offset, allowed in ((3, b"V"), (4, b"D"), (6, b",")):
        sentence_ok &= arr[np.minimum(bang + offset, len(arr) - 1)] == allowed[0]
    fifth = arr[np.minimum(bang + 5, len(arr) - 1)]
    sentence_ok &= (fifth == ord("M")) | (fifth == ord("O"))
    commas = np.flatnonzero(arr == ord(","))
    c0 = np.searchsorted(commas, bang)
    fields = (
        np.stack([commas[np.minimum(c0 + k, len(commas) - 1)] for k in range(7)], axis=1)
        if len(commas)
        else np.zeros((len(rows), 7), dtype=np.int64)
    )
    # six commas, then the fill bits digit and '*hh'; anything after (receiver metadata
    # some feeds append) is left alone
    c = fields
    star = c[:, 5] + 2
    sentence_ok &= (c0 + 5 < len(commas)) & (star + 2 < end)
    sentence_ok &= arr[np.minimum(star, len(arr) - 1)] == ord("*")
    sentence_ok &= (c0 + 6 >= len(commas)) | (fields[:, 6] > star)
    count = _DIGIT[arr[np.minimum(c[:, 0] + 1, len(arr) - 1)]].astype(np.int64)
    number = _DIGIT[arr[np.minimum(c[:, 1] + 1, len(arr) - 1)]].astype(np.int64)
    seq_len = c[:, 3] - c[:, 2] - 1
    seq = np.where(
        seq_len == 1, _DIGIT[arr[np.minimum(c[:, 2] + 1, len(arr) - 1)]].astype(np.int64), -1
    )
    chan_len = c[:, 4] - c[:, 3] - 1
    channel = np.where(chan_len == 1, arr[np.minimum(c[:, 3] + 1, len(arr) - 1)], 0)
    fill = _DIGIT[arr[np.minimum(c[:, 5] + 1, len(arr) - 1)]].astype(np.int64)
    sentence_ok &= (c[:, 1] - c[:, 0] == 2) & (c[:, 2] - c[:, 1] == 2)
    sentence_ok &= (count >= 1) & (count <= 9) & (number >= 1) & (number <= count)
    sentence_ok &= (seq_len <= 1) & (chan_len <= 1) & (seq != 255)
    sentence_ok &= fill <= 5
    good = rows[sentence_ok]
    frames.kind[good] = LineKind.AIS
    frames.count[good] = count[sentence_ok]
    frames.number[good] = number[sentence_ok]
    frames.seq[good] = seq[sentence_ok]
    frames.channel[good] = channel[sentence_ok]
    frames.payload_start[good] = c[sentence_ok, 4] + 1
    frames.payload_end[good] = c[sentence_ok, 5]
    frames.fill[good] = fill[sentence_ok]
    # checksum: XOR of everything between '!' and '*'
    b, s = bang[sentence_ok] + 1, star[sentence_ok]
    if len(good):
        bounds = np.empty(2 * len(good), dtype=np.int64)
        bounds[0::2], bounds[1::2] = b, s
        xor = np.bitwise_xor.reduceat(arr, bounds)[0::2]
        stated = _HEX[arr[s + 1]].astype(np.int64) * 16 + _HEX[arr[s + 2]]
        frames.checksum_ok[good] = xor == stated


def _read_times(frames: Frames, arr: npt.NDArray[np.uint8], rows: IntArray) -> None:
    """Time from a tag block's ``c:`` field, else from a leading timestamp column."""
    rows = rows[frames.kind[rows] == LineKind.AIS]
    if not len(rows):
        return
    start, bang = frames.start[rows], frames.bang[rows]
    tagged = arr[start] == ord("\\")
    if tagged.any():
        colon = np.flatnonzero(arr[1:] == ord(":")) + 1
        c_at = colon[arr[colon - 1] == ord("c")] - 1
        c_at = c_at[np.isin(arr[np.maximum(c_at - 1, 0)], (ord("\\"), ord(",")))]
        found = _first_at_or_after(c_at, start[tagged], bang[tagged])
        have = found >= 0
        frames.ts[rows[tagged][have]] = _parse_unix(arr, found[have] + 2)
    plain = ~tagged & (bang > start)
    if plain.any():
        texts = [
            frames.buf[s:b].strip().rstrip(b",;").decode("ascii", "replace")
            for s, b in zip(start[plain], bang[plain], strict=True)
        ]
        frames.ts[rows[plain]] = _parse_column_times(texts)


def _parse_unix(arr: npt.NDArray[np.uint8], at: IntArray) -> FloatArray:
    """Unix seconds (10 digits) or milliseconds (13 digits) starting at each offset."""
    window = at[:, None] + np.arange(_MAX_TIME_DIGITS)
    digits = _DIGIT[arr[np.minimum(window, len(arr) - 1)]].astype(np.int64)
    is_digit = (digits != 255) & (window < len(arr))
    length = np.where(is_digit.all(axis=1), _MAX_TIME_DIGITS, np.argmin(is_digit, axis=1))
    value = np.zeros(len(at), dtype=np.int64)
    for k in range(_MAX_TIME_DIGITS):
        use = k < length
        value[use] = value[use] * 10 + digits[use, k]
    seconds = np.where(length > 10, value / 1000.0, value.astype(np.float64))
    return np.where(length > 0, seconds, np.nan)


def _parse_column_times(texts: list[str]) -> FloatArray:
    """Leading timestamp columns: unix seconds, or ISO 8601 (UTC unless it says otherwise)."""
    numeric = pd.to_numeric(pd.Series(texts), errors="coerce").to_numpy(dtype=np.float64).copy()
    rest = np.isnan(numeric)
    if rest.any():
        parsed = pd.to_datetime(pd.Series(texts)[rest], utc=True, errors="coerce", format="ISO8601")
        seconds = (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
        numeric[rest] = seconds.to_numpy(dtype=np.float64, na_value=np.nan)
    return numeric
