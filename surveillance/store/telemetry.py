"""The ``drone_telemetry`` family: where each drone was, how high and fast, its battery and
its progress through the mission, one row per vehicle and moment.

Rows are keyed (drone_id, ts): a log read twice, or a live link that replays, stores once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

import geopandas as gpd
import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.bulk import store_errors
from surveillance.store.geoframes import merge_geometries, read_geoframe
from surveillance.store.inputs import require_columns
from surveillance.store.window import BBox, Window

__all__ = ["TELEMETRY_COLUMNS", "TelemetryTables"]

#: a telemetry frame as the ingester hands it over (``ts`` timezone-aware UTC; ``lon, lat``
#: degrees); the values a sample lacks are NA
TELEMETRY_COLUMNS = (
    "drone_id",
    "ts",
    "lon",
    "lat",
    "altitude_m",
    "groundspeed_mps",
    "heading_deg",
    "battery_pct",
    "system_id",
    "mission_seq",
    "reached_seq",
    "mode",
    "armed",
    "link",
)
_READ = (
    "drone_id, ts, altitude_m, groundspeed_mps, heading_deg, battery_pct, system_id, "
    "mission_seq, reached_seq, mode, armed, link, mission_id, geom"
)


class TelemetryTables:
    """Writing drone telemetry idempotently; reading tracks and each drone's latest state;
    which mission a vehicle flies."""

    engine: Engine

    def write_telemetry(self, frame: pd.DataFrame) -> int:
        """Merge telemetry rows (:data:`TELEMETRY_COLUMNS`, plus ``mission_id`` if known);
        returns how many were new."""
        require_columns(frame, TELEMETRY_COLUMNS, "drone telemetry")
        if frame.empty:
            return 0
        rows = gpd.GeoDataFrame(
            frame.drop(columns=["lon", "lat"]),
            geometry=gpd.points_from_xy(frame["lon"], frame["lat"]),
            crs=4326,
        )
        with store_errors("drone_telemetry"), self.engine.begin() as conn:
            return merge_geometries(conn, "drone_telemetry", rows, key=["drone_id", "ts"])

    def telemetry(
        self, window: Window | None = None, bbox: BBox | None = None, drone_id: str | None = None
    ) -> gpd.GeoDataFrame:
        """Telemetry in the window and box, by drone then time."""
        return read_geoframe(
            self.engine,
            "drone_telemetry",
            time_column="ts",
            window=window,
            bbox=bbox,
            where="" if drone_id is None else "drone_id = :drone_id",
            params={"drone_id": drone_id},
            columns=_READ,
            order="drone_id, ts",
        )

    def drone_states(self, since: datetime) -> gpd.GeoDataFrame:
        """Each drone heard since ``since``: its latest sample."""
        return read_geoframe(
            self.engine,
            "(SELECT DISTINCT ON (drone_id) * FROM drone_telemetry WHERE ts >= :since "
            "ORDER BY drone_id, ts DESC) AS latest",
            params={"since": since},
            columns=_READ,
            order="drone_id",
        )

    def flying_missions(self, system_ids: Collection[int]) -> dict[int, int]:
        """The mission each of these MAVLink system ids flies: the one uploaded to it last,
        while it is uploaded or started."""
        if not system_ids:
            return {}
        with self.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT DISTINCT ON (system_id) system_id, id FROM missions "
                    "WHERE system_id = ANY(:ids) AND status IN ('uploaded', 'started') "
                    "ORDER BY system_id, uploaded_at DESC NULLS LAST, id DESC"
                ),
                {"ids": [int(i) for i in system_ids]},
            ).all()
        return {int(system_id): int(mission_id) for system_id, mission_id in found}
