"""A drone mission as Coastwatch plans, files, uploads and checks it.

Everything in ``drone_ops`` speaks this one model: the planners return a :class:`Plan`, the
file readers and writers turn it into and out of ``.plan``, ``.waypoints``, GeoJSON and KML,
the mission protocol uploads its three lists (mission, fence, rally) and deconfliction
compares two of them. A mission item holds its position as MAVLink's ``MISSION_ITEM_INT``
does, 1e-7 degree integers, from the moment it is made: nothing on the way to the vehicle
goes through float32 (:func:`to_e7` rounds a double once).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import IntEnum
from typing import Any

from surveillance.errors import InputError
from surveillance.geodesy import haversine_m

__all__ = [
    "E7",
    "Camera",
    "Cmd",
    "Fence",
    "FenceCircle",
    "FlightSetup",
    "FencePolygon",
    "Frame",
    "Limits",
    "MissionItem",
    "Plan",
    "PlanRefused",
    "PlanStats",
    "Point",
    "Survey",
    "from_e7",
    "to_e7",
]

E7 = 10_000_000


def to_e7(degrees: float) -> int:
    """Degrees as MAVLink's 1e-7 degree integer, rounded once from the double."""
    return round(degrees * E7)


def from_e7(value: int) -> float:
    return value / E7


class Frame(IntEnum):
    """The ``MAV_FRAME`` values missions use."""

    GLOBAL = 0  # altitude above mean sea level
    MISSION = 2  # not a position: x, y, z are param5..7
    GLOBAL_RELATIVE_ALT = 3  # altitude above home
    GLOBAL_INT = 5
    GLOBAL_RELATIVE_ALT_INT = 6
    GLOBAL_TERRAIN_ALT = 10  # altitude above terrain


#: frames whose x and y are latitude and longitude
GLOBAL_FRAMES = frozenset({0, 3, 5, 6, 10, 11})


class Cmd(IntEnum):
    """The ``MAV_CMD`` values the planners write (files may hold any known command)."""

    NAV_WAYPOINT = 16
    NAV_LOITER_UNLIM = 17
    NAV_LOITER_TURNS = 18
    NAV_LOITER_TIME = 19
    NAV_RETURN_TO_LAUNCH = 20
    NAV_LAND = 21
    NAV_TAKEOFF = 22
    DO_CHANGE_SPEED = 178
    DO_SET_CAM_TRIGG_DIST = 206
    IMAGE_START_CAPTURE = 2000
    IMAGE_STOP_CAPTURE = 2001
    FENCE_POLYGON_VERTEX_INCLUSION = 5001
    FENCE_POLYGON_VERTEX_EXCLUSION = 5002
    FENCE_CIRCLE_INCLUSION = 5003
    FENCE_CIRCLE_EXCLUSION = 5004
    RALLY_POINT = 5100


@dataclass(frozen=True, slots=True)
class MissionItem:
    """One item as ``MISSION_ITEM_INT`` carries it: ``params`` are param1..4 (NaN where a file
    has null), ``x``/``y`` latitude/longitude in 1e-7 degrees for a global frame (param5/6 as
    integers otherwise), ``z`` the altitude in metres (param7)."""

    command: int
    frame: int = Frame.GLOBAL_RELATIVE_ALT
    params: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)
    x: int = 0
    y: int = 0
    z: float = 0.0
    autocontinue: bool = True

    @classmethod
    def at(cls, command: int, lat: float, lon: float, alt_m: float, *params: float) -> MissionItem:
        """An item at a place (degrees, metres above home), params padded to four."""
        padded = (tuple(params) + (0.0, 0.0, 0.0, 0.0))[:4]
        return cls(command, Frame.GLOBAL_RELATIVE_ALT, padded, to_e7(lat), to_e7(lon), alt_m)  # type: ignore[arg-type]

    @property
    def has_position(self) -> bool:
        """True when x/y are a place (a global frame, not both zero)."""
        return self.frame in GLOBAL_FRAMES and (self.x != 0 or self.y != 0)

    @property
    def lat(self) -> float:
        return from_e7(self.x)

    @property
    def lon(self) -> float:
        return from_e7(self.y)


@dataclass(frozen=True, slots=True)
class Point:
    """A place in degrees (doubles) with an altitude in metres (above home unless said)."""

    lat: float
    lon: float
    alt_m: float = 0.0


@dataclass(frozen=True, slots=True)
class Camera:
    """What the ground sampling distance and the photo spacing follow from."""

    name: str = "generic 1-inch 20 MP"
    sensor_width_mm: float = 13.2
    sensor_height_mm: float = 8.8
    image_width_px: int = 5472
    image_height_px: int = 3648
    focal_length_mm: float = 8.8
    landscape: bool = True


@dataclass(frozen=True)
class Survey:
    """A survey grid, kept whole so a ``.plan`` is written back as QGroundControl's complex
    item: the area (``polygon`` as (lat, lon) vertices), how it was laid, and the items it
    expands to. ``extra`` keeps what a file had beyond these, for a faithful round trip."""

    polygon: tuple[tuple[float, float], ...]
    camera: Camera
    altitude_m: float
    front_overlap_pct: float
    side_overlap_pct: float
    angle_deg: float
    turnaround_m: float
    items: tuple[MissionItem, ...]
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class FencePolygon:
    vertices: tuple[tuple[float, float], ...]  # (lat, lon)
    inclusion: bool = False  # False: a no-fly zone; True: stay inside
    name: str = ""


