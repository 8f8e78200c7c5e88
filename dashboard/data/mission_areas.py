"""The areas and points a person gives the Missions page to plan from: a GeoJSON polygon
uploaded (size-limited, checked), vertices or a point typed as "lat, lon", and the default
home, the nearest point of the coast. Each refusal is one line naming the file or line."""

from __future__ import annotations

import json
import math
from typing import Any

import shapely

from drone_ops.plan import Point
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M
from surveillance.store import Store

__all__ = [
    "MAX_AREA_BYTES",
    "area_from_geojson",
    "area_from_lines",
    "nearest_coast",
    "point_from_text",
]

#: The largest GeoJSON area file the page reads (an area is a few vertices, not a coast).
MAX_AREA_BYTES = 1_000_000
_MAX_VERTICES = 2000
_MIN_AREA_M2 = 100.0
_COAST_SEARCH_DEG = 1.0  # how far around the target the coast is looked for


def _lat_lon(text: str, where: str) -> tuple[float, float]:
    """One "lat, lon" pair in degrees, checked for range."""
    parts = [p for p in text.replace(";", ",").replace(",", " ").split() if p]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"{where}: not 'lat, lon' in degrees: {text.strip()[:40]!r}") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or not (math.isfinite(lat + lon)):
        raise InputError(f"{where}: {lat}, {lon} is not a latitude and a longitude")
    return lat, lon


def point_from_text(text: str, where: str = "the point") -> Point:
    """A point typed as "lat, lon" (degrees)."""
    return Point(*_lat_lon(text, where))


def _checked(polygon: shapely.Polygon, where: str) -> shapely.Polygon:
    """An area to survey: a valid polygon in lon/lat, not a sliver."""
    if len(polygon.exterior.coords) - 1 > _MAX_VERTICES:
        raise InputError(f"{where}: more than {_MAX_VERTICES} vertices")
    west, south, east, north = polygon.bounds
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise InputError(f"{where}: coordinates outside lon -180..180, lat -90..90")
    if not polygon.is_valid:
        raise InputError(
            f"{where}: the polygon crosses itself ({shapely.is_valid_reason(polygon)})"
        )
    lat = math.radians((south + north) / 2)
    area_m2 = abs(polygon.area) * DEG_M**2 * math.cos(lat)
    if area_m2 < _MIN_AREA_M2:
        raise InputError(f"{where}: the area is under {_MIN_AREA_M2:.0f} m²")
    return shapely.Polygon(polygon.exterior.coords)  # the outline: holes are not surveyed


def area_from_lines(text: str) -> shapely.Polygon:
    """An area typed (or drawn) as one "lat, lon" vertex per line, at least three."""
    lines = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip()]
    vertices = [_lat_lon(line, f"vertex line {n}") for n, line in lines]
    if len(vertices) < 3:
        raise InputError("the area needs at least three 'lat, lon' lines")
    return _checked(shapely.Polygon([(lon, lat) for lat, lon in vertices]), "the typed area")


def _first_polygon(data: Any, where: str) -> shapely.Polygon:
    """The polygon of a GeoJSON geometry, feature or collection (the first one found)."""
    if not isinstance(data, dict):
        raise InputError(f"{where}: not a GeoJSON object")
    kind = data.get("type")
    if kind == "FeatureCollection":
        features = data.get("features") or []
        for feature in features if isinstance(features, list) else []:
            geometry = feature.get("geometry") if isinstance(feature, dict) else None
            if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
                return _first_polygon(geometry, where)
        raise InputError(f"{where}: no polygon among its features")
    if kind == "Feature":
        return _first_polygon(data.get("geometry"), where)
    if kind not in ("Polygon", "MultiPolygon"):
        raise InputError(f"{where}: a {kind or 'typeless'} object, not a polygon")
    try:
        shape = shapely.geometry.shape(data)
    except (ValueError, TypeError, IndexError, AttributeError) as error:
        raise InputError(f"{where}: broken {kind} coordinates ({error})") from None
    if isinstance(shape, shapely.MultiPolygon):
        if len(shape.geoms) != 1:
            raise InputError(f"{where}: {len(shape.geoms)} polygons; give one area")
        shape = shape.geoms[0]
    if shape.is_empty:
        raise InputError(f"{where}: an empty polygon")
    return shape


def area_from_geojson(data: bytes, name: str = "the GeoJSON file") -> shapely.Polygon:
    """The area of an uploaded GeoJSON file (a Polygon, or a collection's first polygon),
    refused with a one-line reason when it is too large, not JSON or not a usable area."""
    if len(data) > MAX_AREA_BYTES:
        raise InputError(f"{name}: larger than {MAX_AREA_BYTES // 1000} kB")
    try:
        parsed = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(f"{name}: not GeoJSON ({error})") from None
    return _checked(_first_polygon(parsed, name), name)


def nearest_coast(store: Store, aoi: str, lon: float, lat: float) -> Point | None:
    """The point of the coastline (the area's land outline) nearest to (lon, lat): where a
    drone launches by default; None when no land is within a degree."""
    box = (lon - _COAST_SEARCH_DEG, lat - _COAST_SEARCH_DEG)
    bbox = (*box, lon + _COAST_SEARCH_DEG, lat + _COAST_SEARCH_DEG)
    land = store.zones(kinds=("land",), bbox=bbox, aoi=aoi)
    if land.empty:
        return None
    target = shapely.Point(lon, lat)
    coast = shapely.union_all(shapely.boundary(land.geometry.to_numpy()))
    near = shapely.ops.nearest_points(coast, target)[0]
    return Point(round(near.y, 6), round(near.x, 6))
