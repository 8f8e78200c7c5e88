"""GeoDataFrames in and out of the store's geometry tables, in EPSG:4326.

Every family that reads rows with a geometry (zones, alerts, positions, detections) reads
through :func:`read_geoframe`; every one that writes them merges through
:func:`merge_geometries`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, text

from surveillance.errors import InputError
from surveillance.models import Base
from surveillance.store.bulk import check_columns, merge_frame
from surveillance.store.window import BBox, Window, window_params, within

__all__ = ["read_geoframe", "merge_geometries"]


def _hex_ewkb(geometries: Any) -> np.ndarray:
    geoms = shapely.set_srid(np.asarray(geometries, dtype=object), 4326)
    return shapely.to_wkb(geoms, hex=True, include_srid=True)


def read_geoframe(
    engine: Engine,
    table: str,
    *,
    time_column: str | None = None,
    window: Window | None = None,
    bbox: BBox | None = None,
    where: str = "",
    params: dict[str, Any] | None = None,
    columns: str = "*",
    order: str = "",
    limit: int | None = None,
) -> gpd.GeoDataFrame:
    """``columns`` of ``table`` (its ``geom`` among them) where ``where`` holds, the time in
    ``time_column`` falls in ``window`` and the geometry meets ``bbox``."""
    clauses, bind = ([where] if where else []), dict(params or {})
    if window is not None:
        if time_column is None:
            raise InputError(f"{table} has no time to filter on")
        bind.update(window_params(window))
        clauses.append(within(time_column))
    if bbox is not None:
        clauses.append("geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)")
        bind.update(zip(("west", "south", "east", "north"), bbox, strict=True))
    sql = f"SELECT {columns} FROM {table}"
    if clauses:
        sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
    if order:
        sql += f" ORDER BY {order}"
    if limit is not None:
        sql += " LIMIT :limit"
        bind["limit"] = limit
    with engine.connect() as conn:
        frame = gpd.read_postgis(text(sql), conn, geom_col="geom", params=bind)
    return frame.set_crs(4326, allow_override=True)


def merge_geometries(
    conn: Connection,
    table: str,
    frame: gpd.GeoDataFrame,
    key: Sequence[str],
    update: Sequence[str] = (),
    geometry_column: str = "geom",
    when: str = "",
) -> int:
    """Merge a GeoDataFrame into ``table`` on ``key`` (see :func:`bulk.merge_frame`), its
    active geometry into ``geometry_column``, reprojected to EPSG:4326; columns the table
    does not have are ignored."""
    if table not in Base.metadata.tables or table == "ais_positions":
        raise InputError(f"not a geometry table of the store: {table}")
    check_columns(table, [geometry_column])
    if frame.crs is None:
        raise InputError(f"{table}: the frame has no CRS; set EPSG:4326 or its own")
    if frame.crs.to_epsg() != 4326:
        frame = frame.to_crs(4326)
    data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    data[geometry_column] = _hex_ewkb(frame.geometry.to_numpy())
    known = Base.metadata.tables[table].columns.keys()
    columns = [c for c in data.columns if c in known]
    return merge_frame(conn, table, data, columns, key, update, when)
