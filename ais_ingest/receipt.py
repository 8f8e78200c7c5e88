"""When and by whom each line of a chunk was received, read from every format feeds use.

Times, first found first used: an NMEA 4.0 tag block's ``c:`` (unix seconds, or
milliseconds), a leading timestamp column (ISO 8601 or unix seconds), the unix time a USCG
NAIS log puts last after the checksum (``...,0*70,b003669794,1272412827``), or the GateHouse
``$PGHP,1,yyyy,m,d,h,m,s,ms,...*hh`` header before the sentence it times. Stations: the tag
block's ``s:``, or the USCG ``r``/``b`` field. All of it is vectorized except the $PGHP
headers, which are few in a line's cost compared with what they time.
"""

from __future__ import annotations

import calendar
import datetime
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from ais_ingest.frames import Frames, LineKind

__all__ = [
    "DIGIT",
    "HEX",
    "Marks",
    "TagBlocks",
    "checksums_ok",
    "first_at_or_after",
    "is_time_header",
    "read_receipts",
    "tag_blocks",
]

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
Bytes = npt.NDArray[np.uint8]

HEX = np.full(256, 255, dtype=np.uint8)
for _i, _c in enumerate(b"0123456789ABCDEF"):
    HEX[_c] = _i
for _i, _c in enumerate(b"abcdef"):
    HEX[_c] = 10 + _i
DIGIT = np.full(256, 255, dtype=np.uint8)
for _i in range(10):
    DIGIT[48 + _i] = _i

MAX_NUMBER_CHARS = 18  # the longest time field read (unix ms with a fraction); int64-safe
MAX_STATION_CHARS = 32  # a longer station name is cut to this
MILLISECONDS_FROM = 1e11  # a c: value this large counts milliseconds (1e11 s is AD 5138)
TRAILER_TIME_FROM_S = 1e8  # the last trailer field is a time only if it is this large
_TIME_HEADER = b"$PGHP,1,"


class Marks:
    """A chunk's bytes, and the offsets of each character asked for, found once."""

    def __init__(self, arr: Bytes) -> None:
        self.arr = arr
        self._found: dict[str, IntArray] = {}

    def of(self, char: str) -> IntArray:
        if char not in self._found:
            self._found[char] = np.flatnonzero(self.arr == ord(char))
        return self._found[char]


def first_at_or_after(positions: IntArray, at: IntArray, limit: IntArray) -> IntArray:
    """For each ``at``, the first of ``positions`` >= it and < ``limit``, else -1."""
    idx = np.searchsorted(positions, at)
    found = np.full(len(at), -1, dtype=np.int64)
    ok = idx < len(positions)
    cand = positions[np.minimum(idx, len(positions) - 1)] if len(positions) else found
    ok &= cand < limit
    found[ok] = cand[ok]
    return found


def _last_before(positions: IntArray, limit: IntArray) -> IntArray:
    """For each ``limit``, the last of ``positions`` < it, else -1."""
    idx = np.searchsorted(positions, limit) - 1
    if not len(positions):
        return np.full(len(limit), -1, dtype=np.int64)
    return np.where(idx >= 0, positions[np.maximum(idx, 0)], -1)


def checksums_ok(arr: Bytes, begin: IntArray, star: IntArray) -> BoolArray:
    """Whether the XOR of ``arr[begin:star]`` is the two hex digits after each ``star``."""
    ok = (star > begin) & (star + 2 < len(arr))
    if not ok.any():
        return ok
    b, s = begin[ok], star[ok]
    bounds = np.empty(2 * len(b), dtype=np.int64)
    bounds[0::2], bounds[1::2] = b, s
    xor = np.bitwise_xor.reduceat(arr, bounds)[0::2].astype(np.int64)
    high, low = HEX[arr[s + 1]].astype(np.int64), HEX[arr[s + 2]].astype(np.int64)
    ok[ok] = (high < 16) & (low < 16) & (xor == high * 16 + low)
    return ok


@dataclass(frozen=True)
class TagBlocks:
    """Where each line's tag block is (``\\fields*hh\\`` at the line's start)."""

    present: BoolArray
    ok: BoolArray  # well formed, and its checksum holds
    close: IntArray  # offset of the closing backslash, -1 when none
    star: IntArray  # offset of its '*'


def tag_blocks(marks: Marks, start: IntArray, end: IntArray) -> TagBlocks:
    """Locate and check the tag block of every line that opens with one."""
    arr = marks.arr
    present = (end > start) & (arr[np.minimum(start, max(len(arr) - 1, 0))] == ord("\\"))
    close = np.full(len(start), -1, dtype=np.int64)
    star = np.full(len(start), -1, dtype=np.int64)
    ok = np.zeros(len(start), dtype=bool)
    rows = np.flatnonzero(present)
    if len(rows):
        close[rows] = first_at_or_after(marks.of("\\"), start[rows] + 1, end[rows])
        star[rows] = _last_before(marks.of("*"), close[rows])
        shaped = (
            (close[rows] > 0) & (star[rows] > start[rows] + 1) & (close[rows] == star[rows] + 3)
        )
        ok[rows[shaped]] = checksums_ok(arr, start[rows[shaped]] + 1, star[rows[shaped]])
    return TagBlocks(present=present, ok=ok, close=close, star=star)


