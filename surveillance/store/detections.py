"""The ``detections`` family: ships seen by SAR, optical and drone sensors, read by window
and box (they are written through ``write_geometries``)."""

from __future__ import annotations

import geopandas as gpd
from sqlalchemy import Engine

from surveillance.store.geoframes import read_geoframe
from surveillance.store.window import BBox, Window

__all__ = ["DetectionTables"]


class DetectionTables:
    """Reading sensor detections."""

    engine: Engine

    def detections(
        self, window: Window | None = None, bbox: BBox | None = None
    ) -> gpd.GeoDataFrame:
        """Detections in the window and box, oldest first."""
        return read_geoframe(
            self.engine, "detections", time_column="ts", window=window, bbox=bbox, order="ts"
        )
