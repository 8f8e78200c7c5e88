"""QGroundControl's survey complex item both ways: a :class:`Survey` is written as the
``"complexItemType": "survey"`` object QGroundControl 4.x saves (version 5, its
``TransectStyleComplexItem`` version 2 with ``CameraCalc`` version 2 and the expanded
``Items``), and read back from one.

The model keeps the area, the camera, the altitude, the overlaps, the angle, the turnaround
and the items; every other key of the file (entry location, terrain settings, hover and
capture...) is kept in ``Survey.extra`` with the file's nesting, and merged back on writing,
so a file QGroundControl wrote is written back as it was. What the writer derives itself
(the footprints, the GSD, the transect points) is left out of ``extra`` when the file holds
just that value, so a survey read and written again compares equal.
"""

from __future__ import annotations

import copy
import math
from typing import Any

from drone_ops.plan import Camera, Cmd, MissionItem, Survey
from drone_ops.qgc_items import (
    json_list,
    json_number,
    json_object,
    json_pair,
    simple_item,
    simple_json,
)
from surveillance.errors import InputError

__all__ = ["survey_element", "survey_json"]

_TRANSECT = "TransectStyleComplexItem"
_CAMERA = "CameraCalc"
#: what the model holds of each level of the object (the rest goes to ``extra``)
_MODELLED = {"type", "complexItemType", "polygon", "angle"}
_MODELLED_TRANSECT = {"Items", "TurnAroundDistance"}
_CAMERA_KEYS = {
    "CameraName": "name",
    "SensorWidth": "sensor_width_mm",
    "SensorHeight": "sensor_height_mm",
    "ImageWidth": "image_width_px",
    "ImageHeight": "image_height_px",
    "FocalLength": "focal_length_mm",
    "Landscape": "landscape",
}
_MODELLED_CAMERA = set(_CAMERA_KEYS) | {"DistanceToSurface", "FrontalOverlap", "SideOverlap"}
_VERSIONS = (4, 5)  # earlier surveys carry no items: QGroundControl lays them again


def survey_json(survey: Survey, jump_id: int) -> dict[str, Any]:
    """The complex item of ``survey``; its items numbered from ``jump_id``."""
    items = [
        simple_json(item, jump_id + n, altitude_keys=False) for n, item in enumerate(survey.items)
    ]
    modelled = {
        "type": "ComplexItem",
        "complexItemType": "survey",
        "polygon": [[lat, lon] for lat, lon in survey.polygon],
        "angle": survey.angle_deg,
        _TRANSECT: {
            "Items": items,
            "TurnAroundDistance": survey.turnaround_m,
            _CAMERA: {
                **{key: getattr(survey.camera, name) for key, name in _CAMERA_KEYS.items()},
                "DistanceToSurface": survey.altitude_m,
                "FrontalOverlap": survey.front_overlap_pct,
                "SideOverlap": survey.side_overlap_pct,
            },
        },
    }
    return _merge(_merge(_derived(survey), dict(survey.extra)), modelled)


def survey_element(obj: dict[str, Any], place: str) -> Survey:
    """The :class:`Survey` in a complex item object (refused when it is not a survey of a
    version that carries its items)."""
    kind = obj.get("complexItemType")
    if kind != "survey":
        raise InputError(f"{place}: complex item {str(kind)[:40]!r} is not read (only survey)")
    version = obj.get("version")
    if version not in _VERSIONS or isinstance(version, bool):
        raise InputError(
            f"{place}: survey version {str(version)[:20]}: only versions 4 and 5 are read"
        )
    transect = obj.get(_TRANSECT)
    if not isinstance(transect, dict) or not transect.get("Items"):
        raise InputError(f"{place}: a survey complex item without its items")
    raw_items = json_list(transect["Items"], f"{place}: Items")
    items = tuple(
        simple_item(raw, f"{place} (survey) item {n}") for n, raw in enumerate(raw_items, 1)
    )
    polygon = json_list(obj.get("polygon"), f"{place}: polygon")
    if len(polygon) < 3:
        raise InputError(f"{place}: the survey polygon has {len(polygon)} vertices, not 3 or more")
    calc = json_object(transect.get(_CAMERA, {}), f"{place}: {_CAMERA}")
    survey = Survey(
        polygon=tuple(
            json_pair(v, f"{place}: polygon vertex {n}") for n, v in enumerate(polygon, 1)
        ),
        camera=_camera(calc, place),
        altitude_m=_number(calc, "DistanceToSurface", _first_alt(items), place),
        front_overlap_pct=_number(calc, "FrontalOverlap", 70.0, place),
        side_overlap_pct=_number(calc, "SideOverlap", 70.0, place),
        angle_deg=_number(obj, "angle", 0.0, place),
        turnaround_m=_number(transect, "TurnAroundDistance", 10.0, place),
        items=items,
    )
    rest = {k: v for k, v in obj.items() if k not in _MODELLED}
    rest[_TRANSECT] = {k: v for k, v in transect.items() if k not in _MODELLED_TRANSECT}
    rest[_TRANSECT][_CAMERA] = {k: v for k, v in calc.items() if k not in _MODELLED_CAMERA}
    extra = _pruned(copy.deepcopy(rest), _derived(survey))
    return Survey(**{**survey.__dict__, "extra": extra})


