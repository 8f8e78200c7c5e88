"""The survey grid (a lawnmower) over a polygon, laid as QGroundControl lays its Survey.

From the camera and the altitude: GSD, the photo footprint, the transect spacing
(footprint across track x (1 - side overlap)) and the trigger distance (footprint along
track x (1 - front overlap)). Transects run along ``angle_deg`` (clockwise from north),
``spacing`` apart and centred on the polygon's extent (the outer strips reach its edges), in a local
azimuthal equidistant frame. Each transect spans the polygon's extent within its own strip
(spacing wide), so the photos cover the polygon to its edges; a concave notch is flown
over, and so are holes. Directions alternate.

Items follow QGroundControl's TransectStyleComplexItem with turnarounds and "images in
turnarounds" off (``_buildAndAppendMissionItems``, and its count in ``lastSequenceNumber``):
per transect, a turnaround waypoint ``turnaround_m`` before the entry, the entry waypoint,
``DO_SET_CAM_TRIGG_DIST`` (trigger distance, one photo at once), the exit waypoint,
``DO_SET_CAM_TRIGG_DIST`` 0 (and one photo at once), and a turnaround waypoint after the
exit: 6 items a transect (4 without turnarounds), :func:`qgc_item_count`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import shapely
from shapely.geometry import MultiPolygon, Polygon

from drone_ops.camera import footprint_m
from drone_ops.finish import finish_plan
from drone_ops.local import LocalFrame
from drone_ops.plan import Camera, Cmd, FlightSetup, Frame, MissionItem, Plan, Survey
from surveillance.errors import InputError

__all__ = [
    "DEFAULT_CAMERA",
    "MAX_SURVEY_AREA_KM2",
    "Grid",
    "lay_grid",
    "plan_survey",
    "qgc_item_count",
]

#: the largest area one survey plans (a 500 km^2 grid is thousands of transect kilometres)
MAX_SURVEY_AREA_KM2 = 500.0

#: the camera when none is given: a 1-inch 20 MP mapping camera
DEFAULT_CAMERA = Camera()


@dataclass(frozen=True)
class Grid:
    """A laid grid in the local frame: transects as ((x0, y0), (x1, y1)) in flight order."""

    frame: LocalFrame
    spacing_m: float
    trigger_m: float
    transects: tuple[tuple[tuple[float, float], tuple[float, float]], ...]


def qgc_item_count(transects: int, *, turnarounds: bool = True) -> int:
    """QGroundControl's item count for a survey of ``transects`` with the camera triggered by
    distance and not in turnarounds: entry and exit waypoints with their trigger items, plus
    two turnaround waypoints a transect when the turnaround distance is not zero."""
    return transects * (6 if turnarounds else 4)


def lay_grid(
    polygon: Polygon,
    altitude_m: float,
    camera: Camera,
    front_overlap_pct: float,
    side_overlap_pct: float,
    angle_deg: float,
) -> Grid:
    """The transects over ``polygon`` (lon/lat), in the frame centred on it."""
    for name, pct in (("front", front_overlap_pct), ("side", side_overlap_pct)):
        if not 0.0 <= pct < 100.0:
            raise InputError(f"{name} overlap {pct:g} % must be at least 0 and below 100")
    centre = polygon.centroid
    frame = LocalFrame(centre.y, centre.x)
    across_m, along_m = footprint_m(camera, altitude_m)
    spacing_m = across_m * (1.0 - side_overlap_pct / 100.0)
    trigger_m = along_m * (1.0 - front_overlap_pct / 100.0)
    # u across the transects, v along them (bearing angle_deg)
    a = math.radians(angle_deg)
    d, n = (math.sin(a), math.cos(a)), (math.cos(a), -math.sin(a))
    metric = frame.to_metric(polygon)
    uv = shapely.transform(metric, lambda c: c @ [[n[0], d[0]], [n[1], d[1]]])
    u0, v0, u1, v1 = uv.bounds
    count = max(1, math.ceil((u1 - u0) / spacing_m))
    first_u = (u0 + u1) / 2 - (count - 1) * spacing_m / 2
    transects: list[tuple[tuple[float, float], tuple[float, float]]] = []
    for k in range(count):
        u = first_u + k * spacing_m
        strip = uv.intersection(
            shapely.box(u - spacing_m / 2, v0 - 1.0, u + spacing_m / 2, v1 + 1.0)
        )
        if strip.is_empty or strip.area == 0.0:
            continue
        _, lo, _, hi = strip.bounds
        ends = [(u * n[0] + v * d[0], u * n[1] + v * d[1]) for v in (lo, hi)]
        a_end, b_end = ends if len(transects) % 2 == 0 else ends[::-1]
        transects.append((a_end, b_end))
    return Grid(frame, spacing_m, trigger_m, tuple(transects))


def _items(grid: Grid, altitude_m: float, turnaround_m: float) -> list[MissionItem]:
    def waypoint(x: float, y: float) -> MissionItem:
        lon, lat = grid.frame.lonlat(x, y)
        return MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, altitude_m, 0.0, 0.0, 0.0, math.nan)

    def trigger(distance_m: float) -> MissionItem:
        # param3 1: one photo at once, at the entry and at the exit (QGroundControl's choice)
        return MissionItem(Cmd.DO_SET_CAM_TRIGG_DIST, Frame.MISSION, (distance_m, 0.0, 1.0, 0.0))

    items: list[MissionItem] = []
    for (xa, ya), (xb, yb) in grid.transects:
        length = math.hypot(xb - xa, yb - ya) or 1.0
        dx, dy = (xb - xa) / length * turnaround_m, (yb - ya) / length * turnaround_m
        entry = [waypoint(xa - dx, ya - dy)] if turnaround_m > 0 else []
        leave = [waypoint(xb + dx, yb + dy)] if turnaround_m > 0 else []
        items += [
            *entry,
            waypoint(xa, ya),
            trigger(grid.trigger_m),
            waypoint(xb, yb),
            trigger(0.0),
            *leave,
        ]
    return items


def _parts(polygon: Polygon | MultiPolygon) -> list[Polygon]:
    parts = list(polygon.geoms) if isinstance(polygon, MultiPolygon) else [polygon]
    if not parts or any(not isinstance(p, Polygon) or p.is_empty or not p.is_valid for p in parts):
        raise InputError("the survey area is not a valid polygon", hint="check its rings")
    return parts


def plan_survey(
    polygon: Polygon | MultiPolygon,
    setup: FlightSetup,
    *,
    camera: Camera = DEFAULT_CAMERA,
    front_overlap_pct: float = 70.0,
    side_overlap_pct: float = 70.0,
    angle_deg: float = 0.0,
    turnaround_m: float = 10.0,
    name: str = "survey",
) -> Plan:
    """A survey of ``polygon`` (lon/lat; each part of a MultiPolygon its own grid, in order)
    at the setup's altitude, finished by :func:`finish_plan` (takeoff, fence, statistics,
    limits)."""
    surveys = []
    for part in _parts(polygon):
        area_km2 = LocalFrame(part.centroid.y, part.centroid.x).to_metric(part).area / 1e6
        if area_km2 > MAX_SURVEY_AREA_KM2:
            raise InputError(
                f"the survey area is {area_km2:.0f} km^2, more than {MAX_SURVEY_AREA_KM2:g} km^2"
            )
        grid = lay_grid(
            part, setup.altitude_m, camera, front_overlap_pct, side_overlap_pct, angle_deg
        )
        surveys.append(
            Survey(
                polygon=tuple((lat, lon) for lon, lat in part.exterior.coords[:-1]),
                camera=camera,
                altitude_m=setup.altitude_m,
                front_overlap_pct=front_overlap_pct,
                side_overlap_pct=side_overlap_pct,
                angle_deg=angle_deg,
                turnaround_m=turnaround_m,
                items=tuple(_items(grid, setup.altitude_m, turnaround_m)),
            )
        )
    return finish_plan(name, "survey", surveys, setup)
