"""The ``exports`` family: what a report holds (alerts of a window and area, evidence cut
down to counts) and the record of who exported what, in which format."""

from __future__ import annotations

from collections.abc import Sequence

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, text

from surveillance.errors import InputError
from surveillance.store.audit import record
from surveillance.store.geoframes import read_geoframe
from surveillance.store.inputs import actor_name
from surveillance.store.window import Window, overlapping, window_params

__all__ = ["ExportTables"]

_EXPORT_COLUMNS = (
    'a.id, a.type, a.status, a.score, a."start", a."end", a.mmsi, a.geom, '
    "a.score_reasons, a.rule_version, "
    "ST_X(ST_PointOnSurface(a.geom)) AS lon, ST_Y(ST_PointOnSurface(a.geom)) AS lat, "
    "ARRAY(SELECT v.name FROM unnest(a.mmsi) WITH ORDINALITY AS m(mmsi, n) "
    "LEFT JOIN vessels v ON v.mmsi = m.mmsi ORDER BY m.n) AS names, "
    "(SELECT coalesce(jsonb_object_agg(k, CASE jsonb_typeof(v) "
    "WHEN 'array' THEN jsonb_build_object('count', jsonb_array_length(v)) "
    "WHEN 'object' THEN jsonb_build_object('count', "
    "(SELECT count(*) FROM jsonb_object_keys(v))) ELSE v END), '{}'::jsonb) "
    "FROM jsonb_each(a.evidence) AS e(k, v)) AS evidence"
)


def _wkb(area: shapely.Geometry | None) -> bytes | None:
    return None if area is None else shapely.to_wkb(area)


class ExportTables:
    """Reading alerts for a report, and recording the export."""

    engine: Engine

    def export_alerts(
        self, window: Window, area: shapely.Geometry | None = None, types: Sequence[str] = ()
    ) -> gpd.GeoDataFrame:
        """What a report holds: alerts going on at some time in the window (open ones
        included) that touch ``area``, of ``types`` (all when empty), highest score first.

        Besides the alert's columns: ``names`` (the vessels' names, aligned with ``mmsi``,
        None when unknown), ``lon, lat`` of a point on the alert, and ``evidence`` with each
        list or object in it cut down to ``{"count": n}`` (tracks stay in the store).
        """
        bind = {**window_params(window), "types": list(types), "area": _wkb(area)}
        where = overlapping('a."start"', 'a."end"')
        if types:
            where += " AND a.type = ANY(:types)"
        if area is not None:
            where += " AND ST_Intersects(a.geom, ST_GeomFromWKB(:area, 4326))"
        return read_geoframe(
            self.engine,
            "alerts a",
            where=where,
            params=bind,
            columns=_EXPORT_COLUMNS,
            order='a.score DESC, a."start", a.id',
        )

    def record_export(
        self,
        *,
        actor: str,
        fmt: str,
        window: Window,
        area: shapely.Geometry | None = None,
        types: Sequence[str] = (),
        alerts: int,
    ) -> int:
        """Keep who exported which alerts (the window, area, types and how many), in which
        format; returns the export's id."""
        by = actor_name(actor)
        if not 0 < len(fmt) <= 8:  # the column's width
            raise InputError(f"not an export format: {fmt!r}")
        with self.engine.begin() as conn:
            export_id: int = conn.execute(
                text(
                    "INSERT INTO exports (actor, format, since, until, area, types, alerts) "
                    "VALUES (:by, :fmt, :since, :until, ST_GeomFromWKB(:area, 4326), :types, "
                    ":alerts) RETURNING id"
                ),
                {
                    "by": by,
                    "fmt": fmt,
                    "since": window[0],
                    "until": window[1],
                    "area": _wkb(area),
                    "types": list(types),
                    "alerts": int(alerts),
                },
            ).scalar_one()
            detail = {"format": fmt, "alerts": int(alerts), "since": window[0], "until": window[1]}
            record(conn, by, "export", str(export_id), {**detail, "types": list(types)})
        return export_id

    def exports(self, limit: int = 50) -> pd.DataFrame:
        """The latest exports, newest first: ``id, created_at, actor, format, since, until,
        area`` (shapely, None for everywhere), ``types`` and ``alerts`` (how many)."""
        with self.engine.connect() as conn:
            frame = pd.read_sql(
                text(
                    "SELECT id, created_at, actor, format, since, until, ST_AsBinary(area) "
                    "AS area, types, alerts FROM exports ORDER BY created_at DESC, id DESC "
                    "LIMIT :limit"
                ),
                conn,
                params={"limit": limit},
            )
        frame["area"] = [None if a is None else shapely.from_wkb(bytes(a)) for a in frame["area"]]
        return frame
