"""From a chunk of NMEA lines to domain records: positions, identities, stations, rejects.

Position reports of types 1, 2, 3 and 18 take the vectorized path (:mod:`fastdecode`);
everything else is reassembled (:mod:`assemble`) and decoded by pyais (:mod:`slowdecode`).
Validation
(:mod:`validate`) then splits good records from rejects, each with its reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from ais_ingest import fastdecode, validate
from ais_ingest.assemble import Fragment, Reassembler
from ais_ingest.framing import Frames, LineKind, frame_lines
from ais_ingest.records import DEDUP_WINDOW_S, Decoded, payload_hash
from ais_ingest.slowdecode import Collector, decode_message, decode_pairs
from surveillance.ingest import REJECT_COLUMNS
from surveillance.store.pgbinary import report_hashes

__all__ = [
    "AssumedTime",
    "decode_chunk",
    "decode_groups",
    "finish",
    "lost_fragments",
    "quarantinable",
]


def _nan_if(values: np.ndarray, bad: np.ndarray) -> np.ndarray:
    return np.where(bad, np.nan, values.astype(np.float64))


def _fast_positions(frames: Frames, rows: np.ndarray) -> pd.DataFrame:
    arr = np.frombuffer(frames.buf, dtype=np.uint8)
    cols = frames.payload_start[rows][:, None] + np.arange(fastdecode.PAYLOAD_CHARS)
    payloads = arr[cols]
    raw = fastdecode.decode_positions(payloads)
    return pd.DataFrame(
        {
            "mmsi": raw["mmsi"],
            "ts": frames.ts[rows],
            "lon": raw["lon"] / 600_000.0,
            "lat": raw["lat"] / 600_000.0,
            "sog_knots": _nan_if(raw["sog"], raw["sog"] == 1023) / 10.0,
            "cog_deg": _nan_if(raw["cog"], raw["cog"] >= 3600) / 10.0,
            "heading_deg": _nan_if(raw["heading"], raw["heading"] > 359),
            "nav_status": _nan_if(raw["status"], raw["status"] < 0),
            "msg_type": raw["msg_type"],
            "key": np.ascontiguousarray(payloads).view(f"S{fastdecode.PAYLOAD_CHARS}").ravel(),
            "key_hash": _payload_hashes(payloads),
            "station": pd.Series(frames.station[rows], dtype=object),
            "row": rows,
            "valid": raw["valid"],
        }
    )


def _reject_rows(frame: pd.DataFrame, reasons: np.ndarray, raw_of: Any) -> pd.DataFrame:
    bad = frame[pd.notna(reasons)]
    raws = [
        r if isinstance(r, bytes) else raw_of(int(row))
        for r, row in zip(bad["raw"], bad.get("row", pd.Series(-1, index=bad.index)), strict=True)
    ]
    return pd.DataFrame(
        {"reason": reasons[pd.notna(reasons)], "raw": raws, "ts": bad["ts"], "detail": ""}
    )


def _validate(
    frame: pd.DataFrame,
    now_s: float,
    raw_of: Any,
    base_station: np.ndarray | None = None,
    coordinates: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split ``frame`` into valid records (with a ``flag`` column) and rejects."""
    if frame.empty:
        return frame.assign(flag=pd.Series(dtype=str)), pd.DataFrame(columns=REJECT_COLUMNS)
    ts = frame["ts"].to_numpy(dtype=np.float64)
    flags, reasons = validate.mmsi_flags(frame["mmsi"].to_numpy(dtype=np.int64), base_station)
    if coordinates:
        where = validate.position_reasons(
            frame["lon"].to_numpy(dtype=np.float64), frame["lat"].to_numpy(dtype=np.float64)
        )
        reasons = np.where(pd.notna(where), where, reasons)
    when = validate.time_reasons(ts, now_s)
    reasons = np.where(pd.notna(when), when, reasons)
    rejects = _reject_rows(frame, reasons, raw_of)
    good = frame[pd.isna(reasons)].assign(flag=flags[pd.isna(reasons)])
    return good, rejects


_MIX = np.array(
    [0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0x27D4EB2F165667C5],
    dtype=np.uint64,
)


def _payload_hashes(payloads: np.ndarray) -> np.ndarray:
    """64-bit hashes of fixed-width payloads (n, 28), all at once; the same in every
    process, so copies decoded by different workers match."""
    padded = np.zeros((len(payloads), 32), dtype=np.uint8)
    padded[:, : payloads.shape[1]] = payloads
    words = padded.view(np.uint64)
    mixed = words * _MIX  # wraps modulo 2**64
    hashed = (
        mixed[:, 0] ^ (mixed[:, 1] >> np.uint64(7)) ^ mixed[:, 2] ^ (mixed[:, 3] << np.uint64(3))
    )
    return hashed.view(np.int64)


