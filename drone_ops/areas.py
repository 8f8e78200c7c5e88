"""Areas from GeoJSON files: the survey area and configured no-fly zones.

A file may hold a Polygon or MultiPolygon geometry, a Feature of one, or a FeatureCollection
of them (lon/lat, RFC 7946). Anything else, or a broken ring, is refused with the file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, shape

from drone_ops.plan import FencePolygon
from surveillance.errors import InputError

__all__ = ["read_area", "read_no_fly"]


def _geometries(document: Any, path: Path) -> list[Any]:
    kind = document.get("type") if isinstance(document, dict) else None
    if kind == "FeatureCollection":
        return [g for f in document.get("features") or [] for g in _geometries(f, path)]
    if kind == "Feature":
        return _geometries(document.get("geometry"), path)
    if kind in ("Polygon", "MultiPolygon"):
        return [document]
    raise InputError(
        f"{path}: expected a Polygon or MultiPolygon (or Features of them), found {kind!r}"
    )


def read_area(path: Path) -> Polygon | MultiPolygon:
    """The polygon(s) of a GeoJSON file, validated: lon/lat, closed, valid rings."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise InputError(f"{path}: not GeoJSON ({error})") from error
    parts: list[Polygon] = []
    for geometry in _geometries(document, path):
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, KeyError, IndexError, AttributeError) as error:
            raise InputError(f"{path}: a broken {geometry.get('type')}: {error}") from error
        parts += list(geom.geoms) if isinstance(geom, MultiPolygon) else [geom]
    if not parts:
        raise InputError(f"{path}: holds no polygon")
    for n, part in enumerate(parts, 1):
        west, south, east, north = part.bounds if not part.is_empty else (0, 0, 0, 0)
        if not (-180 <= west <= east <= 180 and -90 <= south <= north <= 90):
            raise InputError(f"{path}: polygon {n} is not in lon/lat degrees")
        if not part.is_empty and not part.is_valid:
            raise InputError(f"{path}: polygon {n} is not valid: {shapely.is_valid_reason(part)}")
        if part.is_empty or part.area == 0.0:
            raise InputError(f"{path}: polygon {n} is empty")
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
