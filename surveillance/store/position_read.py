"""Reading millions of positions fast: binary COPY straight into numpy arrays.

``read_postgis`` builds a Python object per row and a shapely point per position; the rules
need plain arrays. The server packs the rows into a few hundred binary arrays (mmsi, ts,
EWKB point, speed) which numpy views in one go; time slices are read by parallel connections.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd
from psycopg import sql
from sqlalchemy import Engine

from surveillance.errors import InputError, StoreError
from surveillance.store.bulk import store_errors
from surveillance.store.window import BBox

__all__ = [
    "PositionArrays",
    "read_position_arrays",
    "read_latest_positions",
    "read_station_hours",
    "estimate_rows",
    "read_vessels_heard",
]

_PG_EPOCH_S = 946_684_800  # 2000-01-01 in unix seconds
_HEADER_BYTES = 19  # signature (11), flags (4), header extension length (4)
_EWKB_POINT_SRID = 0x20000001  # little-endian EWKB point with an SRID
_GROUPS = 256  # rows of arrays per slice: few enough that Python's per-row cost vanishes
#: Element layouts inside a binary array: (length, value) pairs.
_ELEMENTS = {
    "mmsi": np.dtype([("n", ">i4"), ("v", ">i8")]),
    "ts": np.dtype([("n", ">i4"), ("v", ">i8")]),
    "geom": np.dtype(
        [
            ("n", ">i4"),
            ("order", "u1"),
            ("kind", "<u4"),
            ("srid", "<u4"),
            ("x", "<f8"),
            ("y", "<f8"),
        ]
    ),
    "sog": np.dtype([("n", ">i4"), ("v", ">f4")]),
}


@dataclass(frozen=True)
class PositionArrays:
    """Position reports as parallel arrays, sorted by vessel and then time.

    ``t_s`` is unix seconds; ``sog_knots`` is NaN where the report had no speed.
    """

    mmsi: np.ndarray
    t_s: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    sog_knots: np.ndarray

    def __len__(self) -> int:
        return len(self.mmsi)

    @staticmethod
    def concat(parts: list[PositionArrays]) -> PositionArrays:
        """Join time slices (in time order) and sort them by (mmsi, t).

        Within a slice the store returns each vessel's reports nearly in time order, so a
        stable sort by MMSI does most of the work; vessels still out of order are fixed up.
        """
        mmsi = np.concatenate([p.mmsi for p in parts])
        t_s = np.concatenate([p.t_s for p in parts])
        order = np.argsort(mmsi, kind="stable")
        mmsi, t_s = mmsi[order], t_s[order]
        unsorted = np.flatnonzero((np.diff(t_s) < 0) & (mmsi[1:] == mmsi[:-1]))
        for m in np.unique(mmsi[unsorted]):
            lo, hi = np.searchsorted(mmsi, m, "left"), np.searchsorted(mmsi, m, "right")
            fix = np.argsort(t_s[lo:hi], kind="stable")
            order[lo:hi], t_s[lo:hi] = order[lo:hi][fix], t_s[lo:hi][fix]
        return PositionArrays(
            mmsi,
            t_s,
            np.concatenate([p.lon for p in parts])[order],
            np.concatenate([p.lat for p in parts])[order],
            np.concatenate([p.sog_knots for p in parts])[order],
        )


def _arrays(payload: bytes) -> dict[str, list[np.ndarray]]:
    """Split binary COPY rows of four arrays (mmsi, ts, geom, sog) into element arrays."""
    out: dict[str, list[np.ndarray]] = {name: [] for name in _ELEMENTS}
    view, at = memoryview(payload), _HEADER_BYTES
    while int.from_bytes(view[at : at + 2], "big", signed=True) == len(_ELEMENTS):
        at += 2
        for name, dtype in _ELEMENTS.items():
            size = int.from_bytes(view[at : at + 4], "big")
            ndim = int.from_bytes(view[at + 4 : at + 8], "big")
            count = int.from_bytes(view[at + 16 : at + 20], "big") if ndim else 0
            body = view[at + 4 + 12 + 8 * ndim : at + 4 + size]
            if len(body) != count * dtype.itemsize:
                raise StoreError("unexpected binary COPY layout for ais_positions")
            values = np.frombuffer(body, dtype=dtype)
            if name == "geom" and not (
                (values["order"] == 1).all() and (values["kind"] == _EWKB_POINT_SRID).all()
            ):
                raise StoreError("ais_positions holds geometries other than 2-D points")
            out[name].append(values)
            at += 4 + size
    return out


def _filter(
    since: datetime, until: datetime, bbox: BBox | None, mmsi: Sequence[int] = ()
) -> sql.Composable:
    where = sql.SQL("ts >= {} AND ts < {}").format(sql.Literal(since), sql.Literal(until))
    if mmsi:
        where += sql.SQL(" AND mmsi = ANY({})").format(sql.Literal([int(m) for m in mmsi]))
    if bbox is None:
        return where
    box = sql.SQL(" AND geom && ST_MakeEnvelope({}, {}, {}, {}, 4326)")
    return where + box.format(*(sql.Literal(float(v)) for v in bbox))


def _copy_arrays(engine: Engine, rows: sql.Composable) -> PositionArrays:
    """Run a query of (mmsi, ts, geom, sog_knots) rows and bring them back as arrays."""
    query = sql.SQL(
        "COPY (SELECT array_agg(mmsi), array_agg(ts), array_agg(geom), "
        "array_agg(coalesce(sog_knots, 'NaN'::real)) FROM ({rows}) AS r "
        "GROUP BY mmsi % {groups}) TO STDOUT (FORMAT BINARY)"
    ).format(rows=rows, groups=sql.Literal(_GROUPS))
    chunks = bytearray()
    with store_errors("ais_positions"), engine.connect() as conn:
        raw = conn.connection.driver_connection
        if raw is None:
            raise StoreError("the store connection was closed")
        with raw.cursor() as cur, cur.copy(query) as copy:
            for block in copy:
                chunks += block
    parts = _arrays(bytes(chunks))
    if not parts["mmsi"]:
        empty = np.zeros(0)
        return PositionArrays(empty.astype(np.int64), empty, empty, empty, empty.astype(np.float32))
    geom = np.concatenate(parts["geom"])
    return PositionArrays(
        np.concatenate(parts["mmsi"])["v"].astype(np.int64),
        np.concatenate(parts["ts"])["v"].astype(np.float64) / 1e6 + _PG_EPOCH_S,
        geom["x"].astype(np.float64),
        geom["y"].astype(np.float64),
        np.concatenate(parts["sog"])["v"].astype(np.float32),
    )


def _read_slice(
    engine: Engine,
    since: datetime,
    until: datetime,
    bbox: BBox | None,
    sample_pct: float | None,
    mmsi: Sequence[int],
) -> PositionArrays:
    sample: sql.Composable = sql.SQL("")
    if sample_pct is not None and sample_pct < 100:
        sample = sql.SQL(" TABLESAMPLE BERNOULLI ({}) REPEATABLE (7)").format(
            sql.Literal(float(sample_pct))
        )
    rows = sql.SQL("SELECT mmsi, ts, geom, sog_knots FROM ais_positions{} WHERE {}").format(
        sample, _filter(since, until, bbox, mmsi)
    )
    return _copy_arrays(engine, rows)


def read_position_arrays(
    engine: Engine,
    since: datetime,
    until: datetime,
    bbox: BBox | None = None,
    *,
    sample_pct: float | None = None,
    mmsi: Sequence[int] = (),
    slices: int = 2,
) -> PositionArrays:
    """Every position in ``[since, until)`` (and the box, and of the vessels ``mmsi`` when
    given), sorted by (mmsi, t); with ``sample_pct``, a steady random share of them (the
    same share on every call)."""
    if sample_pct is not None and not 0 < sample_pct <= 100:
        raise InputError(f"sample_pct must be in (0, 100]: {sample_pct}")
    edges = [since + (until - since) * k / slices for k in range(slices + 1)]
    with ThreadPoolExecutor(slices) as pool:
        parts = list(
            pool.map(
                lambda k: _read_slice(engine, edges[k], edges[k + 1], bbox, sample_pct, mmsi),
                range(slices),
            )
        )
    return PositionArrays.concat(parts)


def read_vessels_heard(engine: Engine, since: datetime, until: datetime, bbox: BBox) -> np.ndarray:
    """The distinct MMSIs with a position in ``[since, until)`` and the box, sorted."""
    query = sql.SQL("SELECT DISTINCT mmsi FROM ais_positions WHERE {} ORDER BY mmsi").format(
        _filter(since, until, bbox)
    )
    with store_errors("ais_positions"), engine.connect() as conn:
        raw = conn.connection.driver_connection
        if raw is None:
            raise StoreError("the store connection was closed")
        with raw.cursor() as cur:
            rows = cur.execute(query).fetchall()
    return np.array([row[0] for row in rows], np.int64)


def estimate_rows(
    engine: Engine, since: datetime, until: datetime, bbox: BBox | None = None
) -> int:
    """The planner's estimate of the positions in the window: instant, roughly right."""
    query = sql.SQL("EXPLAIN (FORMAT JSON) SELECT 1 FROM ais_positions WHERE {}").format(
        _filter(since, until, bbox)
    )
    with store_errors("ais_positions"), engine.connect() as conn:
        raw = conn.connection.driver_connection
        if raw is None:
            raise StoreError("the store connection was closed")
        with raw.cursor() as cur:
            plan = cur.execute(query).fetchone()
    return int(plan[0][0]["Plan"]["Plan Rows"]) if plan else 0


