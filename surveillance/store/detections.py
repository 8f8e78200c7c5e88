"""The ``detections`` family: ships seen by SAR, optical and drone sensors, read by window,
box and scene (a scene's are written with it, ``store/scenes.py``), and the outcome of
matching them against AIS."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.bulk import store_errors
from surveillance.store.geoframes import read_geoframe
from surveillance.store.inputs import require_columns
from surveillance.store.sightings import IDENTIFIED_SQL
from surveillance.store.window import BBox, Window, aware

__all__ = ["DetectionTables", "MATCH_COLUMNS"]

#: what matching against AIS sets on a detection (by its ``id``)
MATCH_COLUMNS = ("matched_mmsi", "match_distance_m", "dark", "near_vessels")

#: each vessel's report nearest before (``<=``) and after an image time, in the box
_BRACKETING_SQL = """
(SELECT DISTINCT ON (mmsi) mmsi, ts, ST_X(geom) AS lon, ST_Y(geom) AS lat, sog_knots, cog_deg
   FROM ais_positions WHERE ts <= :t AND ts >= :since AND geom && {box}
   ORDER BY mmsi, ts DESC)
UNION ALL
(SELECT DISTINCT ON (mmsi) mmsi, ts, ST_X(geom) AS lon, ST_Y(geom) AS lat, sog_knots, cog_deg
   FROM ais_positions WHERE ts > :t AND ts <= :until AND geom && {box}
   ORDER BY mmsi, ts)
""".format(box="ST_MakeEnvelope(:west, :south, :east, :north, 4326)")

_READ_COLUMNS = (
    "id, source, scene_id, ts, geom, length_m, width_m, heading_deg, confidence, "
    "pixel_row, pixel_col, coast_distance_m, matched_mmsi, match_distance_m, dark, "
    f"near_vessels, matched_at, key, {IDENTIFIED_SQL} AS identified"
)


class DetectionTables:
    """Reading sensor detections; recording what AIS says of them."""

    engine: Engine

    def detections(
        self,
        window: Window | None = None,
        bbox: BBox | None = None,
        scene_id: int | None = None,
    ) -> gpd.GeoDataFrame:
        """Detections in the window and box (of one scene if given), oldest first; the
        evidence chips are left out (``detection_chip`` reads one). ``identified``: a drone
        sighting whose vessel the operator named (matching leaves it as it is)."""
        return read_geoframe(
            self.engine,
            "detections",
            time_column="ts",
            window=window,
            bbox=bbox,
            where="" if scene_id is None else "scene_id = :scene_id",
            params={} if scene_id is None else {"scene_id": scene_id},
            columns=_READ_COLUMNS,
            order="ts, id",
        )

    def reports_around(self, time: datetime, margin: timedelta, bbox: BBox) -> pd.DataFrame:
        """Each vessel's AIS report nearest before (or at) and nearest after ``time``, within
        ``margin`` of it and in the box (``mmsi, ts, lon, lat, sog_knots, cog_deg``): what
        matching a detection needs, two rows a vessel however busy the feed."""
        when = aware((time, time))[0]
        params: dict[str, datetime | float] = {
            "t": when,
            "since": when - margin,
            "until": when + margin,
        }
        params.update(zip(("west", "south", "east", "north"), bbox, strict=True))
        with self.engine.connect() as conn:
            return pd.read_sql(text(_BRACKETING_SQL), conn, params=params)

    def detection_chip(self, detection_id: int) -> bytes | None:
        """The detection's evidence image (PNG), if it has one."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text("SELECT chip_png FROM detections WHERE id = :id"), {"id": detection_id}
            ).scalar()
        return None if found is None else bytes(found)

    def set_detection_matches(self, matches: pd.DataFrame) -> int:
        """Record matching against AIS: per detection ``id``, :data:`MATCH_COLUMNS`
        (``matched_mmsi`` NA when no AIS vessel was there). Returns the rows changed."""
        require_columns(matches, ("id", *MATCH_COLUMNS), "detection matches")
        if matches.empty:
            return 0
        mmsi = pd.to_numeric(matches["matched_mmsi"], errors="coerce")
        distance = pd.to_numeric(matches["match_distance_m"], errors="coerce")
        params = {
            "ids": [int(i) for i in matches["id"]],
            "mmsi": [None if pd.isna(m) else int(m) for m in mmsi],
            "dist": [None if pd.isna(d) else float(d) for d in distance],
            "dark": [None if pd.isna(d) else bool(d) for d in matches["dark"]],
            "near": [json.dumps(list(n)) for n in matches["near_vessels"]],
        }
        with store_errors("detections"), self.engine.begin() as conn:
            result = conn.execute(
                text(
                    "UPDATE detections AS d SET matched_mmsi = m.mmsi, "
                    "match_distance_m = m.dist, dark = m.dark, "
                    "near_vessels = CAST(m.near AS jsonb), matched_at = now() "
                    "FROM unnest(CAST(:ids AS bigint[]), CAST(:mmsi AS bigint[]), "
                    "CAST(:dist AS float8[]), CAST(:dark AS boolean[]), CAST(:near AS text[])) "
                    "AS m(id, mmsi, dist, dark, near) WHERE d.id = m.id"
                ),
                params,
            )
        return int(result.rowcount)
