"""The slow path of decoding: every message the vectorized path leaves (statics, stations,
multi-sentence messages) decoded by pyais, one at a time, its records gathered in a
:class:`Collector`. A payload seen before is not decoded again."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, cast

import numpy as np
import pandas as pd
import pyais
from pyais.exceptions import AISBaseException

from ais_ingest import faststatic
from ais_ingest.assemble import Fragment
from ais_ingest.framing import Frames, LineKind
from ais_ingest.records import (
    IDENTITY_COLUMNS,
    POSITION_COLUMNS,
    STATION_COLUMNS,
    Decoded,
    payload_hash,
)
from surveillance.ingest import REJECT_COLUMNS

__all__ = ["Collector", "decode_message", "decode_pairs"]


@dataclass
class Collector:
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
        columns = [*POSITION_COLUMNS, "station", "key", "raw"]
        positions = pd.DataFrame(self.positions, columns=columns)
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


@dataclass(frozen=True)
class Heard:
    """When and by whom a message was received, and the raw line(s) it came in."""

    ts: float
    station: str | None
    raw: bytes


def _emit(out: Collector, sentences: tuple[bytes, ...], payload: bytes, heard: Heard) -> None:
    ts, raw = heard.ts, heard.raw
    try:
        msg_type, records = _message_records(sentences, payload)
    except _ERRORS as exc:
        out.reject("undecodable", raw, ts, f"{type(exc).__name__}: {exc}")
        return
    out.counts[f"type_{msg_type}"] += 1
    for bucket, template in records:
        getattr(out, bucket).append({**template, "ts": ts, "raw": raw})
        if bucket == "positions":
            out.positions[-1]["station"] = heard.station


def decode_message(group: list[Fragment], out: Collector) -> None:
    """Decode one complete message; its time and station are those of the first fragment
    that names them."""
    ts = next((f.ts for f in group if not np.isnan(f.ts)), np.nan)
    station = next((f.station for f in group if f.station is not None), None)
    payload = b"".join(f.sentence.split(b",")[5] for f in group)
    heard = Heard(ts, station, b"\n".join(f.raw for f in group))
    _emit(out, tuple(f.sentence for f in group), payload, heard)


def decode_pairs(frames: Frames, multi: np.ndarray, out: Collector) -> np.ndarray:
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
    done = np.concatenate([first, second])
    fast = _statics(frames, first, second, out)
    first, second = first[~fast], second[~fast]
    for i, j in zip(first.tolist(), second.tolist(), strict=True):
        ts = frames.ts[i] if not np.isnan(frames.ts[i]) else frames.ts[j]
        station = frames.station[i] if frames.station[i] is not None else frames.station[j]
        heard = Heard(float(ts), station, frames.line(i) + b"\n" + frames.line(j))
        _emit(
            out,
            (frames.sentence(i), frames.sentence(j)),
            frames.payload(i) + frames.payload(j),
            heard,
        )
    return np.setdiff1d(multi, done)


def _statics(frames: Frames, first: np.ndarray, second: np.ndarray, out: Collector) -> np.ndarray:
    """Type 5 pairs of the usual 60 + 11 characters, decoded vectorized (:mod:`faststatic`)
    into ``out``; which of the pairs they were (the rest are left to pyais)."""
    start1, start2 = frames.payload_start[first], frames.payload_start[second]
    arr = np.frombuffer(frames.buf, dtype=np.uint8)
    usual = (
        (frames.payload_end[first] - start1 == faststatic.FIRST_CHARS)
        & (frames.payload_end[second] - start2 == faststatic.SECOND_CHARS)
        & (frames.fill[second] == 2)
        & (arr[np.minimum(start1, len(arr) - 1)] == ord("5"))
    )
    rows = np.flatnonzero(usual)
    if not len(rows):
        return usual
    payloads = np.concatenate(
        [
            arr[start1[rows][:, None] + np.arange(faststatic.FIRST_CHARS)],
            arr[start2[rows][:, None] + np.arange(faststatic.SECOND_CHARS)],
        ],
        axis=1,
    )
    fields = faststatic.decode_statics(payloads)
    valid = fields.pop("valid")
    usual[rows[~valid]] = False  # left to pyais, which says what is wrong
    good = rows[valid]
    ts = np.where(np.isnan(frames.ts[first]), frames.ts[second], frames.ts[first])[good]
    records = pd.DataFrame({name: values[valid] for name, values in fields.items()}).assign(
        msg_type=5,
        ts=ts,
        raw=[
            frames.line(i) + b"\n" + frames.line(j)
            for i, j in zip(first[good].tolist(), second[good].tolist(), strict=True)
        ],
    )
    out.identities.extend(cast(list[dict[str, Any]], records.to_dict("records")))
    out.counts["type_5"] += int(valid.sum())
    return usual