def is_time_header(arr: Bytes, dollar: IntArray) -> BoolArray:
    """Whether the sentence at each ``dollar`` is a GateHouse ``$PGHP,1,`` header."""
    window = dollar[:, None] + np.arange(len(_TIME_HEADER))
    chars = arr[np.clip(window, 0, len(arr) - 1)]
    return (dollar >= 0) & (chars == np.frombuffer(_TIME_HEADER, dtype=np.uint8)).all(axis=1)


def _decimal(arr: Bytes, begin: IntArray, stop: IntArray) -> FloatArray:
    """The number ``arr[begin:stop]`` spells (digits, at most one '.'), else NaN."""
    length = stop - begin
    valid = (begin >= 0) & (length > 0) & (length <= MAX_NUMBER_CHARS)
    width = int(length[valid].max()) if valid.any() else 0
    value = np.zeros(len(begin), dtype=np.int64)
    digits = np.zeros(len(begin), dtype=np.int64)
    dots = np.zeros(len(begin), dtype=np.int64)
    after_dot = np.zeros(len(begin), dtype=np.int64)
    for k in range(width):
        inside = k < length
        char = arr[np.clip(begin + k, 0, len(arr) - 1)]
        digit = DIGIT[char].astype(np.int64)
        is_digit = inside & (digit < 10)
        is_dot = inside & (char == ord("."))
        valid &= is_digit | is_dot | ~inside
        after_dot += is_digit & (dots > 0)
        dots += is_dot
        digits += is_digit
        value = np.where(is_digit, value * 10 + digit, value)
    valid &= (digits > 0) & (dots <= 1)
    return np.where(valid, value / 10.0**after_dot, np.nan)


_MIX = np.uint64(0x9E3779B97F4A7C15)


