"""Areas from GeoJSON files: the survey area and configured no-fly zones.

A file may hold a Polygon or MultiPolygon geometry, a Feature of one, or a FeatureCollection
of them (lon/lat, RFC 7946). Anything else, or a broken ring, is refused with the file.
"""

from __future__ import annotations

from pathlib import Path

from shapely.geometry import MultiPolygon, Polygon

from drone_ops.plan import FencePolygon
from surveillance.uploads import polygons, read_file

__all__ = ["read_area", "read_no_fly"]


def read_area(path: Path) -> Polygon | MultiPolygon:
    """The polygon(s) of a GeoJSON file, checked (``surveillance.uploads.polygons``)."""
    parts = polygons(read_file(path, "geojson"), str(path))
    return parts[0] if len(parts) == 1 else MultiPolygon(parts)


def read_no_fly(path: Path) -> tuple[FencePolygon, ...]:
    """The polygons of a GeoJSON file as exclusion zones named for the file."""
    area = read_area(path)
    parts = list(area.geoms) if isinstance(area, MultiPolygon) else [area]
    return tuple(
        FencePolygon(
            tuple((lat, lon) for lon, lat in p.exterior.coords[:-1]),
            inclusion=False,
            name=f"{path.name} #{n}",
        )
        for n, p in enumerate(parts, 1)
    )
