"""The ``missions`` family: drone missions as planned, uploaded and flown.

A mission row keeps the whole plan as a QGroundControl ``.plan`` document (``plan``), so
what was planned is what is downloaded and uploaded later; beside it the columns a map and
deconfliction need without reading the document: the route (lon, lat, altitude above home),
the area surveyed, home, the altitude band and the planned times.
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
from surveillance.store.window import Window
from surveillance.vocabulary import MISSION_KINDS, MISSION_STATUSES

__all__ = ["MissionRecord", "MissionTables"]

_COLUMNS = (
    "id, name, kind, status, drone_id, alert_id, created_by, created_at, home_alt_m, "
    "min_alt_m, max_alt_m, stats, planned_start, planned_end, uploaded_at, uploaded_to, "
    "system_id, ST_X(home) AS home_lon, ST_Y(home) AS home_lat"
)


@dataclass
class MissionRecord:
    """One mission as the planner made it: the row of ``missions``."""

    name: str
    kind: str  # surveillance.vocabulary.MISSION_KINDS
    plan: dict[str, Any]  # the QGroundControl .plan document
    home: tuple[float, float]  # lon, lat
    route: list[tuple[float, float, float]]  # lon, lat, metres above home
    home_alt_m: float = 0.0
    min_alt_m: float | None = None
    max_alt_m: float | None = None
    area: shapely.Polygon | None = None
    stats: dict[str, Any] = field(default_factory=dict)
    planned_start: datetime | None = None
    planned_end: datetime | None = None
    alert_id: str | None = None
    drone_id: str | None = None
    created_by: str | None = None
    status: str = "planned"
    id: int | None = None  # set when stored


def _wkb(geometry: shapely.Geometry | None) -> str | None:
    if geometry is None:
        return None
    return str(shapely.to_wkb(shapely.set_srid(geometry, 4326), hex=True, include_srid=True))


class MissionTables:
    """Storing missions, reading them, and recording their upload and progress."""

    engine: Engine

    def store_mission(self, mission: MissionRecord) -> int:
        """Store a planned mission; returns its id."""
        if mission.kind not in MISSION_KINDS:
            raise InputError(f"a mission's kind is one of {', '.join(MISSION_KINDS)}")
        for moment in (mission.planned_start, mission.planned_end):
            if moment is not None and moment.tzinfo is None:
                raise InputError("a mission's planned times need a time zone")
        route = shapely.LineString(mission.route) if len(mission.route) >= 2 else None
        row = {
            "name": mission.name,
            "kind": mission.kind,
            "status": mission.status,
            "drone_id": mission.drone_id,
            "alert_id": mission.alert_id,
            "created_by": mission.created_by,
            "home_alt_m": mission.home_alt_m,
            "min_alt_m": mission.min_alt_m,
            "max_alt_m": mission.max_alt_m,
            "planned_start": mission.planned_start,
            "planned_end": mission.planned_end,
            "home": _wkb(shapely.Point(mission.home)),
            "route": _wkb(route),
            "area": _wkb(mission.area),
            "plan": json.dumps(mission.plan),
            "stats": json.dumps(mission.stats),
            "waypoints": json.dumps([list(p) for p in mission.route]),
        }
        casts = {"plan": "jsonb", "stats": "jsonb", "waypoints": "jsonb"}
        values = ", ".join(f"CAST(:{k} AS {casts[k]})" if k in casts else f":{k}" for k in row)
        with store_errors("missions"), self.engine.begin() as conn:
            found = conn.execute(
                text(f"INSERT INTO missions ({', '.join(row)}) VALUES ({values}) RETURNING id"),
                row,
            ).scalar_one()
        return int(found)

    def mission_plan(self, mission_id: int) -> dict[str, Any] | None:
        """The stored ``.plan`` document of a mission, or None when there is no such mission."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text("SELECT plan FROM missions WHERE id = :id"), {"id": mission_id}
            ).first()
        return None if found is None else dict(found[0] or {})

    def missions(self, window: Window | None = None, status: str | None = None) -> gpd.GeoDataFrame:
        """Missions planned to fly in the window (by planned start; all when None), newest
        first, with their route as geometry; the plan document is left out."""
        return read_geoframe(
            self.engine,
            "(SELECT *, route AS geom FROM missions) AS m",
            time_column="planned_start",
            window=window,
            where="" if status is None else "status = :status",
            params={"status": None if status is None else _status(status)},
            columns=f"{_COLUMNS}, geom",
            order="id DESC",
        )

    def set_mission_status(
        self,
        mission_id: int,
        status: str,
        *,
        uploaded_to: str | None = None,
        system_id: int | None = None,
        by: str | None = None,
    ) -> None:
        """Record where a mission is in its life; an upload also records where it went, and
        who uploaded it (``by``) in the audit log."""
        _status(status)
        with store_errors("missions"), self.engine.begin() as conn:
            done = conn.execute(
                text(
                    "UPDATE missions SET status = :status, "
                    "uploaded_to = COALESCE(:to, uploaded_to), "
                    "system_id = COALESCE(:sys, system_id), "
                    "uploaded_at = CASE WHEN :uploaded THEN now() ELSE uploaded_at END "
                    "WHERE id = :id"
                ),
                {
                    "status": status,
                    "uploaded": status == "uploaded",
                    "to": uploaded_to,
                    "sys": system_id,
                    "id": mission_id,
                },
            ).rowcount
            if done and status == "uploaded":
                detail = {"to": uploaded_to, "system_id": system_id}
                record(conn, by or "system", "mission.upload", str(mission_id), detail)
        if not done:
            raise InputError(f"no mission {mission_id}")


def _status(status: str) -> str:
    if status not in MISSION_STATUSES:
        raise InputError(f"a mission's status is one of {', '.join(MISSION_STATUSES)}")
    return status
