"""The area of a report: a box or GeoJSON polygons in lon/lat, checked; and the map's box."""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING

import shapely

from surveillance.errors import InputError
from surveillance.uploads import polygons

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.store import BBox

__all__ = ["parse_area", "check_area", "describe_bounds", "extent"]

_MAP_PADDING_DEG = 0.05


def parse_area(bbox: str | None = None, geojson: bytes | None = None) -> shapely.Geometry | None:
    """The area of a report from a box ``"west,south,east,north"`` (degrees) or from GeoJSON
    (a Polygon, MultiPolygon, or a Feature or FeatureCollection of them, merged); None when
    neither is given. Anything else is an InputError that says what is wrong.

    >>> parse_area(bbox="129,33,131.5,35").bounds
    (129.0, 33.0, 131.5, 35.0)
    """
    if bbox is not None and geojson is not None:
        raise InputError("give the area as a bounding box or as GeoJSON, not both")
    if bbox is not None:
        return check_area(_parse_bbox(bbox))
    if geojson is not None:
        return check_area(_parse_geojson(geojson))
    return None


def _parse_bbox(text: str) -> shapely.Geometry:
    usage = "a bounding box is west,south,east,north in degrees, e.g. 129,33,131.5,35"
    parts = text.split(",")
    if len(parts) != 4:
        raise InputError(f"not a bounding box: {text!r}", hint=usage)
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"not a bounding box (numbers wanted): {text!r}", hint=usage) from None
    if not all(map(math.isfinite, (west, south, east, north))):
        raise InputError(f"not a bounding box (finite numbers wanted): {text!r}", hint=usage)
    if west >= east or south >= north:
        raise InputError(
            f"bounding box {text!r} is empty or inverted: west must be less than east and "
            "south less than north",
            hint=usage,
        )
    return shapely.box(west, south, east, north)


def _parse_geojson(data: bytes) -> shapely.Geometry:
    return shapely.union_all(polygons(data, "the area"))


def check_area(area: shapely.Geometry) -> shapely.Geometry:
    """The area as it is, if it is a usable polygon in lon/lat; else an InputError."""
    if not isinstance(area, shapely.Polygon | shapely.MultiPolygon):
        raise InputError(f"the area must be a polygon, not a {area.geom_type}")
    if area.is_empty:
        raise InputError("the area is empty")
    west, south, east, north = area.bounds
    if not all(map(math.isfinite, area.bounds)):
        raise InputError("the area has coordinates that are not numbers")
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise InputError(
            f"the area reaches outside -180..180 E, -90..90 N: {describe_bounds(area.bounds)}",
            hint="coordinates are longitude, latitude in degrees (EPSG:4326)",
        )
    if not area.is_valid:
        raise InputError(f"the area is not a valid polygon: {shapely.is_valid_reason(area)}")
    return area


def describe_bounds(bounds: Iterable[float]) -> str:
    """``129.0000 to 131.5000 E, 33.0000 to 35.0000 N`` for (west, south, east, north)."""
    west, south, east, north = bounds
    return f"{west:.4f} to {east:.4f} E, {south:.4f} to {north:.4f} N"


def extent(alerts: gpd.GeoDataFrame, area: shapely.Geometry | None) -> BBox | None:
    """The map's box: the area, else the alerts' extent, padded; None with neither."""
    if area is not None:
        west, south, east, north = area.bounds
    elif len(alerts):
        west, south, east, north = alerts.total_bounds
    else:
        return None
    pad = max(_MAP_PADDING_DEG, 0.05 * max(east - west, north - south))
    return (
        max(-180.0, west - pad),
        max(-90.0, south - pad),
        min(180.0, east + pad),
        min(90.0, north + pad),
    )
