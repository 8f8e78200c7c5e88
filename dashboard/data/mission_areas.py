"""The areas and points a person gives the Missions page to plan from: a GeoJSON polygon
uploaded (size-limited, checked), vertices or a point typed as "lat, lon", and the default
home, the nearest point of the coast. Each refusal is one line naming the file or line."""

from __future__ import annotations

import math

import shapely

from drone_ops.plan import Point
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M
from surveillance.store import Store
from surveillance.uploads import polygons

__all__ = [
    "area_from_geojson",
    "area_from_lines",
    "nearest_coast",
    "point_from_text",
]

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


def area_from_geojson(data: bytes, name: str = "the GeoJSON file") -> shapely.Polygon:
    """The area of an uploaded GeoJSON file (its first polygon; the file checked by
    ``surveillance.uploads.polygons``), refused with a one-line reason."""
    return _checked(polygons(data, name)[0], name)


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
