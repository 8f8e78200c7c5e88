"""Whether a plan may fly: altitudes, endurance, range and the geofence.

:func:`check_limits` raises :class:`~drone_ops.plan.PlanRefused` at the first breach, with
the limit, by how much, and the first place along the flight where it happens.
"""

from __future__ import annotations

import numpy as np
import shapely

from drone_ops.local import LocalFrame
from drone_ops.plan import Plan, PlanRefused, Point
from drone_ops.stats import Waypoint, timeline
from surveillance.geodesy import haversine_m

__all__ = ["check_limits"]


def check_limits(plan: Plan) -> None:
    """Refuse ``plan`` if it breaks a limit of ``plan.limits`` or its geofence."""
    flight = timeline(plan)
    _altitudes(plan, flight)
    _endurance(plan, flight)
    _range(plan, flight)
    _fence(plan, flight)


def _altitudes(plan: Plan, flight: list[Waypoint]) -> None:
    low, high = plan.limits.min_alt_m, plan.limits.max_alt_m
    for item in plan.mission_items():
        if item.has_position and not low <= item.z <= high:
            raise PlanRefused(
                "altitude",
                f"{item.z:g} m is outside {low:g}..{high:g} m",
                Point(item.lat, item.lon, item.z),
            )


def _endurance(plan: Plan, flight: list[Waypoint]) -> None:
    usable_s = 60.0 * (plan.limits.endurance_min - plan.limits.reserve_min)
    for before, after in zip(flight, flight[1:], strict=False):
        if after.time_s > usable_s:
            share = (usable_s - before.time_s) / (after.time_s - before.time_s)
            a, b = before.point, after.point
            where = Point(a.lat + share * (b.lat - a.lat), a.lon + share * (b.lon - a.lon))
            raise PlanRefused(
                "endurance",
                f"{flight[-1].time_s / 60:.1f} min of flight for {usable_s / 60:g} min usable "
                f"({plan.limits.endurance_min:g} min battery less {plan.limits.reserve_min:g} min "
                "reserve); the usable time runs out",
                where,
            )


def _range(plan: Plan, flight: list[Waypoint]) -> None:
    limit_m = plan.limits.max_range_m
    if limit_m is None:
        return
    home = plan.home
    for waypoint in flight:
        p = waypoint.point
        range_m = float(haversine_m(home.lon, home.lat, p.lon, p.lat))
        if range_m > limit_m:
            raise PlanRefused("range", f"{range_m:.0f} m from home, more than {limit_m:g} m", p)


def _fence(plan: Plan, flight: list[Waypoint]) -> None:
    """The path must keep out of every exclusion zone and inside every inclusion zone; the
    first leg that breaks one is refused where it crosses."""
    fence = plan.fence
    if not fence.polygons and not fence.circles:
        return
    frame = LocalFrame(plan.home.lat, plan.home.lon)
    zones = [
        (p.name, p.inclusion, shapely.Polygon([frame.xy(lon, lat) for lat, lon in p.vertices]))
        for p in fence.polygons
    ] + [
        (c.name, c.inclusion, shapely.Point(frame.xy(c.centre[1], c.centre[0])).buffer(c.radius_m))
        for c in fence.circles
    ]
    points = np.array([frame.xy(w.point.lon, w.point.lat) for w in flight])
    legs = shapely.linestrings(np.stack([points[:-1], points[1:]], axis=1))
    first: tuple[int, str, bool, shapely.Geometry] | None = None
    for name, inclusion, zone in zones:
        broken = ~shapely.covered_by(legs, zone) if inclusion else shapely.intersects(legs, zone)
        hits = np.flatnonzero(broken)
        if hits.size and (first is None or hits[0] < first[0]):
            first = (int(hits[0]), name, inclusion, zone)
    if first is None:
        return
    index, name, inclusion, zone = first
    leg = legs[index]
    breach = leg.difference(zone) if inclusion else leg.intersection(zone)
    start = shapely.Point(points[index])
    # a leg of no length (the takeoff, straight up) breaks it where it stands
    crossings = shapely.get_coordinates(breach) if not breach.is_empty else [points[index]]
    nearest = min(crossings, key=lambda c: start.distance(shapely.Point(c)))
    lon, lat = frame.lonlat(float(nearest[0]), float(nearest[1]))
    what = name or ("the inclusion zone" if inclusion else "a no-fly zone")
    side = "leaves" if inclusion else "enters"
    raise PlanRefused("geofence", f"the path {side} {what}", Point(lat, lon))
