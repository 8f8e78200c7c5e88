"""Drone missions and drones for the Missions page and the map: stored missions and their
routes, a plan's picture (route, waypoints, survey area, geofence), each drone's latest
state and trail, drone sightings. Plain frames, no Streamlit (the areas and points a person
gives to plan from are :mod:`dashboard.data.mission_areas`).

Every name here that came from a file or a person (mission names, notes) is text: it goes
into the tooltip's plain fields, never into markup.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd

from dashboard import tooltip
from drone_ops.plan import Cmd, Plan, PlanStats, Survey
from surveillance.store import BBox, Store, Window
from surveillance.times import people_utc

__all__ = [
    "PlanPicture",
    "alert_sightings",
    "drone_sightings",
    "drone_states",
    "drone_trails",
    "mission_routes",
    "mission_table",
    "plan_picture",
    "stats_text",
]

#: missions a drone may be flying, newest first, when its telemetry names none
_FLYING = ("started", "uploaded")


def _hms(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{secs:02d}"


def stats_text(stats: PlanStats | dict[str, Any] | None) -> dict[str, str]:
    """A plan's statistics as QGroundControl shows them, for people: area, distance,
    flight time, photos, ground sampling distance, items."""
    if stats is None:
        return {}
    values = stats if isinstance(stats, dict) else asdict(stats)
    gsd = values.get("gsd_cm")
    return {
        "Area": f"{values.get('area_m2', 0.0) / 1e6:,.3f} km²",
        "Distance": f"{values.get('distance_m', 0.0) / 1000:,.2f} km",
        "Flight time": _hms(values.get("flight_time_s", 0.0)),
        "Photos": f"{int(values.get('photo_count', 0)):,}",
        "GSD": "-" if gsd is None else f"{gsd:.2f} cm/px",
        "Items": f"{int(values.get('items', 0)):,}",
    }


@dataclass(frozen=True)
class PlanPicture:
    """What the map shows of one plan: its route, its waypoints, the surveyed areas and
    the geofence, and the box that holds them all."""

    route: pd.DataFrame  # one row: path ([lon, lat] list) and the tooltip fields
    waypoints: pd.DataFrame  # seq, command, lon, lat, alt_m and the tooltip fields
    areas: list[list[list[float]]]  # survey polygons, each [[lon, lat], ...]
    fence: pd.DataFrame  # polygon, inclusion and the tooltip fields
    bbox: BBox


def _command_name(command: int) -> str:
    try:
        return Cmd(command).name.lower().replace("_", " ")
    except ValueError:
        return f"command {command}"


def plan_picture(plan: Plan) -> PlanPicture:
    """The route, waypoints, survey areas and geofence of ``plan`` for the map."""
    path = [[p.lon, p.lat] for p in plan.path()]
    route = pd.DataFrame(
        [{"path": path, **tooltip.fields(plan.name, f"{plan.kind} · {len(path) - 1} waypoints")}]
    )
    rows = [
        {
            "seq": seq,
            "command": _command_name(item.command),
            "lon": item.lon,
            "lat": item.lat,
            "alt_m": item.z,
            **tooltip.fields(
                f"{seq}: {_command_name(item.command)}",
                f"{item.lat:.6f}, {item.lon:.6f}",
                f"{item.z:.0f} m above home",
            ),
        }
        for seq, item in enumerate(plan.mission_items())
        if item.has_position
    ]
    waypoints = pd.DataFrame(
        rows, columns=["seq", "command", "lon", "lat", "alt_m", *tooltip.FIELDS]
    )
    areas = [[[lon, lat] for lat, lon in e.polygon] for e in plan.elements if isinstance(e, Survey)]
    fence = pd.DataFrame(
        [
            {
                "polygon": [[lon, lat] for lat, lon in p.vertices],
                "inclusion": p.inclusion,
                **tooltip.fields(
                    p.name or "geofence", "stay inside" if p.inclusion else "no-fly zone"
                ),
            }
            for p in plan.fence.polygons
        ],
        columns=["polygon", "inclusion", *tooltip.FIELDS],
    )
    points = np.asarray(path + [v for a in areas for v in a], dtype=float)
    west, south = points.min(axis=0)
    east, north = points.max(axis=0)
    return PlanPicture(route, waypoints, areas, fence, (west, south, east, north))


def _items(stats: Any) -> int | None:
    if isinstance(stats, dict) and stats.get("items") is not None:
        return int(stats["items"])
    return None


def mission_table(store: Store, window: Window | None = None) -> pd.DataFrame:
    """Stored missions, newest first, for a table: id, name, kind, status, planned start,
    items, distance, flight time, where it was uploaded, the alert it answers."""
    found = store.missions(window)
    stats: list[dict[str, Any]] = [s if isinstance(s, dict) else {} for s in found["stats"]]
    return pd.DataFrame(
        {
            "id": found["id"].astype(np.int64),
            "name": found["name"].astype(str),
            "kind": found["kind"].astype(str),
            "status": found["status"].astype(str),
            "planned_start": found["planned_start"],
            "items": pd.array([_items(s) for s in stats], dtype="Int64"),
            "distance_km": [round(float(s.get("distance_m", 0.0)) / 1000, 2) for s in stats],
            "flight_min": [round(float(s.get("flight_time_s", 0.0)) / 60, 1) for s in stats],
            "uploaded_to": found["uploaded_to"],
            "alert_id": found["alert_id"],
        }
    ).reset_index(drop=True)


def mission_routes(store: Store, window: Window | None = None) -> pd.DataFrame:
    """The routes of stored missions planned in the window: ``id, status, path`` and the
    tooltip fields (the name is text from a person or a file)."""
    found = store.missions(window)
    found = found[found.geometry.notna()]
    rows = [
        {
            "id": int(m.id),
            "status": str(m.status),
            "path": [[round(x, 7), round(y, 7)] for x, y, *_ in m.geom.coords],
            **tooltip.fields(
                str(m.name),
                f"mission {int(m.id)} · {m.kind} · {m.status}",
                f"planned {people_utc(m.planned_start, zone=' UTC', missing='(no time)')}",
            ),
        }
        for m in found.itertuples()
    ]
    return pd.DataFrame(rows, columns=["id", "status", "path", *tooltip.FIELDS])


def _mission_of(sample: Any, missions: gpd.GeoDataFrame) -> Any:
    """The mission a drone is flying: the one its telemetry names, else the newest one
    uploaded to (or started on) its system id."""
    if not pd.isna(sample.mission_id):
        named = missions[missions["id"] == int(sample.mission_id)]
        return None if named.empty else named.iloc[0]
    if pd.isna(sample.system_id):
        return None
    flying = missions[
        missions["status"].isin(_FLYING) & (missions["system_id"] == int(sample.system_id))
    ]
    return None if flying.empty else flying.iloc[0]  # store.missions() is newest first


def _progress(seq: Any, items: int | None) -> str:
    if pd.isna(seq):
        return "no mission progress heard"
    return f"item {int(seq)} of {items}" if items else f"item {int(seq)}"


def _done_pct(seq: Any, items: int | None) -> float | None:
    """How far through its mission a drone is: the current item of the item count."""
    return None if pd.isna(seq) or not items else min(100.0, 100.0 * int(seq) / items)


def drone_states(store: Store, since: datetime, now: datetime) -> pd.DataFrame:
    """Each drone heard since ``since``: where it is, its battery, mode, the mission it
    flies and how far through it (``mission_seq`` of the mission's item count, and as
    ``done_pct``), when it
    was last heard and how long before ``now``; a one-line ``summary`` for people and the
    tooltip fields."""
    latest = store.drone_states(since)
    missions = store.missions() if len(latest) else store.missions().iloc[0:0]
    rows = []
    for s in latest.itertuples():
        mission = _mission_of(s, missions)
        items = None if mission is None else _items(mission["stats"])
        battery = None if pd.isna(s.battery_pct) else float(s.battery_pct)
        progress = _progress(s.mission_seq, items)
        mode = "" if s.mode is None or pd.isna(s.mode) else str(s.mode)
        name = "" if mission is None else str(mission["name"])
        heard = people_utc(s.ts, seconds=True, zone=" UTC")
        charge = "?" if battery is None else f"{battery:.0f}"
        rows.append(
            {
                "drone_id": str(s.drone_id),
                "lon": float(s.geom.x),
                "lat": float(s.geom.y),
                "battery_pct": battery,
                "mode": mode,
                "armed": bool(s.armed) if not pd.isna(s.armed) else None,
                "mission_id": None if mission is None else int(mission["id"]),
                "mission": name,
                "mission_seq": None if pd.isna(s.mission_seq) else int(s.mission_seq),
                "items": items,
                "progress": progress,
                "done_pct": _done_pct(s.mission_seq, items),
                "last_heard": s.ts,
                "heard_s_ago": max(0.0, (now - s.ts).total_seconds()),
                "summary": f"Drone {s.drone_id} · {name or 'no mission'} · {progress} · "
                f"battery {charge} % · {mode or 'mode ?'} · last heard {heard}",
                **tooltip.fields(
                    f"Drone {s.drone_id}",
                    f"battery {charge} % · {mode or '?'}",
                    progress,
                    f"heard {heard}",
                ),
            }
        )
    columns = [
        "drone_id",
        "lon",
        "lat",
        "battery_pct",
        "mode",
        "armed",
        "mission_id",
        "mission",
        "mission_seq",
        "items",
        "progress",
        "done_pct",
        "last_heard",
        "heard_s_ago",
        "summary",
        *tooltip.FIELDS,
    ]
    return pd.DataFrame(rows, columns=columns)


def drone_trails(store: Store, window: Window, bbox: BBox | None = None) -> pd.DataFrame:
    """Each drone's path over the window: ``drone_id, path`` and the tooltip fields."""
    samples = store.telemetry(window, bbox)
    rows = [
        {
            "drone_id": str(drone),
            "path": np.column_stack([track.geometry.x, track.geometry.y]).round(7).tolist(),
            **tooltip.fields(f"Drone {drone}", f"trail · {len(track)} samples"),
        }
        for drone, track in samples.groupby("drone_id", sort=True)
        if len(track) >= 2
    ]
    return pd.DataFrame(rows, columns=["drone_id", "path", *tooltip.FIELDS])


