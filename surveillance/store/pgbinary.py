"""PostgreSQL's binary COPY format for position rows, built with numpy in one pass.

Rows are grouped by which nullable fields they lack and by the length of their station's
name, so that every group is a fixed-width numpy record array: no Python loop per row.
Geometry goes as EWKB (point, SRID 4326). A frame without ``key_hash`` (a CSV export has no
payload) gets one from its fields (:func:`report_hashes`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveillance.vocabulary import POSITION_FIELDS

__all__ = ["COPY_COLUMNS", "encode_positions", "report_hashes"]

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
COPY_COLUMNS = (
    "mmsi",
    "ts",
    "report_hash",
    "geom",
    "sog_knots",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
    "source",
    "station",
)
_PG_EPOCH_S = 946_684_800  # 2000-01-01 in unix seconds
_EWKB_POINT_SRID = 0x20000001
_NAME_CHARS = 64  # source and station are varchar(64)
_NULLABLE = (
    ("sog_knots", ">f4"),
    ("cog_deg", ">f4"),
    ("heading_deg", ">i2"),
    ("nav_status", ">i2"),
    ("msg_type", ">i2"),
)


#: The fields a report's hash is made of when it has no payload, as the store keeps them.
_HASHED = POSITION_FIELDS
_HASH_MIX = np.array(
    [0x9E3779B97F4A7C15 + 2 * k for k in range(len(_HASHED))], dtype=np.uint64
)  # odd multipliers, one per field


def _avalanche(h: np.ndarray) -> np.ndarray:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


def report_hashes(frame: pd.DataFrame) -> np.ndarray:
    """Each row's ``key_hash`` when the frame has one; else a 64-bit hash of its vessel,
    time and fields as stored (time to the microsecond, speed and course as float4), the
    same in every process and run, so a file loaded twice matches itself. The time is in:
    without a payload (whose UTC second tells a moored vessel's reports apart), equal
    fields a minute apart are two reports, not one heard twice."""
    if "key_hash" in frame.columns:
        return frame["key_hash"].to_numpy(dtype=np.int64)
    h = np.zeros(len(frame), dtype=np.uint64)
    for name, mix in zip(_HASHED, _HASH_MIX, strict=True):
        values = frame[name].to_numpy(dtype=np.float64)
        if name in ("sog_knots", "cog_deg"):
            values = values.astype(np.float32).astype(np.float64)
        elif name == "ts":
            values = np.round(values * 1e6)
        values = np.where(np.isnan(values), np.nan, values + 0.0)  # one NaN, no -0.0
        h = _avalanche((h ^ values.view(np.uint64)) * mix)
    return h.view(np.int64)


def _stations(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each row's station name as UTF-8 and its length in bytes (-1: unknown, NULL)."""
    if "station" not in frame.columns:
        return np.full(len(frame), b"", dtype=object), np.full(len(frame), -1)
    codes, names = pd.factorize(frame["station"])  # unknown (None, NaN) -> code -1
    encoded = [str(n).replace("\x00", "")[:_NAME_CHARS].encode(errors="replace") for n in names]
    encoded.append(b"")  # what code -1 picks
    lengths = np.array([len(e) or -1 for e in encoded])
    return np.array(encoded, dtype=object)[codes], lengths[codes]


def _dtype(present: tuple[bool, ...], source_len: int, station_len: int) -> np.dtype:
    fields: list[tuple[str, str]] = [
        ("nfields", ">i2"),
        ("l_mmsi", ">i4"),
        ("mmsi", ">i8"),
        ("l_ts", ">i4"),
        ("ts", ">i8"),
        ("l_report_hash", ">i4"),
        ("report_hash", ">i8"),
        ("l_geom", ">i4"),
        ("byte_order", "u1"),
        ("geom_type", "<u4"),
        ("srid", "<u4"),
        ("x", "<f8"),
        ("y", "<f8"),
    ]
    for (name, kind), has in zip(_NULLABLE, present, strict=True):
        fields.append((f"l_{name}", ">i4"))
        if has:
            fields.append((name, kind))
    fields.append(("l_source", ">i4"))
    if source_len:
        fields.append(("source", f"S{source_len}"))
    fields.append(("l_station", ">i4"))
    if station_len > 0:
        fields.append(("station", f"S{station_len}"))
    return np.dtype(fields)


def encode_positions(frame: pd.DataFrame, source: str) -> bytes:
    """Binary COPY data for ``COPY ais_positions (COPY_COLUMNS) FROM STDIN BINARY``.

    ``frame`` has ``mmsi, ts`` (unix seconds), ``lon, lat`` and the report fields, NaN for
    a missing value, and may have ``key_hash`` and ``station`` (None when unknown); an
    empty ``source`` or ``station`` is stored as NULL.
    """
    source_bytes = source[:_NAME_CHARS].encode()
    values = {name: frame[name].to_numpy(dtype=np.float64) for name, _ in _NULLABLE}
    present = np.stack([~np.isnan(values[name]) for name, _ in _NULLABLE], axis=1)
    pattern = present @ (1 << np.arange(len(_NULLABLE)))
    stations, station_lens = _stations(frame)
    group = pattern * 512 + station_lens + 1  # a station of 64 characters: <= 256 bytes
    ts_us = np.round((frame["ts"].to_numpy(dtype=np.float64) - _PG_EPOCH_S) * 1e6)
    hashes = report_hashes(frame)
    parts = [HEADER]
    for code in np.unique(group):
        rows = np.flatnonzero(group == code)
        has = tuple(bool(code // 512 >> k & 1) for k in range(len(_NULLABLE)))
        station_len = int(code % 512) - 1
        rec = np.zeros(len(rows), dtype=_dtype(has, len(source_bytes), station_len))
        rec["nfields"] = len(COPY_COLUMNS)
        rec["l_mmsi"], rec["mmsi"] = 8, frame["mmsi"].to_numpy(dtype=np.int64)[rows]
        rec["l_ts"], rec["ts"] = 8, ts_us[rows].astype(np.int64)
        rec["l_report_hash"], rec["report_hash"] = 8, hashes[rows]
        rec["l_geom"], rec["byte_order"] = 25, 1
        rec["geom_type"], rec["srid"] = _EWKB_POINT_SRID, 4326
        rec["x"] = frame["lon"].to_numpy(dtype=np.float64)[rows]
        rec["y"] = frame["lat"].to_numpy(dtype=np.float64)[rows]
        for (name, kind), there in zip(_NULLABLE, has, strict=True):
            if there:
                rec[f"l_{name}"] = np.dtype(kind).itemsize
                rec[name] = values[name][rows]
            else:
                rec[f"l_{name}"] = -1
        rec["l_source"] = len(source_bytes) if source_bytes else -1  # '' is NULL
        if source_bytes:
            rec["source"] = source_bytes
        rec["l_station"] = station_len
        if station_len > 0:
            rec["station"] = stations[rows]
        parts.append(rec.tobytes())
    parts.append(TRAILER)
    return b"".join(parts)
