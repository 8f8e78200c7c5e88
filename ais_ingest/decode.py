"""From a chunk of NMEA lines to domain records: positions, identities, stations, rejects.

Position reports of types 1, 2, 3 and 18 take the vectorized path (:mod:`fastdecode`);
everything else is reassembled (:mod:`assemble`) and decoded by pyais. Validation
(:mod:`validate`) then splits good records from rejects, each with its reason.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyais
from pyais.exceptions import AISBaseException

from ais_ingest import fastdecode, validate
from ais_ingest.assemble import Fragment, Reassembler
from ais_ingest.framing import Frames, LineKind, frame_lines
from surveillance.ingest import REJECT_COLUMNS
from surveillance.store.position_load import Encoded

__all__ = ["Decoded", "decode_chunk", "decode_groups", "POSITION_COLUMNS", "DEDUP_WINDOW_S"]

POSITION_COLUMNS = (
    "mmsi",
    "ts",
    "lon",
    "lat",
    "sog_knots",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
)
IDENTITY_COLUMNS = (
    "mmsi",
    "ts",
    "imo",
    "name",
    "callsign",
    "ship_type",
    "length_m",
    "beam_m",
    "draught_m",
    "destination",
    "msg_type",
)
STATION_COLUMNS = ("mmsi", "ts", "kind", "name", "aid_type", "lon", "lat")
DEDUP_WINDOW_S = 60.0  # the same payload within a minute is one report heard twice


@dataclass
class Decoded:
    """What one chunk (or one batch of groups) yielded."""

    positions: pd.DataFrame
    identities: pd.DataFrame
    stations: pd.DataFrame
    rejects: pd.DataFrame  # reason, raw, ts, detail
    counts: Counter[str] = field(default_factory=Counter)
    loose: list[Fragment] = field(default_factory=list)
    encoded: Encoded | None = None  # positions already in COPY form (decoding workers)
    edges: pd.DataFrame | None = None  # reports near the chunk's ends (see _edges)
    copies: pd.DataFrame | None = None  # of these, repeats of the previous chunk's edges
    file_bytes: int = 0  # how far into its file (as stored) the chunk ends


@dataclass
class _Collector:
    """Rows gathered from the slow path, one list per output."""

    positions: list[dict[str, Any]] = field(default_factory=list)
    identities: list[dict[str, Any]] = field(default_factory=list)
    stations: list[dict[str, Any]] = field(default_factory=list)
    rejects: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def reject(self, reason: str, raw: bytes, ts: float, detail: str = "") -> None:
        self.rejects.append({"reason": reason, "raw": raw, "ts": ts, "detail": detail})

    def decoded(self, fast_positions: pd.DataFrame | None = None) -> Decoded:
        """The rows as frames (after ``fast_positions``, when given), not yet validated."""
        positions = pd.DataFrame(self.positions, columns=[*POSITION_COLUMNS, "key", "raw"])
        hashes = [payload_hash(k) for k in positions["key"]]
        positions = positions.assign(key_hash=np.array(hashes, dtype=np.int64), row=-1)
        if fast_positions is not None:
            positions = pd.concat([fast_positions, positions], ignore_index=True)
        return Decoded(
            positions=positions,
            identities=pd.DataFrame(self.identities, columns=[*IDENTITY_COLUMNS, "raw"]),
            stations=pd.DataFrame(self.stations, columns=[*STATION_COLUMNS, "raw"]),
            rejects=pd.DataFrame(self.rejects, columns=REJECT_COLUMNS),
            counts=self.counts,
        )


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
            "row": rows,
            "valid": raw["valid"],
        }
    )


def _text(value: Any) -> str | None:
    text = str(value).strip(" @") if value is not None else ""
    return text or None


def _size(a: Any, b: Any) -> float:
    total = (a or 0) + (b or 0)
    return float(total) if total > 0 else np.nan


Template = tuple[str, dict[str, Any]]  # (output, record without time and raw line)
_templates: dict[bytes, tuple[int, list[Template]]] = {}
_TEMPLATE_CACHE_SIZE = 50_000
_ERRORS = (AISBaseException, ValueError, IndexError, KeyError, TypeError)


def _message_records(sentences: tuple[bytes, ...], payload: bytes) -> tuple[int, list[Template]]:
    """What a message says, as records to emit; vessels repeat their static data every few
    minutes word for word, so a payload seen before is not decoded again."""
    cached = _templates.get(payload)
    if cached is None:
        data: dict[str, Any] = pyais.decode(*sentences).asdict()
        cached = (int(data["msg_type"]), _templates_of(data, payload))
        if len(_templates) >= _TEMPLATE_CACHE_SIZE:
            _templates.clear()
        _templates[payload] = cached
    return cached


def _templates_of(data: dict[str, Any], payload: bytes) -> list[Template]:
    msg_type = data["msg_type"]
    mmsi = int(data["mmsi"])
    out: list[Template] = []
    if msg_type in (1, 2, 3, 18, 19, 27):
        sog, cog, heading = data.get("speed"), data.get("course"), data.get("heading")
        no_sog = sog is None or sog >= 102.3 or (msg_type == 27 and sog == 63)
        out.append(
            (
                "positions",
                {
                    "mmsi": mmsi,
                    "lon": float(data["lon"]),
                    "lat": float(data["lat"]),
                    "sog_knots": np.nan if no_sog else float(sog),  # type: ignore[arg-type]
                    "cog_deg": np.nan if cog is None or cog >= 360 or cog == 511 else float(cog),
                    "heading_deg": np.nan if heading is None or heading > 359 else float(heading),
                    "nav_status": float(data["status"]) if "status" in data else np.nan,
                    "msg_type": msg_type,
                    "key": payload,
                },
            )
        )
    if msg_type in (5, 19, 24):
        out.append(
            (
                "identities",
                {
                    "mmsi": mmsi,
                    "imo": data.get("imo") or None,
                    "name": _text(data.get("shipname")),
                    "callsign": _text(data.get("callsign")),
                    "ship_type": int(data["ship_type"]) if data.get("ship_type") else None,
                    "length_m": _size(data.get("to_bow"), data.get("to_stern")),
                    "beam_m": _size(data.get("to_port"), data.get("to_starboard")),
                    "draught_m": float(data["draught"]) if data.get("draught") else np.nan,
                    "destination": _text(data.get("destination")),
                    "msg_type": msg_type,
                },
            )
        )
    if msg_type in (4, 21):
        out.append(
            (
                "stations",
                {
                    "mmsi": mmsi,
                    "kind": "base_station" if msg_type == 4 else "aid_to_navigation",
                    "name": _text(data.get("name")),
                    "aid_type": int(data["aid_type"]) if msg_type == 21 else None,
                    "lon": float(data["lon"]),
                    "lat": float(data["lat"]),
                },
            )
        )
    return out


def _emit(
    out: _Collector, sentences: tuple[bytes, ...], payload: bytes, ts: float, raw: bytes
) -> None:
    try:
        msg_type, records = _message_records(sentences, payload)
    except _ERRORS as exc:
        out.reject("undecodable", raw, ts, f"{type(exc).__name__}: {exc}")
        return
    out.counts[f"type_{msg_type}"] += 1
    for bucket, template in records:
        getattr(out, bucket).append({**template, "ts": ts, "raw": raw})


def _decode_message(group: list[Fragment], out: _Collector) -> None:
    ts = next((f.ts for f in group if not np.isnan(f.ts)), np.nan)
    payload = b"".join(f.sentence.split(b",")[5] for f in group)
    _emit(out, tuple(f.sentence for f in group), payload, ts, b"\n".join(f.raw for f in group))


def _decode_pairs(frames: Frames, multi: np.ndarray, out: _Collector) -> np.ndarray:
    """Two-sentence messages whose halves are on consecutive lines (nearly all of them),
    decoded without the reassembler; returns the rows left for it."""
    first = multi[(frames.count[multi] == 2) & (frames.number[multi] == 1)]
    second = first + 1
    in_chunk = second < len(frames)
    first, second = first[in_chunk], second[in_chunk]
    paired = (
        (frames.kind[second] == LineKind.AIS)
        & frames.checksum_ok[second]
        & (frames.count[second] == 2)
        & (frames.number[second] == 2)
        & (frames.seq[second] == frames.seq[first])
        & (frames.channel[second] == frames.channel[first])
    )
    first, second = first[paired], second[paired]
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        ts = frames.ts[i] if not np.isnan(frames.ts[i]) else frames.ts[j]
        _emit(
            out,
            (frames.sentence(i), frames.sentence(j)),
            frames.payload(i) + frames.payload(j),
            float(ts),
            frames.line(i) + b"\n" + frames.line(j),
        )
    return np.setdiff1d(multi, np.concatenate([first, second]))


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


def payload_hash(payload: bytes) -> int:
    """A stable 64-bit hash of a payload (collisions are harmless: times must match too)."""
    return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "big", signed=True)


def _dedup(positions: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Drop the same report heard by several receivers (same payload within a minute)."""
    if positions.empty:
        return positions.assign(key_hash=pd.Series(dtype=np.int64)), 0
    if "key_hash" not in positions.columns or positions["key_hash"].dtype != np.int64:
        keys = positions["key"]
        positions = positions.assign(key_hash=[payload_hash(bytes(k)) for k in keys])
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
    counts["duplicates"] += duplicates
    identities, bad = _validate(identities, now_s, raw_of, coordinates=False)
    # a record that gave both a position and an identity (type 19, a CSV row) is one reject
    rejects.append(bad[~bad["raw"].isin(rejects[-1]["raw"])])
    stations, bad = _validate(
        stations, now_s, raw_of, base_station=(stations["kind"] == "base_station").to_numpy()
    )
    rejects.append(bad)
    rejects_frame = pd.concat(
        [r for r in rejects if not r.empty] or [rejects[0]], ignore_index=True
    )

    return Decoded(
        positions=positions.drop(columns=["raw", "row", "key"], errors="ignore"),
        identities=identities.drop(columns=["raw"], errors="ignore"),
        stations=stations.drop(columns=["raw"], errors="ignore"),
        rejects=rejects_frame,
        counts=counts,
        loose=collected.loose,
    )