@dataclass(frozen=True, slots=True)
class FenceCircle:
    centre: tuple[float, float]  # (lat, lon)
    radius_m: float
    inclusion: bool = False
    name: str = ""


@dataclass(frozen=True)
class Fence:
    polygons: tuple[FencePolygon, ...] = ()
    circles: tuple[FenceCircle, ...] = ()


@dataclass(frozen=True, slots=True)
class Limits:
    """What every plan is checked against; a plan that breaks one is refused."""

    min_alt_m: float = 10.0
    max_alt_m: float = 120.0  # Japan's and the EU's open-category ceiling is 150 m
    endurance_min: float = 25.0  # battery minutes at cruise
    reserve_min: float = 5.0  # kept for the way back
    max_range_m: float | None = None  # from home, when a radio link limits it


@dataclass(frozen=True)
class FlightSetup:
    """What every planner is given besides the pattern's own geometry: where the drone
    starts, how high and fast it flies, its limits, when, the wind, and the configured
    no-fly polygons (airports are added by the planner)."""

    home: Point
    altitude_m: float = 60.0
    cruise_speed_mps: float = 15.0
    limits: Limits = Limits()
    planned_start: datetime | None = None
    vehicle: str = "multirotor"
    wind_from_deg: float | None = None  # where the wind blows from, clockwise from north
    wind_mps: float = 0.0
    no_fly: tuple[FencePolygon, ...] = ()


@dataclass(frozen=True, slots=True)
class PlanStats:
    """What QGroundControl shows beside a plan."""

    area_m2: float
    distance_m: float
    flight_time_s: float
    photo_count: int
    gsd_cm: float | None
    items: int


@dataclass(frozen=True)
class Plan:
    """A mission: its items in order (a :class:`Survey` stands for the items it expands to),
    the geofence and rally points that go with it, home, speeds and limits."""

    name: str
    kind: str  # one of surveillance.vocabulary.MISSION_KINDS
    home: Point
    elements: tuple[MissionItem | Survey, ...]
    fence: Fence = Fence()
    rally: tuple[Point, ...] = ()
    cruise_speed_mps: float = 15.0
    hover_speed_mps: float = 5.0
    limits: Limits = Limits()
    vehicle: str = "multirotor"  # or "fixed_wing", "vtol"
    firmware: str = "px4"  # or "ardupilot"
    planned_start: datetime | None = None
    stats: PlanStats | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)  # alert_id, mmsi, why, ...

    def mission_items(self) -> list[MissionItem]:
        """The mission as uploaded: surveys expanded, in order (seq = index)."""
        return [i for e in self.elements for i in (e.items if isinstance(e, Survey) else (e,))]

    def fence_items(self) -> list[MissionItem]:
        """The geofence as MAVLink fence items (mission type 1), in MAV_FRAME_GLOBAL as
        QGroundControl and MAVSDK send them (a fence has no altitude)."""
        out: list[MissionItem] = []
        for polygon in self.fence.polygons:
            cmd = (
                Cmd.FENCE_POLYGON_VERTEX_INCLUSION
                if polygon.inclusion
                else Cmd.FENCE_POLYGON_VERTEX_EXCLUSION
            )
            n = float(len(polygon.vertices))
            out += [_fence_vertex(cmd, lat, lon, n) for lat, lon in polygon.vertices]
        for circle in self.fence.circles:
            cmd = Cmd.FENCE_CIRCLE_INCLUSION if circle.inclusion else Cmd.FENCE_CIRCLE_EXCLUSION
            out.append(_fence_vertex(cmd, *circle.centre, circle.radius_m))
        return out

    def rally_items(self) -> list[MissionItem]:
        """The rally points as MAVLink rally items (mission type 2)."""
        return [MissionItem.at(Cmd.RALLY_POINT, p.lat, p.lon, p.alt_m) for p in self.rally]

    def path(self) -> list[Point]:
        """Where the vehicle flies: home, then every item with a position, in order."""
        return [self.home] + [
            Point(i.lat, i.lon, i.z) for i in self.mission_items() if i.has_position
        ]

    def legs_m(self) -> list[float]:
        """The length of each leg of :meth:`path`, great-circle metres."""
        return list(_legs(self.path()))


def _fence_vertex(command: int, lat: float, lon: float, param1: float) -> MissionItem:
    return MissionItem(command, Frame.GLOBAL, (param1, 0.0, 0.0, 0.0), to_e7(lat), to_e7(lon))


def _legs(points: list[Point]) -> Iterator[float]:
    for a, b in zip(points, points[1:], strict=False):
        yield float(haversine_m(a.lon, a.lat, b.lon, b.lat))


class PlanRefused(InputError):
    """A plan breaks a limit: says which limit, by how much, and where."""

    def __init__(self, limit: str, message: str, place: Point | None = None) -> None:
        where = "" if place is None else f" at {place.lat:.5f}, {place.lon:.5f}"
        super().__init__(f"plan refused: {limit}: {message}{where}")
        self.limit, self.place = limit, place
