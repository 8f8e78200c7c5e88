"""A plan as a briefing for maps: GeoJSON (RFC 7946) and KML (Google Earth), written only.

Both hold the same features: home (its altitude above mean sea level a property), the route
(a line from home, at 0 m, through every item with a position, altitudes in metres as the
items give them: above home for the usual frames), the waypoints with their command names,
each survey's area, the geofence (polygons, and circles as 72-sided polygons with their
radius) and the rally points; the plan's name, kind and statistics ride on the route, and
each feature says its ``role``. Names and notes come from operators and files: in KML they
are element text (escaped by ElementTree) and, in the HTML balloon, escaped once more, so
they always show as the text they are.
"""

from __future__ import annotations

import html
import json
import math
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import asdict
from typing import Any

import shapely

from drone_ops.item_checks import known_commands
from drone_ops.plan import FenceCircle, Plan, Survey
from surveillance.geodesy import DEG_M
from surveillance.report.geojson import collection, feature

__all__ = ["geojson", "geojson_dumps", "kml_dumps"]

_CIRCLE_SIDES = 72
_KML = "http://www.opengis.net/kml/2.2"
#: what XML 1.0 cannot hold at all, even escaped (control characters)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_STYLES = {  # KML colours are aabbggrr
    "route": ("ff00a5ff", "00000000"),
    "survey": ("ffffff00", "4dffff00"),
    "no_fly": ("ff0000ff", "4d0000ff"),
    "stay_inside": ("ff00ff00", "1a00ff00"),
}


def geojson(plan: Plan) -> dict[str, Any]:
    """The briefing as a GeoJSON FeatureCollection, the plan's facts also at its top level."""
    features = [
        feature(f"{role}-{n}", shape, {"role": role} | props)
        for n, (role, shape, props) in enumerate(_shapes(plan))
    ]
    return {**collection(features), "name": plan.name, "kind": plan.kind, "stats": _stats(plan)}


def geojson_dumps(plan: Plan) -> str:
    """The text of a ``.geojson`` briefing."""
    return json.dumps(geojson(plan), ensure_ascii=False, allow_nan=False) + "\n"


def kml_dumps(plan: Plan) -> str:
    """The text of a ``.kml`` briefing: a folder per kind of feature, a styled placemark each."""
    root = ET.Element("kml", xmlns=_KML)
    doc = ET.SubElement(root, "Document")
    _sub(doc, "name", plan.name or "mission")
    _sub(doc, "description", html.escape(_summary(plan)))
    for style_id, (line, fill) in _STYLES.items():
        style = ET.SubElement(doc, "Style", id=style_id)
        _sub(ET.SubElement(style, "LineStyle"), "color", line)
        _sub(ET.SubElement(style, "PolyStyle"), "color", fill)
    folders: dict[str, ET.Element] = {}
    for role, shape, props in _shapes(plan):
        if role not in folders:
            folders[role] = ET.SubElement(doc, "Folder")
            _sub(folders[role], "name", role.replace("_", " "))
        mark = ET.SubElement(folders[role], "Placemark")
        _sub(mark, "name", props["label"])
        about = _summary(plan) if role == "route" else _lines(props)
        _sub(mark, "description", html.escape(about))
        style_url = _style(role, props)
        if style_url:
            _sub(mark, "styleUrl", f"#{style_url}")
        _geometry(mark, shape)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _shapes(plan: Plan) -> Iterator[tuple[str, shapely.Geometry, dict[str, Any]]]:
    """Every feature of the briefing as (role, geometry in lon/lat, properties)."""
    home = plan.home
    yield "home", shapely.Point(home.lon, home.lat), {"label": "home", "alt_amsl_m": home.alt_m}
    route = [(home.lon, home.lat, 0.0)] + [(p.lon, p.lat, _alt(p.alt_m)) for p in plan.path()[1:]]
    if len(route) > 1:
        yield (
            "route",
            shapely.LineString(route),
            {
                "label": plan.name or "route",
                "name": plan.name,
                "kind": plan.kind,
                "stats": _stats(plan),
            },
        )
    names = known_commands()
    for seq, item in enumerate(plan.mission_items()):
        if item.has_position:
            command = names.get(item.command, str(item.command)).removeprefix("MAV_CMD_")
            props = {
                "label": f"{seq} {command}",
                "seq": seq,
                "command": command,
                "alt_m": _num(item.z),
            }
            yield "waypoints", shapely.Point(item.lon, item.lat, _alt(item.z)), props
    for n, survey in enumerate(e for e in plan.elements if isinstance(e, Survey)):
        yield (
            "survey_areas",
            shapely.Polygon([(lon, lat) for lat, lon in survey.polygon]),
            _survey(survey, n),
        )
    for polygon in plan.fence.polygons:
        props = _fence_props(polygon.name, polygon.inclusion)
        yield "geofence", shapely.Polygon([(lon, lat) for lat, lon in polygon.vertices]), props
    for circle in plan.fence.circles:
        props = _fence_props(circle.name, circle.inclusion) | {"radius_m": circle.radius_m}
        yield "geofence", _circle(circle), props
    for n, point in enumerate(plan.rally, 1):
        props = {"label": f"rally {n}", "alt_m": point.alt_m}
        yield "rally_points", shapely.Point(point.lon, point.lat, point.alt_m), props