def lost_fragments(fragments: list[Fragment]) -> pd.DataFrame:
    """Rejects for fragments whose message never completed."""
    return pd.DataFrame(
        {
            "reason": "lost_fragment",
            "raw": [f.raw for f in fragments],
            "ts": [f.ts for f in fragments],
            "detail": "",
        },
        columns=REJECT_COLUMNS,
    )


def decode_groups(groups: list[list[Fragment]], now_s: float) -> Decoded:
    """Decode complete messages with pyais, then validate them."""
    out = _Collector()
    for group in groups:
        _decode_message(group, out)
    return finish(out.decoded(), now_s)


def _fragments(frames: Frames, rows: np.ndarray, order_base: int) -> list[Fragment]:
    return [
        Fragment(
            order=order_base + int(i),
            count=int(frames.count[i]),
            number=int(frames.number[i]),
            seq=int(frames.seq[i]),
            channel=int(frames.channel[i]),
            ts=float(frames.ts[i]),
            sentence=frames.sentence(i),
            raw=frames.line(i),
        )
        for i in rows
    ]


def decode_chunk(
    buf: bytes, now_s: float, order_base: int = 0, assume_ts: float | None = None
) -> Decoded:
    """Frame, decode, validate and de-duplicate one chunk of complete lines.

    Lines that carry no time get ``assume_ts`` (a live feed's receive time, or a time the
    user gives a file without timestamps). Fragments that do not complete a message
    within the chunk come back as ``loose``.
    """
    frames = frame_lines(buf)
    if assume_ts is not None:
        frames.ts[np.isnan(frames.ts)] = assume_ts
    counts: Counter[str] = Counter()
    counts["lines"] = len(frames)
    counts["bytes"] = len(buf)
    counts["other_nmea"] = int((frames.kind == LineKind.OTHER_NMEA).sum())
    counts["blank"] = int((frames.kind == LineKind.BLANK).sum())
    slow = _Collector()
    for i in np.flatnonzero(frames.kind == LineKind.MALFORMED).tolist():
        slow.reject("malformed_sentence", frames.line(i), float(frames.ts[i]))
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
    rest = _decode_pairs(frames, np.flatnonzero(good & (frames.count > 1)), slow)
    groups += list(reassembler.feed(_fragments(frames, rest, order_base)))
    for group in groups:
        _decode_message(group, slow)
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
