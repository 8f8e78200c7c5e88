"""PostgreSQL's binary COPY format for position rows, built with numpy in one pass.

Rows are grouped by which nullable fields they lack, so that every group is a fixed-width
numpy record array: no Python loop per row. Geometry goes as EWKB (point, SRID 4326).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COPY_COLUMNS", "encode_positions"]

HEADER = b"PGCOPY\n\xff\r\n\x00" + (0).to_bytes(4, "big") + (0).to_bytes(4, "big")
TRAILER = (-1).to_bytes(2, "big", signed=True)
COPY_COLUMNS = (
    "mmsi",
    "ts",
    "geom",
    "sog_knots",
    "cog_deg",
    "heading_deg",
    "nav_status",
    "msg_type",
    "source",
)
_PG_EPOCH_S = 946_684_800  # 2000-01-01 in unix seconds
_EWKB_POINT_SRID = 0x20000001
_NULLABLE = (
    ("sog_knots", ">f4"),
    ("cog_deg", ">f4"),
    ("heading_deg", ">i2"),
    ("nav_status", ">i2"),
    ("msg_type", ">i2"),
)


def _dtype(present: tuple[bool, ...], source_len: int) -> np.dtype:
    fields: list[tuple[str, str]] = [
        ("nfields", ">i2"),
        ("l_mmsi", ">i4"),
        ("mmsi", ">i8"),
        ("l_ts", ">i4"),
        ("ts", ">i8"),
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
    return np.dtype(fields)


def encode_positions(frame: pd.DataFrame, source: str) -> bytes:
    """Binary COPY data for ``COPY ais_positions (COPY_COLUMNS) FROM STDIN BINARY``.

    ``frame`` has ``mmsi, ts`` (unix seconds), ``lon, lat`` and the report fields, NaN for
    a missing value; an empty ``source`` is stored as NULL.
    """
    source_bytes = source[:64].encode()  # the column holds 64 characters
    values = {name: frame[name].to_numpy(dtype=np.float64) for name, _ in _NULLABLE}
    present = np.stack([~np.isnan(values[name]) for name, _ in _NULLABLE], axis=1)
    pattern = present @ (1 << np.arange(len(_NULLABLE)))
    ts_us = np.round((frame["ts"].to_numpy(dtype=np.float64) - _PG_EPOCH_S) * 1e6)
    parts = [HEADER]
    for code in np.unique(pattern):
        rows = np.flatnonzero(pattern == code)
        has = tuple(bool(code >> k & 1) for k in range(len(_NULLABLE)))
        rec = np.zeros(len(rows), dtype=_dtype(has, len(source_bytes)))
        rec["nfields"] = len(COPY_COLUMNS)
        rec["l_mmsi"], rec["mmsi"] = 8, frame["mmsi"].to_numpy(dtype=np.int64)[rows]
        rec["l_ts"], rec["ts"] = 8, ts_us[rows].astype(np.int64)
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
        parts.append(rec.tobytes())
    parts.append(TRAILER)
    return b"".join(parts)