def drone_sightings(store: Store, window: Window, bbox: BBox | None = None) -> pd.DataFrame:
    """What drones reported seeing (detections from source ``drone``): ``id, lon, lat, ts``
    and the tooltip fields (matched to an AIS vessel or not)."""
    found = store.detections(window, bbox)
    found = found[found["source"] == "drone"]
    rows = [
        {
            "id": int(d.id),
            "lon": float(d.geom.x),
            "lat": float(d.geom.y),
            "ts": d.ts,
            **tooltip.fields(
                "Drone sighting",
                people_utc(d.ts, seconds=True, zone=" UTC"),
                "no AIS vessel" if pd.isna(d.matched_mmsi) else f"MMSI {int(d.matched_mmsi)}",
            ),
        }
        for d in found.itertuples()
    ]
    return pd.DataFrame(rows, columns=["id", "lon", "lat", "ts", *tooltip.FIELDS])


def alert_sightings(store: Store, alert_id: str) -> pd.DataFrame:
    """The drone sightings that answer an alert, oldest first, for a table: ``id, ts, lat,
    lon``, the vessel's MMSI (``identified``: the operator named it, else AIS matched it), the
    operator's note (text), who reported it, the photo's
    file name and whether there is one (``store.sighting_photo`` reads it)."""
    found = store.sightings(alert_id=alert_id)
    return pd.DataFrame(
        {
            "id": found["id"].astype(np.int64),
            "ts": found["ts"],
            "lat": found.geometry.y.round(5),
            "lon": found.geometry.x.round(5),
            "mmsi": pd.array(found["matched_mmsi"], dtype="Int64"),
            "identified": found["identified"].astype(bool),
            "note": found["note"].fillna("").astype(str),
            "reported_by": found["reported_by"],
            "photo_name": found["photo_name"],
            "has_photo": found["has_photo"].astype(bool),
        }
    ).reset_index(drop=True)
