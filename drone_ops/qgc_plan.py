"""QGroundControl's ``.plan`` file (JSON): mission, geofence and rally points, both ways.

``document(plan)`` is the JSON object QGroundControl writes (file version 1, mission version
2, geofence and rally version 2); Coastwatch's own facts about a plan (its name, kind, limits,
planned start, statistics, the alert it answers) ride in a top-level ``coastwatch`` object
that QGroundControl and MAVSDK ignore. Coordinates are written as the doubles of the 1e-7
degree integers, so reading a file back gives the same integers.

``from_document(doc, source)`` reads one back and refuses what is broken with the file and
the place: another fileType or version, an item without its fields, an unknown command,
params that are not numbers, a place off the Earth. A file without a ``coastwatch`` object
(QGroundControl's, MAVSDK's) is of kind ``imported``, named after its file. A home altitude
of null (QGroundControl's "not known") reads as 0 m, as MAVSDK reads it.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict
from pathlib import PurePath
from typing import Any

from drone_ops.plan import (
    Fence,
    FenceCircle,
    FencePolygon,
    Limits,
    MissionItem,
    Plan,
    PlanStats,
    Point,
    Survey,
)
from drone_ops.qgc_items import (
    json_list,
    json_number,
    json_object,
    json_pair,
    json_triple,
    simple_item,
    simple_json,
)
from surveillance.errors import InputError
from surveillance.times import iso_utc, parse_time
from surveillance.uploads import LIMIT_BYTES
from surveillance.vocabulary import MISSION_KINDS

__all__ = ["MAX_PLAN_BYTES", "document", "dumps", "from_document", "loads"]

#: the largest .plan read: a 100 km^2 survey at a 2 cm GSD is some 5 MB, so 32 MB is
#: generous, and keeps a mistaken upload (a video, a log) from being parsed
MAX_PLAN_BYTES = LIMIT_BYTES["plan"]

_FIRMWARE = {"px4": 12, "ardupilot": 3, "generic": 0}
_VEHICLE = {"multirotor": 2, "fixed_wing": 1, "vtol": 20}
#: MAV_TYPE as QGroundControl's vehicleType: the multirotors, fixed wing and the VTOLs
_VEHICLE_READ = {
    **dict.fromkeys((2, 3, 4, 13, 14, 15), "multirotor"),
    1: "fixed_wing",
    **dict.fromkeys((19, 20, 21, 22, 23, 24, 25), "vtol"),
}
_CW_KEYS = ("name", "kind", "limits", "planned_start", "stats", "fence_names")


def dumps(plan: Plan) -> str:
    """The plan as the text of a ``.plan`` file."""
    return json.dumps(document(plan), indent=4, allow_nan=False) + "\n"


def loads(text: str, source: str) -> Plan:
    """The plan in the text of a ``.plan`` file; ``source`` names it in refusals."""
    if len(text) > MAX_PLAN_BYTES:
        raise InputError(
            f"{source}: {len(text) / 2**20:.0f} MB is more than a .plan file is read "
            f"({MAX_PLAN_BYTES // 2**20} MB)"
        )
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as error:
        raise InputError(
            f"{source}: not JSON: {error.msg} at line {error.lineno} column {error.colno}"
        ) from None
    except (ValueError, RecursionError) as error:
        raise InputError(f"{source}: not JSON: {error}") from None
    return from_document(doc, source)


def document(plan: Plan) -> dict[str, Any]:
    """The plan as QGroundControl's JSON object."""
    from drone_ops.qgc_survey import survey_json

    items: list[dict[str, Any]] = []
    jump_id = 1
    for element in plan.elements:
        if isinstance(element, Survey):
            items.append(survey_json(element, jump_id))
            jump_id += len(element.items)
        else:
            items.append(simple_json(element, jump_id))
            jump_id += 1
    return {
        "fileType": "Plan",
        "version": 1,
        "groundStation": "Coastwatch",
        "mission": {
            "version": 2,
            "firmwareType": _FIRMWARE[plan.firmware],
            "vehicleType": _VEHICLE[plan.vehicle],
            "cruiseSpeed": plan.cruise_speed_mps,
            "hoverSpeed": plan.hover_speed_mps,
            "globalPlanAltitudeMode": 1,
            "plannedHomePosition": [plan.home.lat, plan.home.lon, plan.home.alt_m],
            "items": items,
        },
        "geoFence": {
            "version": 2,
            "polygons": [
                {"inclusion": p.inclusion, "polygon": [list(v) for v in p.vertices], "version": 1}
                for p in plan.fence.polygons
            ],
            "circles": [
                {
                    "circle": {"center": list(c.centre), "radius": c.radius_m},
                    "inclusion": c.inclusion,
                    "version": 1,
                }
                for c in plan.fence.circles
            ],
        },
        "rallyPoints": {"version": 2, "points": [[p.lat, p.lon, p.alt_m] for p in plan.rally]},
        "coastwatch": _coastwatch(plan),
    }