def read_latest_positions(
    engine: Engine, since: datetime, until: datetime, bbox: BBox | None = None
) -> PositionArrays:
    """Each vessel's newest position in the window (and the box), one index probe per
    vessel: a skip scan of the (mmsi, ts, report_hash) key, not a read of the whole window
    (of two reports in the vessel's last second, the one with the higher hash)."""
    where = _filter(since, until, bbox)
    rows = sql.SQL(
        "WITH RECURSIVE v AS ("
        " SELECT min(mmsi) AS m FROM ais_positions WHERE {where}"
        " UNION ALL SELECT (SELECT min(mmsi) FROM ais_positions WHERE mmsi > v.m AND {where})"
        " FROM v WHERE v.m IS NOT NULL) "
        "SELECT p.* FROM v CROSS JOIN LATERAL (SELECT mmsi, ts, geom, sog_knots "
        "FROM ais_positions WHERE mmsi = v.m AND {where} "
        "ORDER BY ts DESC, report_hash DESC LIMIT 1) AS p"
    ).format(where=where)
    return PositionArrays.concat([_copy_arrays(engine, rows)])


def read_station_hours(
    engine: Engine, since: datetime, until: datetime, cell_deg: float, bbox: BBox | None = None
) -> pd.DataFrame:
    """Messages heard per receiving station, hour and grid cell of ``cell_deg`` degrees:
    ``station`` (missing when unknown), ``hour`` (its start, UTC), ``cell_x, cell_y`` (the
    cell's south-west corner is ``cell_x * cell_deg, cell_y * cell_deg``), ``messages`` and
    ``vessels`` (distinct MMSIs); the stuff of a coverage map per station."""
    if not cell_deg > 0:
        raise InputError(f"cell_deg must be positive: {cell_deg}")
    query = sql.SQL(
        "SELECT station, date_trunc('hour', ts) AS hour, "
        "floor(ST_X(geom) / {cell})::integer AS cell_x, "
        "floor(ST_Y(geom) / {cell})::integer AS cell_y, "
        "count(*) AS messages, count(DISTINCT mmsi) AS vessels FROM ais_positions "
        "WHERE {where} GROUP BY 1, 2, 3, 4 ORDER BY 1 NULLS FIRST, 2, 3, 4"
    ).format(cell=sql.Literal(float(cell_deg)), where=_filter(since, until, bbox))
    with store_errors("ais_positions"), engine.connect() as conn:
        raw = conn.connection.driver_connection
        if raw is None:
            raise StoreError("the store connection was closed")
        with raw.cursor() as cur:
            cur.execute(query)
            rows = cur.fetchall()
    frame = pd.DataFrame(
        rows, columns=["station", "hour", "cell_x", "cell_y", "messages", "vessels"]
    )
    frame["hour"] = pd.to_datetime(frame["hour"], utc=True)
    return frame.astype(
        {"cell_x": np.int64, "cell_y": np.int64, "messages": np.int64, "vessels": np.int64}
    )