def _survey(survey: Survey, n: int) -> dict[str, Any]:
    return {
        "label": f"survey {n + 1}",
        "altitude_m": survey.altitude_m,
        "front_overlap_pct": survey.front_overlap_pct,
        "side_overlap_pct": survey.side_overlap_pct,
        "angle_deg": survey.angle_deg,
        "camera": survey.camera.name,
        "items": len(survey.items),
    }


def _fence_props(name: str, inclusion: bool) -> dict[str, Any]:
    label = name or ("stay inside" if inclusion else "no-fly zone")
    return {"label": label, "name": name, "inclusion": inclusion}


def _circle(circle: FenceCircle) -> shapely.Polygon:
    """The circle as a polygon, offsets in metres on the local tangent plane."""
    lat, lon = circle.centre
    dlat = circle.radius_m / DEG_M
    dlon = dlat / max(math.cos(math.radians(lat)), 1e-6)
    steps = (2 * math.pi * k / _CIRCLE_SIDES for k in range(_CIRCLE_SIDES))
    return shapely.Polygon([(lon + dlon * math.sin(a), lat + dlat * math.cos(a)) for a in steps])


def _stats(plan: Plan) -> dict[str, Any] | None:
    return None if plan.stats is None else {k: _num(v) for k, v in asdict(plan.stats).items()}


def _summary(plan: Plan) -> str:
    lines = [f"{plan.kind} mission, {len(plan.mission_items())} items"]
    if plan.stats is not None:
        s = plan.stats
        lines.append(
            f"{s.distance_m / 1000:.2f} km, {s.flight_time_s / 60:.1f} min, "
            f"{s.area_m2 / 1e6:.3f} km2, {s.photo_count} photos"
            + ("" if s.gsd_cm is None else f", GSD {s.gsd_cm:.2f} cm")
        )
    return "\n".join(lines)


def _lines(props: dict[str, Any]) -> str:
    """The properties of a placemark as plain ``key: value`` lines."""
    return "\n".join(f"{k}: {v}" for k, v in props.items() if k != "label" and v is not None)


def _style(role: str, props: dict[str, Any]) -> str | None:
    if role == "geofence":
        return "stay_inside" if props["inclusion"] else "no_fly"
    return {"route": "route", "survey_areas": "survey"}.get(role)


def _geometry(mark: ET.Element, shape: shapely.Geometry) -> None:
    """A shapely point, line or polygon as KML (altitudes above the ground where given)."""
    if isinstance(shape, shapely.Point):
        node = ET.SubElement(mark, "Point")
        coords = [shape.coords[0]]
    elif isinstance(shape, shapely.LineString):
        node = ET.SubElement(mark, "LineString")
        coords = list(shape.coords)
    else:
        node = ET.SubElement(mark, "Polygon")
        ring = ET.SubElement(ET.SubElement(node, "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", _coords(list(shape.exterior.coords)))
        return
    _sub(node, "altitudeMode", "relativeToGround")
    _sub(node, "coordinates", _coords(coords))


def _coords(coords: list[tuple[float, ...]]) -> str:
    return " ".join(",".join(repr(float(v)) for v in c) for c in coords)


def _sub(parent: ET.Element, tag: str, text: str) -> ET.Element:
    node = ET.SubElement(parent, tag)
    node.text = _NOT_XML.sub("", text)
    return node


def _alt(alt_m: float) -> float:
    return 0.0 if math.isnan(alt_m) else alt_m


def _num(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value