def _texts(arr: Bytes, begin: IntArray, stop: IntArray) -> npt.NDArray[np.object_]:
    """The text ``arr[begin:stop]`` of each row (cut to MAX_STATION_CHARS), None if empty.
    Feeds name few stations: each distinct name is decoded once, found by a 64-bit hash."""
    out = np.full(len(begin), None, dtype=object)
    length = np.clip(stop - begin, 0, MAX_STATION_CHARS)
    some = np.flatnonzero((begin >= 0) & (length > 0))
    if not len(some):
        return out
    width = -(-int(length[some].max()) // 8) * 8
    k = np.arange(width)
    chars = arr[np.clip(begin[some, None] + k, 0, len(arr) - 1)]
    chars = np.where(k < length[some, None], chars, 0).astype(np.uint8)
    words = np.ascontiguousarray(chars).view(np.uint64)
    hashed = np.zeros(len(some), dtype=np.uint64)
    for column in range(words.shape[1]):
        hashed = (hashed ^ words[:, column]) * _MIX
    _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
    texts = np.array(
        [bytes(chars[i, : length[some[i]]]).decode("ascii", "replace") for i in first],
        dtype=object,
    )
    out[some] = texts[inverse.ravel()]
    return out


def _tag_field(
    marks: Marks, letter: str, tags: TagBlocks, rows: IntArray, start: IntArray
) -> tuple[IntArray, IntArray]:
    """Where the value of tag field ``letter:`` of each row's tag block begins and ends."""
    arr = marks.arr
    colon = marks.of(":")
    colon = colon[colon > 0]
    keys = colon[arr[colon - 1] == ord(letter)] - 1
    keys = keys[np.isin(arr[np.maximum(keys - 1, 0)], (ord("\\"), ord(",")))]
    found = first_at_or_after(keys, start[rows], tags.star[rows])
    comma = first_at_or_after(marks.of(","), found + 2, tags.star[rows])
    value_end = np.where(comma >= 0, comma, tags.star[rows])
    return np.where(found >= 0, found + 2, -1), value_end


def _fill(target: FloatArray, rows: IntArray, values: FloatArray) -> None:
    """Set ``target[rows]`` from ``values`` where the target has none yet."""
    empty = np.isnan(target[rows]) & ~np.isnan(values)
    target[rows[empty]] = values[empty]


def read_receipts(frames: Frames, marks: Marks, tags: TagBlocks, headers: IntArray) -> None:
    """Fill ``frames.ts`` and ``frames.station`` of AIS lines, and classify the $PGHP
    ``headers`` (rows) as good or bad time headers."""
    arr = marks.arr
    rows = np.flatnonzero(frames.kind == LineKind.AIS)
    start, end, bang, star = frames.start, frames.end, frames.bang, frames.star
    tagged = rows[tags.ok[rows]]
    if len(tagged):
        begin, stop = _tag_field(marks, "c", tags, tagged, start)
        value = _decimal(arr, begin, stop)
        frames.ts[tagged] = np.where(value >= MILLISECONDS_FROM, value / 1000.0, value)
        begin, stop = _tag_field(marks, "s", tags, tagged, start)
        frames.station[tagged] = _texts(arr, begin, stop)
    plain = rows[~tags.present[rows] & (bang[rows] > start[rows])]
    if len(plain):
        _fill(frames.ts, plain, _column_times(frames, plain))
    trailed = rows[
        (star[rows] + 3 < end[rows]) & (arr[np.minimum(star[rows] + 3, len(arr) - 1)] == ord(","))
    ]
    if len(trailed):
        _read_trailers(frames, marks, trailed)
    if len(headers):
        _read_time_headers(frames, marks, headers)


def _read_trailers(frames: Frames, marks: Marks, rows: IntArray) -> None:
    """USCG NAIS metadata after the checksum: an ``r``/``b`` station, the time last."""
    arr, commas = marks.arr, marks.of(",")
    after_star = frames.star[rows] + 3
    last = _last_before(commas, frames.end[rows])
    value = _decimal(arr, last + 1, frames.end[rows])
    _fill(frames.ts, rows, np.where(value >= TRAILER_TIME_FROM_S, value, np.nan))
    lead = arr[np.minimum(commas + 1, len(arr) - 1)]
    station_fields = commas[(lead == ord("r")) | (lead == ord("b"))]
    found = first_at_or_after(station_fields, after_star, frames.end[rows])
    stop = first_at_or_after(commas, found + 1, frames.end[rows])
    stop = np.where(stop >= 0, stop, frames.end[rows])
    unknown = frames.station[rows] == None  # noqa: E711 (elementwise)
    names = _texts(arr, np.where(found >= 0, found + 1, -1), stop)
    frames.station[rows[unknown]] = names[unknown]


def _column_times(frames: Frames, rows: IntArray) -> FloatArray:
    """Leading timestamp columns: unix seconds, or ISO 8601 (UTC unless it says otherwise)."""
    texts = [
        frames.buf[s:b].strip().rstrip(b",;").decode("ascii", "replace")
        for s, b in zip(frames.start[rows], frames.bang[rows], strict=True)
    ]
    numeric = pd.to_numeric(pd.Series(texts), errors="coerce").to_numpy(dtype=np.float64).copy()
    rest = np.isnan(numeric)
    if rest.any():
        parsed = pd.to_datetime(pd.Series(texts)[rest], utc=True, errors="coerce", format="ISO8601")
        seconds = (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
        numeric[rest] = seconds.to_numpy(dtype=np.float64, na_value=np.nan)
    return numeric


def _header_time(text: bytes) -> float:
    """The time a ``PGHP,1,yyyy,m,d,h,m,s,ms,...`` header (without ``$``/``*hh``) names."""
    fields = text.split(b",")
    year, month, day, hour, minute, second, ms = (int(f) for f in fields[2:9])
    datetime.datetime(year, month, day, hour, minute, second)  # raises for no such time
    if not 0 <= ms < 1000:
        raise ValueError("milliseconds out of range")
    return calendar.timegm((year, month, day, hour, minute, second)) + ms / 1000.0


def _read_time_headers(frames: Frames, marks: Marks, headers: IntArray) -> None:
    """Check each $PGHP header; a good one times the next AIS sentence, if no other header
    comes first and the sentence carries no time of its own."""
    dollar = first_at_or_after(marks.of("$"), frames.start[headers], frames.end[headers])
    arr = marks.arr
    star = _last_before(marks.of("*"), frames.end[headers])
    ok = (star > dollar) & (star + 3 == frames.end[headers])
    ok &= checksums_ok(arr, dollar + 1, np.where(ok, star, dollar))
    times = np.full(len(headers), np.nan)
    for k in np.flatnonzero(ok).tolist():
        try:
            times[k] = _header_time(frames.buf[dollar[k] + 1 : star[k]])
        except (ValueError, OverflowError):
            ok[k] = False
    frames.kind[headers] = np.where(ok, LineKind.TIME_HEADER, LineKind.BAD_TIME_HEADER)
    ais = np.flatnonzero(frames.kind == LineKind.AIS)
    if not len(ais):
        return
    following = np.searchsorted(ais, headers)
    has_next = following < len(ais)
    timed = ais[np.minimum(following, len(ais) - 1)]
    next_header = np.append(headers[1:], len(frames))
    applies = ok & has_next & (timed < next_header)
    _fill(frames.ts, timed[applies], times[applies])
