"""Drone sightings: what an operator marks from a drone, kept as ``detections`` rows of
source ``drone`` (so the dark rules read them as they read SAR ones), with the mission and
the alert they answer, the note, the photo and who reported them.

A sighting whose vessel the operator named (read its MMSI off the hull or its AIS) is
*identified*: stored with that MMSI as its match and never matched again (its
``matched_at`` stays NULL, which is how :data:`IDENTIFIED_SQL` tells it from a matched
one). A sighting that answers an alert adds a ``sighting`` event to the alert's history.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import geopandas as gpd
import shapely
from sqlalchemy import Engine, text

from surveillance.errors import InputError
from surveillance.store.audit import record
from surveillance.store.bulk import store_errors
from surveillance.store.geoframes import read_geoframe
from surveillance.store.inputs import actor_name
from surveillance.store.window import Window
from surveillance.vocabulary import SIGHTING_EVENT

__all__ = ["IDENTIFIED_SQL", "SightingRecord", "SightingTables"]

#: a detection the operator identified: matching leaves it as it is
IDENTIFIED_SQL = "(source = 'drone' AND matched_mmsi IS NOT NULL AND matched_at IS NULL)"

_SIGHTING_COLUMNS = (
    "id, ts, geom, length_m, heading_deg, confidence, coast_distance_m, matched_mmsi, "
    "match_distance_m, dark, near_vessels, mission_id, alert_id, drone_id, note, photo_name, "
    f"reported_by, photo IS NOT NULL AS has_photo, {IDENTIFIED_SQL} AS identified, key"
)


@dataclass
class SightingRecord:
    """One sighting as ``detections`` keeps it (checked by ``drone_ops.sightings``)."""

    lon: float
    lat: float
    ts: datetime
    key: str
    confidence: float = 1.0
    length_m: float | None = None
    heading_deg: float | None = None
    coast_distance_m: float | None = None
    chip_png: bytes | None = None
    note: str | None = None
    photo: bytes | None = None
    photo_name: str | None = None
    alert_id: str | None = None
    mission_id: int | None = None
    drone_id: str | None = None
    reported_by: str | None = None
    #: the operator's identification, with its distance from where AIS places the vessel
    identified_mmsi: int | None = None
    match_distance_m: float | None = None
    near_vessels: list[dict[str, Any]] = field(default_factory=list)


class SightingTables:
    """Storing drone sightings, attaching them to alerts, reading them for the dashboard."""

    engine: Engine

    def store_sighting(self, sighting: SightingRecord) -> tuple[int, bool]:
        """Store a sighting (once per key) and, when new and answering an alert, the
        alert's ``sighting`` event: ``(detection id, new)``."""
        if sighting.ts.tzinfo is None:
            raise InputError("a sighting's time needs a time zone")
        identified = sighting.identified_mmsi is not None
        row = {
            "source": "drone",
            "ts": sighting.ts,
            "geom": shapely.to_wkb(
                shapely.set_srid(shapely.Point(sighting.lon, sighting.lat), 4326),
                hex=True,
                include_srid=True,
            ),
            "key": sighting.key,
            **{
                name: getattr(sighting, name)
                for name in (
                    "confidence",
                    "length_m",
                    "heading_deg",
                    "coast_distance_m",
                    "chip_png",
                    "note",
                    "photo",
                    "photo_name",
                    "alert_id",
                    "mission_id",
                    "drone_id",
                    "reported_by",
                    "match_distance_m",
                )
            },
            "matched_mmsi": sighting.identified_mmsi,
            "dark": False if identified else None,
            "near_vessels": json.dumps(sighting.near_vessels),
        }
        values = ", ".join(
            "CAST(:near_vessels AS jsonb)" if k == "near_vessels" else f":{k}" for k in row
        )
        with store_errors("detections"), self.engine.begin() as conn:
            if sighting.alert_id is not None:
                known = conn.execute(
                    text("SELECT 1 FROM alerts WHERE id = :id"), {"id": sighting.alert_id}
                ).first()
                if known is None:
                    raise InputError(f"no alert {sighting.alert_id!r}")
            found = conn.execute(
                text(
                    f"INSERT INTO detections ({', '.join(row)}) VALUES ({values}) "
                    "ON CONFLICT (key) DO NOTHING RETURNING id"
                ),
                row,
            ).scalar()
            if found is None:
                again = conn.execute(
                    text("SELECT id FROM detections WHERE key = :key"), {"key": sighting.key}
                ).scalar_one()
                return int(again), False
            if sighting.alert_id is not None:
                conn.execute(
                    text(
                        "INSERT INTO alert_events (alert_id, ts, actor, action, from_status, "
                        "to_status, note) SELECT id, now(), :by, :action, status, status, "
                        ":note FROM alerts WHERE id = :id"
                    ),
                    {
                        "id": sighting.alert_id,
                        "by": actor_name(sighting.reported_by or "drone operator"),
                        "action": SIGHTING_EVENT,
                        "note": _event_note(int(found), sighting),
                    },
                )
            detail = {"alert": sighting.alert_id, "mission": sighting.mission_id}
            by = actor_name(sighting.reported_by or "drone operator")
            record(conn, by, "sighting", str(found), detail)
        return int(found), True

    def sightings(
        self,
        alert_id: str | None = None,
        mission_id: int | None = None,
        window: Window | None = None,
    ) -> gpd.GeoDataFrame:
        """Drone sightings (of one alert, of one mission, in a window), oldest first; the
        photo is left out (``has_photo`` says whether there is one: ``sighting_photo``)."""
        where, params = ["source = 'drone'"], dict[str, str | int]()
        if alert_id is not None:
            where.append("alert_id = :alert_id")
            params["alert_id"] = alert_id
        if mission_id is not None:
            where.append("mission_id = :mission_id")
            params["mission_id"] = mission_id
        return read_geoframe(
            self.engine,
            "detections",
            time_column="ts",
            window=window,
            where=" AND ".join(where),
            params=params,
            columns=_SIGHTING_COLUMNS,
            order="ts, id",
        )

    def sighting_photo(self, detection_id: int) -> tuple[bytes, str | None] | None:
        """A sighting's photo as the operator gave it, and its file name; None without one."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text(
                    "SELECT photo, photo_name FROM detections "
                    "WHERE id = :id AND source = 'drone' AND photo IS NOT NULL"
                ),
                {"id": detection_id},
            ).first()
        return None if found is None else (bytes(found[0]), found[1])


def _event_note(detection_id: int, sighting: SightingRecord) -> str:
    """What the alert's history says of the sighting (plain text, as every note)."""
    seen = (
        f"vessel {sighting.identified_mmsi}" if sighting.identified_mmsi is not None else "a vessel"
    )
    parts = [f"drone sighting {detection_id}: {seen} at {sighting.lat:.5f}, {sighting.lon:.5f}"]
    if sighting.note:
        parts.append(sighting.note)
    return "; ".join(parts)
