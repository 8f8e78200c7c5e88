"""A patrol along the coast between two points, a set distance out to sea.

The coast is the reference land the rules use (:func:`surveillance.geography.read_land`,
GSHHS at high resolution). The patrol line is the edge of that land grown by ``offset_m``
in a local metric frame: every point on it is ``offset_m`` from the nearest land, so it is
the coast offset seaward, smoothed around headlands. The two points are placed on it
nearest their own coast points, and the shorter way along it between them is flown. It is
resampled into waypoints at most :data:`WAYPOINT_SPACING_M` (300 m) apart: close enough
that a leg's chord strays a few tens of metres from the line at most, far enough that a
30 km patrol is about a hundred waypoints.
"""

from __future__ import annotations

import math

import shapely
from shapely.geometry import LineString

from drone_ops.finish import finish_plan
from drone_ops.local import LocalFrame
from drone_ops.plan import Cmd, FlightSetup, MissionItem, Plan, Point
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M

__all__ = ["WAYPOINT_SPACING_M", "patrol_line", "plan_patrol"]

WAYPOINT_SPACING_M = 300.0
_MARGIN_M = 10_000.0  # land read around the two points: enough for the way round a bay


def _land(start: Point, end: Point, frame: LocalFrame, margin_m: float) -> shapely.Geometry:
    from surveillance.geography import read_land

    lat_pad = margin_m / DEG_M
    lon_pad = margin_m / (DEG_M * math.cos(math.radians(max(abs(start.lat), abs(end.lat)))))
    box = (
        min(start.lon, end.lon) - lon_pad,
        min(start.lat, end.lat) - lat_pad,
        max(start.lon, end.lon) + lon_pad,
        max(start.lat, end.lat) + lat_pad,
    )
    land = read_land(box)
    if land.empty:
        raise InputError("no coast near the patrol's two points", hint="give points near a coast")
    return frame.to_metric(shapely.union_all(land.geometry.to_numpy()))


def patrol_line(start: Point, end: Point, offset_m: float) -> tuple[LocalFrame, LineString]:
    """The coast between the points' nearest coast points, ``offset_m`` out to sea, in the
    frame centred between them."""
    if offset_m <= 0:
        raise InputError(f"the patrol offset {offset_m:g} m must be more than 0")
    frame = LocalFrame((start.lat + end.lat) / 2, (start.lon + end.lon) / 2)
    land = _land(start, end, frame, _MARGIN_M + offset_m)
    a, b = (shapely.Point(frame.xy(p.lon, p.lat)) for p in (start, end))
    coast_a, coast_b = (shapely.ops.nearest_points(land.boundary, p)[0] for p in (a, b))
    grown = land.buffer(offset_m, quad_segs=16)
    rings = [
        r for poly in getattr(grown, "geoms", [grown]) for r in (poly.exterior, *poly.interiors)
    ]
    ring_a = min(rings, key=lambda r: r.distance(coast_a))
    ring_b = min(rings, key=lambda r: r.distance(coast_b))
    if ring_a is not ring_b:
        raise InputError("the patrol's two points are on coasts that do not join within reach")
    ring = LineString(ring_a.coords)
    s_a, s_b = ring.project(coast_a), ring.project(coast_b)
    forward = shapely.ops.substring(ring, s_a, s_b)
    # the other way round the ring: from a backwards through the ring's start to b
    around = ring.length - abs(s_b - s_a)
    if around < forward.length:
        first = shapely.ops.substring(ring, s_a, 0.0 if s_b > s_a else ring.length)
        second = shapely.ops.substring(ring, ring.length if s_b > s_a else 0.0, s_b)
        forward = LineString([*first.coords, *second.coords[1:]])
    if forward.length == 0.0:
        raise InputError("the patrol's two points meet the coast at the same place")
    return frame, forward


def plan_patrol(
    start: Point,
    end: Point,
    setup: FlightSetup,
    *,
    offset_m: float = 500.0,
    there_and_back: bool = False,
    name: str = "patrol",
) -> Plan:
    """A coastal patrol from near ``start`` to near ``end`` (and back when
    ``there_and_back``) at the setup's altitude, finished by :func:`finish_plan`."""
    frame, line = patrol_line(start, end, offset_m)
    count = max(1, math.ceil(line.length / WAYPOINT_SPACING_M))
    points = [line.interpolate(line.length * k / count) for k in range(count + 1)]
    if there_and_back:
        points += points[-2::-1]
    items = []
    for p in points:
        lon, lat = frame.lonlat(p.x, p.y)
        items.append(MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, setup.altitude_m))
    meta = {"from": [start.lat, start.lon], "to": [end.lat, end.lon], "offset_m": offset_m}
    return finish_plan(name, "patrol", items, setup, meta=meta)