def _derived(survey: Survey) -> dict[str, Any]:
    """What QGroundControl expects beside the modelled values, worked out from them: the
    ground sampling distance and footprints of the camera at the altitude, the transect
    points (the waypoints of the grid), the survey's own settings at QGroundControl's
    defaults."""
    cam = survey.camera
    gsd_across_m = (
        survey.altitude_m * cam.sensor_width_mm / (cam.focal_length_mm * cam.image_width_px)
    )
    gsd_along_m = (
        survey.altitude_m * cam.sensor_height_mm / (cam.focal_length_mm * cam.image_height_px)
    )
    side_m, front_m = cam.image_width_px * gsd_across_m, cam.image_height_px * gsd_along_m
    if not cam.landscape:
        side_m, front_m = front_m, side_m
    points = [
        [i.lat, i.lon] for i in survey.items if i.has_position and i.command == Cmd.NAV_WAYPOINT
    ]
    return {
        "version": 5,
        "entryLocation": 0,
        "flyAlternateTransects": False,
        "splitConcavePolygons": False,
        _TRANSECT: {
            "version": 2,
            "CameraShots": 0,  # QGroundControl counts them again when it is 0
            "CameraTriggerInTurnAround": True,
            "HoverAndCapture": False,
            "Refly90Degrees": False,
            "VisualTransectPoints": points,
            _CAMERA: {
                "version": 2,
                "AdjustedFootprintFrontal": front_m * (1 - survey.front_overlap_pct / 100),
                "AdjustedFootprintSide": side_m * (1 - survey.side_overlap_pct / 100),
                "DistanceMode": 1,  # above home
                "FixedOrientation": False,
                "ImageDensity": max(gsd_across_m, gsd_along_m) * 100,
                "MinTriggerInterval": 0,
                "ValueSetIsDistance": True,
            },
        },
    }


def _merge(under: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    """``under`` with ``over`` on top, object by object."""
    out = dict(under)
    for key, value in over.items():
        below = out.get(key)
        both = isinstance(below, dict) and isinstance(value, dict)
        out[key] = _merge(below, value) if both else value  # type: ignore[arg-type]
    return out


def _pruned(found: dict[str, Any], derived: dict[str, Any]) -> dict[str, Any]:
    """``found`` without what equals ``derived`` (nested objects left empty go too)."""
    out: dict[str, Any] = {}
    for key, value in found.items():
        mine = derived.get(key)
        if isinstance(value, dict) and isinstance(mine, dict):
            value = _pruned(value, mine)
            if not value:
                continue
        elif key in derived and value == mine:
            continue
        out[key] = value
    return out


def _camera(calc: dict[str, Any], place: str) -> Camera:
    """The camera CameraCalc names; QGroundControl's manual camera (no specs) keeps the
    generic camera's figures."""
    given: dict[str, Any] = {}
    for key, name in _CAMERA_KEYS.items():
        if key not in calc:
            continue
        value = calc[key]
        if name == "name":
            given[name] = str(value)
        elif name == "landscape":
            if not isinstance(value, bool):
                raise InputError(f"{place}: {_CAMERA} Landscape is not true or false")
            given[name] = value
        else:
            number = json_number(value, f"{place}: {_CAMERA} {key}")
            if not (math.isfinite(number) and number > 0):
                raise InputError(f"{place}: {_CAMERA} {key} {number:g} is not a size")
            given[name] = int(number) if name.endswith("_px") else number
    return Camera(**given)


def _number(obj: dict[str, Any], key: str, default: float, place: str) -> float:
    value = json_number(obj.get(key, default), f"{place}: {key}")
    if not math.isfinite(value):
        raise InputError(f"{place}: {key} is not a finite number")
    return value


def _first_alt(items: tuple[MissionItem, ...]) -> float:
    return next((i.z for i in items if i.has_position), 0.0)
