"""QGroundControl's ``SimpleItem`` both ways, and the checks of JSON values a ``.plan`` reader
makes (an object where one is due, numbers where numbers are due), shared by the plan and
its survey complex items.

A simple item's ``params`` are param1..7 (null for NaN): x and y as degrees in a global frame,
written as the doubles of the 1e-7 degree integers so that reading back gives the same ints.
"""

from __future__ import annotations

import math
from typing import Any

from drone_ops.item_checks import checked_item, checked_place
from drone_ops.plan import MissionItem, from_e7
from surveillance.errors import InputError

__all__ = [
    "json_list",
    "json_number",
    "json_object",
    "json_pair",
    "json_triple",
    "simple_item",
    "simple_json",
]


def simple_json(item: MissionItem, jump_id: int, *, altitude_keys: bool = True) -> dict[str, Any]:
    """One ``SimpleItem``: params 1..7 with NaN as null; with ``altitude_keys``, the altitude
    keys QGroundControl writes beside an item with a position (not inside a survey)."""
    x, y = (from_e7(item.x), from_e7(item.y)) if item.has_position else (item.x, item.y)
    out: dict[str, Any] = {
        "type": "SimpleItem",
        "autoContinue": item.autocontinue,
        "command": item.command,
        "doJumpId": jump_id,
        "frame": item.frame,
        "params": [_null(p) for p in item.params] + [x, y, _null(item.z)],
    }
    if altitude_keys and item.has_position:
        out |= {"AMSLAltAboveTerrain": None, "Altitude": _null(item.z), "AltitudeMode": 1}
    return out


def simple_item(value: object, place: str) -> MissionItem:
    """A ``SimpleItem`` object as a checked :class:`MissionItem`."""
    obj = json_object(value, place)
    if obj.get("type", "SimpleItem") != "SimpleItem":
        raise InputError(f"{place}: type {obj.get('type')!r} where a SimpleItem is due")
    params = json_list(obj.get("params"), f"{place}: params")
    if len(params) != 7:
        raise InputError(f"{place}: params has {len(params)} values, not 7")
    numbers = tuple(
        json_number(p, f"{place}: param{n}", null=True) for n, p in enumerate(params, 1)
    )
    autocontinue = obj.get("autoContinue", True)
    if not isinstance(autocontinue, bool):
        raise InputError(f"{place}: autoContinue is {autocontinue!r}, not true or false")
    command = json_number(obj.get("command"), f"{place}: command")
    frame = json_number(obj.get("frame"), f"{place}: frame")
    return checked_item(command, frame, numbers, autocontinue, place)  # type: ignore[arg-type]


def json_object(value: object, place: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise InputError(f"{place}: {_kind(value)} where an object is due")
    return value


def json_list(value: object, place: str) -> list[Any]:
    if not isinstance(value, list):
        raise InputError(f"{place}: {_kind(value)} where a list is due")
    return value


def json_number(value: object, place: str, *, null: bool = False) -> float:
    """A JSON number as a float; null as NaN where ``null`` allows it."""
    if value is None and null:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InputError(f"{place}: {_kind(value)} where a number is due")
    return float(value)


def json_pair(value: object, place: str) -> tuple[float, float]:
    """``[lat, lon]`` as a checked place."""
    values = json_list(value, place)
    if len(values) != 2:
        raise InputError(f"{place}: {len(values)} values where [lat, lon] is due")
    lat, lon = (json_number(v, place) for v in values)
    return checked_place(lat, lon, place)


def json_triple(value: object, place: str) -> tuple[float, float, float]:
    """``[lat, lon, alt]`` (alt may be null: NaN) as a checked place and a number."""
    values = json_list(value, place)
    if len(values) != 3:
        raise InputError(f"{place}: {len(values)} values where [lat, lon, alt] is due")
    lat, lon = json_pair(values[:2], place)
    return lat, lon, json_number(values[2], place, null=True)


def _null(value: float) -> float | None:
    return None if math.isnan(value) else value


def _kind(value: object) -> str:
    """What a JSON value is, for a message (never the value itself: it may be long)."""
    if value is None:
        return "nothing"
    names = {bool: "true/false", str: "text", list: "a list", dict: "an object"}
    return names.get(type(value), "a number")