def from_document(doc: object, source: str) -> Plan:
    """The plan in QGroundControl's JSON object ``doc``; ``source`` names it in refusals."""
    top = json_object(doc, source)
    if top.get("fileType") != "Plan":
        raise InputError(f"{source}: fileType is {_short(top.get('fileType'))}, not 'Plan'")
    _version(top, 1, f"{source}: file")
    mission = json_object(top.get("mission"), f"{source}: mission")
    _version(mission, 2, f"{source}: mission")
    items = json_list(mission.get("items"), f"{source}: mission items")
    elements = tuple(
        _element(item, f"{source}: mission item {n}") for n, item in enumerate(items, 1)
    )
    fence = _fence(top.get("geoFence"), f"{source}: geoFence")
    rally = _rally(top.get("rallyPoints"), f"{source}: rallyPoints")
    own = top.get("coastwatch")
    cw = {} if own is None else json_object(own, f"{source}: coastwatch")
    firmware = json_number(mission.get("firmwareType", 0), f"{source}: firmwareType")
    vehicle = json_number(mission.get("vehicleType", 2), f"{source}: vehicleType")
    if vehicle not in _VEHICLE_READ:
        raise InputError(f"{source}: vehicleType {vehicle:g} is not a drone (MAV_TYPE)")
    kind = cw.get("kind", "imported")
    if kind not in MISSION_KINDS:
        raise InputError(f"{source}: coastwatch kind {_short(kind)} is not one of {MISSION_KINDS}")
    return Plan(
        name=str(cw.get("name", PurePath(source).stem)),
        kind=kind,
        home=_home(mission.get("plannedHomePosition"), elements, f"{source}: plannedHomePosition"),
        elements=elements,
        fence=_named(fence, cw.get("fence_names"), f"{source}: coastwatch fence_names"),
        rally=rally,
        cruise_speed_mps=_speed(mission, "cruiseSpeed", 15.0, source),
        hover_speed_mps=_speed(mission, "hoverSpeed", 5.0, source),
        limits=_record(Limits, cw.get("limits"), f"{source}: coastwatch limits") or Limits(),
        vehicle=_VEHICLE_READ[int(vehicle)],
        firmware={v: k for k, v in _FIRMWARE.items()}.get(int(firmware), "generic"),
        planned_start=_start(cw.get("planned_start"), source),
        stats=_record(PlanStats, cw.get("stats"), f"{source}: coastwatch stats"),
        meta={k: v for k, v in cw.items() if k not in _CW_KEYS},
    )


def _coastwatch(plan: Plan) -> dict[str, Any]:
    """Coastwatch's facts about the plan, beside QGroundControl's."""
    out: dict[str, Any] = {"name": plan.name, "kind": plan.kind, "limits": asdict(plan.limits)}
    if plan.planned_start is not None:
        out["planned_start"] = iso_utc(plan.planned_start)
    if plan.stats is not None:
        out["stats"] = asdict(plan.stats)
    names = {
        "polygons": [p.name for p in plan.fence.polygons],
        "circles": [c.name for c in plan.fence.circles],
    }
    if any(names["polygons"] + names["circles"]):
        out["fence_names"] = names
    return dict(plan.meta) | out  # the plan's own facts win over a meta key of the same name


def _element(value: object, place: str) -> MissionItem | Survey:
    obj = json_object(value, place)
    kind = obj.get("type")
    if kind == "SimpleItem":
        return simple_item(obj, place)
    if kind == "ComplexItem":
        from drone_ops.qgc_survey import survey_element

        return survey_element(obj, place)
    raise InputError(f"{place}: type {_short(kind)} is neither SimpleItem nor ComplexItem")