def _dedup(positions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop the same report heard by several receivers (same payload within a minute).
    Records without a payload hash get one of their ``key`` or, lacking that, of their
    fields (the store's :func:`report_hashes`)."""
    if positions.empty:
        return positions.assign(key_hash=pd.Series(dtype=np.int64)), 0
    if "key_hash" not in positions.columns or positions["key_hash"].dtype != np.int64:
        positions = positions.drop(columns="key_hash", errors="ignore")
        if "key" in positions.columns:
            hashes = np.array([payload_hash(bytes(k)) for k in positions["key"]], np.int64)
        else:
            hashes = report_hashes(positions)
        positions = positions.assign(key_hash=hashes)
    hashes = positions["key_hash"].to_numpy(dtype=np.int64)
    ts = positions["ts"].to_numpy(dtype=np.float64)
    order = np.lexsort((ts, hashes))
    same_key = hashes[order][1:] == hashes[order][:-1]
    close = np.diff(ts[order]) < DEDUP_WINDOW_S
    repeat = np.zeros(len(order), dtype=bool)
    repeat[order[1:]] = same_key & close
    return positions[~repeat], int(repeat.sum())


def finish(collected: Decoded, now_s: float, raw_of: Any = None) -> Decoded:
    """Validate and de-duplicate what was decoded; rejects keep their raw lines."""
    positions, identities, stations = (
        collected.positions,
        collected.identities,
        collected.stations,
    )
    rejects, counts = [collected.rejects], collected.counts
    positions, bad = _validate(positions, now_s, raw_of)
    rejects.append(bad)
    positions, duplicates = _dedup(positions)
    if "station" in positions.columns:  # None, not NaN, where unknown (frames mix the two)
        station = positions["station"].to_numpy(dtype=object)
        unknown = pd.isna(station)
        if unknown.any():
            station = station.copy()
            station[unknown] = None
            positions = positions.assign(
                station=pd.Series(station, index=positions.index, dtype=object)
            )
    counts["duplicates"] += duplicates
    identities, bad = _validate(identities, now_s, raw_of, coordinates=False)
    # a record that gave both a position and an identity (type 19, a CSV row) is one reject
    rejects.append(bad[~bad["raw"].isin(rejects[-1]["raw"])])
    stations, bad = _validate(
        stations, now_s, raw_of, base_station=(stations["kind"] == "base_station").to_numpy()
    )
    rejects.append(bad)
    rejects_frame = quarantinable(
        pd.concat([r for r in rejects if not r.empty] or [rejects[0]], ignore_index=True)
    )

    return Decoded(
        positions=positions.drop(columns=["raw", "row", "key"], errors="ignore"),
        identities=identities.drop(columns=["raw"], errors="ignore"),
        stations=stations.drop(columns=["raw"], errors="ignore"),
        rejects=rejects_frame,
        counts=counts,
        loose=collected.loose,
    )


MAX_RAW_BYTES = 1024  # a longer rejected line is kept cut, with its length in the detail
_TIME_RANGE_S = (0.0, 4_102_444_800.0)  # 1970 to 2100: a reject's time outside is unknown


def _bounded(raw: bytes) -> tuple[bytes, str]:
    """A rejected line as the quarantine can keep it: at most MAX_RAW_BYTES, NUL spelt out."""
    note = ""
    if len(raw) > MAX_RAW_BYTES:
        raw, note = raw[:MAX_RAW_BYTES], f"line of {len(raw):,} bytes, cut to {MAX_RAW_BYTES:,}"
    return raw.replace(b"\x00", b"\\x00"), note


def quarantinable(rejects: pd.DataFrame) -> pd.DataFrame:
    """Rejects with their raw text bounded and their times in a range a clock can show
    (an impossible time, the very reason for some rejects, becomes unknown)."""
    if rejects.empty:
        return rejects
    bounded = [_bounded(r) if isinstance(r, bytes) else (r, "") for r in rejects["raw"]]
    details = [
        "; ".join(part for part in (str(d or ""), note) if part)
        for d, (_, note) in zip(rejects["detail"], bounded, strict=True)
    ]
    ts = rejects["ts"].to_numpy(dtype=np.float64)
    known = (ts >= _TIME_RANGE_S[0]) & (ts < _TIME_RANGE_S[1])
    return rejects.assign(
        raw=[raw for raw, _ in bounded], detail=details, ts=np.where(known, ts, np.nan)
    )


def lost_fragments(fragments: list[Fragment]) -> pd.DataFrame:
    """Rejects for fragments whose message never completed."""
    return quarantinable(
        pd.DataFrame(
            {
                "reason": "lost_fragment",
                "raw": [f.raw for f in fragments],
                "ts": [f.ts for f in fragments],
                "detail": "",
            },
            columns=REJECT_COLUMNS,
        )
    )


def decode_groups(groups: list[list[Fragment]], now_s: float) -> Decoded:
    """Decode complete messages with pyais, then validate them."""
    out = Collector()
    for group in groups:
        decode_message(group, out)
    return finish(out.decoded(), now_s)


_LINE_REJECTS = {
    LineKind.MALFORMED: "malformed_sentence",
    LineKind.BAD_TAG: "bad_tag_checksum",
    LineKind.BAD_TIME_HEADER: "bad_time_header",
}


@dataclass(frozen=True)
class AssumedTime:
    """The time of lines that carry none: ``ts`` plus ``step_s`` per line of the file
    (``first_line`` is the chunk's first line), so the file's order is kept and no two
    reports share a time."""

    ts: float
    step_s: float = 0.0
    first_line: int = 0

    def at(self, rows: np.ndarray) -> np.ndarray:
        return self.ts + (self.first_line + rows) * self.step_s


def _fragments(frames: Frames, rows: np.ndarray, order_base: int) -> list[Fragment]:
    return [
        Fragment(
            order=order_base + int(i),
            count=int(frames.count[i]),
            number=int(frames.number[i]),
            seq=int(frames.seq[i]),
            channel=int(frames.channel[i]),
            ts=float(frames.ts[i]),
            station=frames.station[i],
            sentence=frames.sentence(i),
            raw=frames.line(i),
        )
        for i in rows
    ]


def decode_chunk(
    buf: bytes,
    now_s: float,
    order_base: int = 0,
    assume_ts: float | AssumedTime | None = None,
) -> Decoded:
    """Frame, decode, validate and de-duplicate one chunk of complete lines.

    Lines that carry no time get ``assume_ts`` (a live feed's receive time, or a time the
    user gives a file without timestamps, with a step per line: :class:`AssumedTime`).
    Every line is counted once: as blank, other NMEA, a time header, a rejected line, or a
    sentence. Fragments that do not complete a message within the chunk come back as
    ``loose``.
    """
    frames = frame_lines(buf)
    if assume_ts is not None:
        assume = assume_ts if isinstance(assume_ts, AssumedTime) else AssumedTime(assume_ts)
        untimed = np.flatnonzero(np.isnan(frames.ts))
        frames.ts[untimed] = assume.at(untimed)
    counts: Counter[str] = Counter()
    counts["lines"] = len(frames)
    counts["bytes"] = len(buf)
    counts["other_nmea"] = int((frames.kind == LineKind.OTHER_NMEA).sum())
    counts["blank"] = int((frames.kind == LineKind.BLANK).sum())
    counts["time_headers"] = int((frames.kind == LineKind.TIME_HEADER).sum())
    slow = Collector()
    for kind, reason in _LINE_REJECTS.items():
        for i in np.flatnonzero(frames.kind == kind).tolist():
            slow.reject(reason, frames.line(i), float(frames.ts[i]))
    ais = frames.kind == LineKind.AIS
    for i in np.flatnonzero(ais & ~frames.checksum_ok).tolist():
        slow.reject("bad_checksum", frames.line(i), float(frames.ts[i]))
    good = ais & frames.checksum_ok
    counts["sentences"] = int(good.sum())
    arr = np.frombuffer(frames.buf, dtype=np.uint8)
    single = good & (frames.count == 1)
    first_char = arr[np.minimum(frames.payload_start, len(arr) - 1)]
    fast = (
        single
        & (frames.payload_end - frames.payload_start == fastdecode.PAYLOAD_CHARS)
        & (frames.fill == 0)
        & fastdecode.fast_eligible(first_char)
    )
    positions = _fast_positions(frames, np.flatnonzero(fast))
    undecodable = ~positions["valid"].to_numpy()
    for i in positions["row"].to_numpy()[undecodable]:
        slow.reject("undecodable", frames.line(i), float(frames.ts[i]), "not 6-bit ASCII")
    positions = positions[~undecodable].drop(columns=["valid"])
    counts.update({f"type_{t}": int(n) for t, n in positions["msg_type"].value_counts().items()})
    groups = [[f] for f in _fragments(frames, np.flatnonzero(single & ~fast), order_base)]
    reassembler = Reassembler()
    rest = decode_pairs(frames, np.flatnonzero(good & (frames.count > 1)), slow)
    groups += list(reassembler.feed(_fragments(frames, rest, order_base)))
    for group in groups:
        decode_message(group, slow)
    counts.update(slow.counts)
    positions["raw"] = None
    collected = slow.decoded(fast_positions=positions)
    collected.counts, collected.loose = counts, reassembler.drain()
    decoded = finish(collected, now_s, raw_of=frames.line)
    decoded.edges = _edges(decoded.positions)
    return decoded


def _edges(positions: pd.DataFrame) -> pd.DataFrame:
    """The reports within a dedup window of either end of a chunk, the only ones that can
    be copies of a report in the neighbouring chunk: payload hash, time and vessel."""
    ts = positions["ts"].to_numpy(dtype=np.float64)
    if not len(ts):
        return pd.DataFrame(columns=["key_hash", "ts", "mmsi"])
    near = (ts <= ts.min() + DEDUP_WINDOW_S) | (ts >= ts.max() - DEDUP_WINDOW_S)
    return positions.loc[near, ["key_hash", "ts", "mmsi"]].reset_index(drop=True)
