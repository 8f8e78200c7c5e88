"""QGroundControl's ``.plan`` file (JSON): mission, geofence and rally points.

``document(plan)`` is the JSON object QGroundControl writes (file version 1, mission version
2, geofence and rally version 2); Coastwatch's own facts about a plan (its kind, the alert it
answers, its statistics) ride in a top-level ``coastwatch`` object that QGroundControl and
MAVSDK ignore. Coordinates are written as the doubles of the 1e-7 degree integers, so reading
a file back gives the same integers.
"""

from __future__ import annotations

import json
import math
from typing import Any

from drone_ops.plan import MissionItem, Plan, from_e7

__all__ = ["document", "dumps"]

_FIRMWARE = {"px4": 12, "ardupilot": 3, "generic": 0}
_VEHICLE = {"multirotor": 2, "fixed_wing": 1, "vtol": 20}


def dumps(plan: Plan) -> str:
    """The plan as the text of a ``.plan`` file."""
    return json.dumps(document(plan), indent=4, allow_nan=False) + "\n"


def document(plan: Plan) -> dict[str, Any]:
    """The plan as QGroundControl's JSON object."""
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
            "items": [_simple(item, n) for n, item in enumerate(plan.mission_items(), 1)],
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
        "coastwatch": {"name": plan.name, "kind": plan.kind, **dict(plan.meta)},
    }


def _simple(item: MissionItem, jump_id: int) -> dict[str, Any]:
    """One ``SimpleItem``: params 1..7 with NaN as null, x/y as degrees when a position."""
    x, y = (from_e7(item.x), from_e7(item.y)) if item.has_position else (item.x, item.y)
    params = [None if math.isnan(p) else p for p in item.params] + [x, y, item.z]
    return {
        "type": "SimpleItem",
        "autoContinue": item.autocontinue,
        "command": item.command,
        "doJumpId": jump_id,
        "frame": item.frame,
        "params": params,
        "AMSLAltAboveTerrain": None,
        "Altitude": item.z,
        "AltitudeMode": 1,
    }
