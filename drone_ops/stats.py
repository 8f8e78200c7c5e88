"""The statistics QGroundControl shows beside a plan: area, distance, flight time, photos, GSD.

Flight time is the legs at ground speed (cruise airspeed through the wind triangle when the
plan carries a wind, ``meta["wind"] = {"from_deg", "mps"}``), plus the climbs and descents at
:data:`VERTICAL_MPS`, plus loiters (hold times, loiter times, loiter turns around their
circle) and the return home that ``NAV_RETURN_TO_LAUNCH`` flies.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

from drone_ops.camera import gsd_cm
from drone_ops.plan import Cmd, MissionItem, Plan, PlanRefused, PlanStats, Point, Survey
from surveillance.geodesy import haversine_m

__all__ = ["VERTICAL_MPS", "Waypoint", "ground_speed_mps", "plan_stats", "timeline"]

#: climb and descent rate of the endurance model (PX4's default MPC_Z_VEL_MAX_UP is 3 m/s)
VERTICAL_MPS = 3.0

_GEOD = Geod(ellps="WGS84")


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A place the vehicle reaches, with the flight so far: metres and seconds from takeoff."""

    point: Point
    distance_m: float
    time_s: float


def ground_speed_mps(
    bearing_deg: float,
    airspeed_mps: float,
    wind_from_deg: float,
    wind_mps: float,
    *,
    place: Point | None = None,
) -> float:
    """The speed over ground along ``bearing_deg`` at ``airspeed_mps`` in the wind (the wind
    triangle: the heading crabs into the crosswind, the along-track part adds or takes away).
    A wind the vehicle cannot hold its track in refuses the plan (at ``place``, the leg's
    start)."""
    relative = math.radians(wind_from_deg + 180.0 - bearing_deg)  # where the wind blows to
    cross_mps, along_mps = wind_mps * math.sin(relative), wind_mps * math.cos(relative)
    speed = along_mps + math.sqrt(max(airspeed_mps**2 - cross_mps**2, 0.0))
    if abs(cross_mps) >= airspeed_mps or speed <= 0.0:
        raise PlanRefused(
            "wind",
            f"{wind_mps:g} m/s from {wind_from_deg:g} deg is too strong for {airspeed_mps:g} m/s "
            f"on a track of {bearing_deg % 360:.0f} deg",
            place,
        )
    return speed


def timeline(plan: Plan) -> list[Waypoint]:
    """Every place the vehicle reaches in order, from home back home, with the distance and
    the time flown to reach it."""
    wind = plan.meta.get("wind") or {}
    from_deg, wind_mps = float(wind.get("from_deg", 0.0)), float(wind.get("mps", 0.0))
    targets = list(_targets(plan))
    places = [Point(plan.home.lat, plan.home.lon, 0.0)] + [t for _, t in targets]
    lons, lats = np.array([p.lon for p in places]), np.array([p.lat for p in places])
    legs_m = haversine_m(lons[:-1], lats[:-1], lons[1:], lats[1:])
    bearings = _GEOD.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])[0]
    out = [Waypoint(plan.home, 0.0, 0.0)]
    distance_m = time_s = 0.0
    legs = zip(targets, places[:-1], legs_m, bearings, strict=True)
    for (item, target), here, leg_m, bearing in legs:
        if leg_m > 0.0:
            airspeed_mps = plan.cruise_speed_mps
            speed = ground_speed_mps(float(bearing), airspeed_mps, from_deg, wind_mps, place=here)
            time_s += float(leg_m) / speed
        time_s += abs(target.alt_m - here.alt_m) / VERTICAL_MPS + _loiter_s(item, plan)
        distance_m += float(leg_m)
        out.append(Waypoint(target, distance_m, time_s))
    return out


def _targets(plan: Plan) -> Iterator[tuple[MissionItem, Point]]:
    """Each positional item with where it takes the vehicle; return-to-launch goes home and
    lands there."""
    for item in plan.mission_items():
        if item.command == Cmd.NAV_RETURN_TO_LAUNCH:
            yield item, Point(plan.home.lat, plan.home.lon, 0.0)
        elif item.has_position:
            yield item, Point(item.lat, item.lon, item.z)


def _loiter_s(item: MissionItem, plan: Plan) -> float:
    """The time an item keeps the vehicle where it is."""
    p1, _, p3, _ = (0.0 if math.isnan(p) else p for p in item.params)
    if item.command in (Cmd.NAV_WAYPOINT, Cmd.NAV_LOITER_TIME):
        return max(p1, 0.0)  # hold time / loiter time, seconds
    if item.command == Cmd.NAV_LOITER_TURNS:
        return abs(p1) * 2.0 * math.pi * abs(p3) / plan.cruise_speed_mps
    return 0.0


def _photo_count(plan: Plan) -> int:
    """Photos the distance trigger takes: one every trigger distance while it is on, and one
    at each ``DO_SET_CAM_TRIGG_DIST`` that asks for one at once (param3 1: QGroundControl asks
    at each transect's entry and exit, "to get full coverage")."""
    photos, trigger_m, flown_m, last = 0, 0.0, 0.0, None
    for item in plan.mission_items():
        if item.command == Cmd.DO_SET_CAM_TRIGG_DIST:
            if trigger_m > 0.0:
                photos += math.floor(flown_m / trigger_m)
            photos += 1 if item.params[2] >= 1.0 else 0
            trigger_m, flown_m = max(item.params[0], 0.0), 0.0
        elif item.has_position:
            if last is not None and trigger_m > 0.0:
                flown_m += float(haversine_m(last.lon, last.lat, item.lon, item.lat))
            last = item
    if trigger_m > 0.0:
        photos += math.floor(flown_m / trigger_m)
    return photos


def plan_stats(plan: Plan) -> PlanStats:
    """Area surveyed (geodesic m^2 of the surveys' polygons), distance (home, the items and
    back), flight time, photo count and GSD (of the first survey, cm/px), items uploaded."""
    surveys = [e for e in plan.elements if isinstance(e, Survey)]
    area_m2 = sum(
        abs(
            _GEOD.polygon_area_perimeter(
                [lon for _, lon in s.polygon], [lat for lat, _ in s.polygon]
            )[0]
        )
        for s in surveys
    )
    end = timeline(plan)[-1]
    return PlanStats(
        area_m2=area_m2,
        distance_m=end.distance_m,
        flight_time_s=end.time_s,
        photo_count=_photo_count(plan),
        gsd_cm=gsd_cm(surveys[0].camera, surveys[0].altitude_m) if surveys else None,
        items=len(plan.mission_items()),
    )