def _home(value: object, elements: tuple[MissionItem | Survey, ...], place: str) -> Point:
    """plannedHomePosition; without one, the first item with a position (as QGroundControl
    does when it loads a plan made without a vehicle)."""
    if value is None:
        flat = [i for e in elements for i in (e.items if isinstance(e, Survey) else (e,))]
        first = next((i for i in flat if i.has_position), None)
        if first is None:
            raise InputError(f"{place}: missing, and no item has a position to stand for it")
        return Point(first.lat, first.lon, 0.0)
    lat, lon, alt_m = json_triple(value, place)
    return Point(lat, lon, 0.0 if math.isnan(alt_m) else alt_m)


def _fence(value: object, place: str) -> Fence:
    if value is None:
        return Fence()
    fence = json_object(value, place)
    _version(fence, 2, place)
    polygons, circles = [], []
    for n, raw in enumerate(json_list(fence.get("polygons", []), f"{place} polygons"), 1):
        where = f"{place} polygon {n}"
        obj = json_object(raw, where)
        vertices = json_list(obj.get("polygon"), f"{where}: polygon")
        if len(vertices) < 3:
            raise InputError(f"{where}: {len(vertices)} vertices, a polygon needs 3")
        polygons.append(
            FencePolygon(
                tuple(json_pair(v, f"{where} vertex {k}") for k, v in enumerate(vertices, 1)),
                inclusion=_flag(obj.get("inclusion", True), f"{where}: inclusion"),
            )
        )
    for n, raw in enumerate(json_list(fence.get("circles", []), f"{place} circles"), 1):
        where = f"{place} circle {n}"
        obj = json_object(raw, where)
        circle = json_object(obj.get("circle"), f"{where}: circle")
        radius_m = json_number(circle.get("radius"), f"{where}: radius")
        if not (math.isfinite(radius_m) and radius_m > 0):
            raise InputError(f"{where}: radius {radius_m} m is not a radius")
        centre = json_pair(circle.get("center"), f"{where}: center")
        inclusion = _flag(obj.get("inclusion", True), f"{where}: inclusion")
        circles.append(FenceCircle(centre, radius_m, inclusion=inclusion))
    return Fence(tuple(polygons), tuple(circles))


def _named(fence: Fence, value: object, place: str) -> Fence:
    """The fence with the names Coastwatch wrote beside it (QGroundControl has none)."""
    if value is None:
        return fence
    names = json_object(value, place)
    polygons = [str(n) for n in json_list(names.get("polygons", []), place)]
    circles = [str(n) for n in json_list(names.get("circles", []), place)]
    if len(polygons) != len(fence.polygons) or len(circles) != len(fence.circles):
        raise InputError(f"{place}: not one name per fence polygon and circle")
    return Fence(
        tuple(
            FencePolygon(p.vertices, p.inclusion, n)
            for p, n in zip(fence.polygons, polygons, strict=True)
        ),
        tuple(
            FenceCircle(c.centre, c.radius_m, c.inclusion, n)
            for c, n in zip(fence.circles, circles, strict=True)
        ),
    )


def _rally(value: object, place: str) -> tuple[Point, ...]:
    if value is None:
        return ()
    rally = json_object(value, place)
    _version(rally, 2, place)
    points = json_list(rally.get("points", []), f"{place} points")
    triples = (json_triple(p, f"{place} point {n}") for n, p in enumerate(points, 1))
    return tuple(Point(lat, lon, 0.0 if math.isnan(alt) else alt) for lat, lon, alt in triples)


def _version(obj: dict[str, Any], expected: int, place: str) -> None:
    found = obj.get("version")
    if found != expected or isinstance(found, bool):
        raise InputError(f"{place} version {_short(found)}: only version {expected} is read")


def _flag(value: object, place: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(f"{place}: {_short(value)} is not true or false")
    return value


def _speed(mission: dict[str, Any], key: str, default: float, source: str) -> float:
    speed = json_number(mission.get(key, default), f"{source}: {key}")
    if not (math.isfinite(speed) and speed > 0):
        raise InputError(f"{source}: {key} {speed} m/s is not a speed")
    return speed


def _record(cls: Any, value: object, place: str) -> Any:
    """A dataclass of numbers (Limits, PlanStats) from the object Coastwatch wrote, or None."""
    if value is None:
        return None
    fields = json_object(value, place)
    for key, number in fields.items():
        if number is not None:
            json_number(number, f"{place} {key}")
    try:
        return cls(**fields)
    except TypeError:
        raise InputError(f"{place}: not the fields of {cls.__name__}") from None


def _start(value: object, source: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"{source}: coastwatch planned_start is not a time")
    return parse_time(value, f"{source}: coastwatch planned_start")


def _short(value: object) -> str:
    """A value for a message, cut short (it comes from an untrusted file)."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")
