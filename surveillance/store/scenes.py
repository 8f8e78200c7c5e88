"""The ``scenes`` family: a satellite scene and the ships found in it, stored together.

A scene is stored once, by the SHA-256 of its file: ingesting the same file again finds
it and stores nothing. Its detections go in the same transaction, so a scene is never
seen without the ships found in it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import Engine, text

from surveillance.errors import InputError
from surveillance.store.bulk import store_errors
from surveillance.store.geoframes import merge_geometries, read_geoframe
from surveillance.store.inputs import require_columns
from surveillance.store.window import BBox, Window

__all__ = ["SceneRecord", "SceneTables", "DETECTION_COLUMNS"]

#: what a scan gives per ship (besides ``lon, lat``), as ``store_scene`` stores it
DETECTION_COLUMNS = (
    "length_m",
    "width_m",
    "heading_deg",
    "confidence",
    "pixel_row",
    "pixel_col",
    "coast_distance_m",
    "chip_png",
    "key",
)


@dataclass
class SceneRecord:
    """One scene as an ingester read it: the row of ``scenes``."""

    sha256: str
    uri: str
    sensor: str  # sar | optical
    acquired_at: datetime
    footprint: shapely.Polygon  # EPSG:4326
    product: str | None = None
    platform: str | None = None
    mode: str | None = None
    polarisations: str | None = None
    pixel_spacing_m: float | None = None
    width_px: int | None = None
    height_px: int | None = None
    orbit_number: int | None = None
    orbit_pass: str | None = None
    quicklook_png: bytes | None = None
    meta: dict[str, Any] = field(default_factory=dict)


class SceneTables:
    """Writing scenes with their detections; reading scenes."""

    engine: Engine

    def scene_id(self, sha256: str) -> int | None:
        """The id of the scene stored from the file with this hash, if any."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text("SELECT id FROM scenes WHERE sha256 = :sha"), {"sha": sha256}
            ).scalar()
        return None if found is None else int(found)

    def store_scene(self, scene: SceneRecord, detections: pd.DataFrame) -> tuple[int, bool]:
        """Store a scene and its detections (``lon, lat`` and :data:`DETECTION_COLUMNS`)
        in one transaction: ``(scene id, True)``; or ``(id, False)`` and nothing stored
        when a scene of the same file is there already."""
        if scene.sensor not in ("sar", "optical"):
            raise InputError(f"a scene's sensor is sar or optical, not {scene.sensor!r}")
        if scene.acquired_at.tzinfo is None:
            raise InputError("a scene's acquisition time needs a time zone")
        require_columns(detections, ("lon", "lat", *DETECTION_COLUMNS), "detections")
        row = {k: v for k, v in vars(scene).items() if k not in ("footprint", "meta")}
        row["footprint"] = shapely.to_wkb(
            shapely.set_srid(scene.footprint, 4326), hex=True, include_srid=True
        )
        columns = ", ".join(row) + ", meta"
        values = ", ".join(f":{k}" for k in row) + ", CAST(:meta AS jsonb)"
        with store_errors("scenes"), self.engine.begin() as conn:
            scene_id = conn.execute(
                text(
                    f"INSERT INTO scenes ({columns}) VALUES ({values}) "
                    "ON CONFLICT (sha256) DO NOTHING RETURNING id"
                ),
                {**row, "meta": json.dumps(scene.meta)},
            ).scalar()
            if scene_id is None:
                existing = conn.execute(
                    text("SELECT id FROM scenes WHERE sha256 = :sha"), {"sha": scene.sha256}
                ).scalar_one()
                return int(existing), False
            if not detections.empty:
                frame = gpd.GeoDataFrame(
                    detections.loc[:, list(DETECTION_COLUMNS)].assign(
                        scene_id=int(scene_id),
                        source=scene.sensor,
                        ts=pd.Timestamp(scene.acquired_at),
                    ),
                    geometry=gpd.points_from_xy(detections["lon"], detections["lat"]),
                    crs=4326,
                )
                merge_geometries(conn, "detections", frame, key=["key"])
        return int(scene_id), True

    def scenes(self, window: Window | None = None, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        """Scenes acquired in the window whose footprint meets the box, oldest first; the
        quicklook is left out (``scene_quicklook`` reads it)."""
        return read_geoframe(
            self.engine,
            "(SELECT *, footprint AS geom FROM scenes) AS s",
            time_column="acquired_at",
            window=window,
            bbox=bbox,
            columns="id, sha256, uri, sensor, acquired_at, product, platform, mode, "
            "polarisations, pixel_spacing_m, width_px, height_px, orbit_number, orbit_pass, "
            "meta, ingested_at, geom",
            order="acquired_at, id",
        )

    def scene_quicklook(self, scene_id: int) -> bytes | None:
        """The scene's quicklook PNG (warped to lon/lat over its footprint's bounds)."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text("SELECT quicklook_png FROM scenes WHERE id = :id"), {"id": scene_id}
            ).scalar()
        return None if found is None else bytes(found)
