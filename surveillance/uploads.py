"""Files that come from outside, checked at the edge: uploaded to the dashboard or named on the
command line (GeoJSON areas and no-fly zones, plan files, sighting photos).

Each kind has a size limit, refused before the file is read whole; GeoJSON must hold
polygons in lon/lat, with finite coordinates, not too many vertices, valid rings and some
area; a photo must be the image type its name claims, and Pillow must verify it. Every
refusal is an :class:`~surveillance.errors.InputError` that starts with the file's name and
says what was wrong, in one line.

>>> polygons(b'{"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]}')[0].area
0.5
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import shapely

from surveillance.errors import InputError

__all__ = [
    "LIMIT_BYTES",
    "MAX_UPLOAD_BYTES",
    "MAX_VERTICES",
    "MAX_PHOTO_PIXELS",
    "PHOTO_FORMATS",
    "check_size",
    "read_file",
    "polygons",
    "check_photo",
]

_MB = 1024 * 1024

#: The largest file of each kind that is read (an area is a few vertices, not a coastline;
#: a QGroundControl plan of a long survey runs to a few MB).
LIMIT_BYTES = {"geojson": 5 * _MB, "photo": 10 * _MB, "plan": 32 * _MB}
#: What the dashboard accepts at all (Streamlit's ``server.maxUploadSize``): its largest kind.
MAX_UPLOAD_BYTES = max(LIMIT_BYTES["geojson"], LIMIT_BYTES["photo"])
#: The vertices of all the polygons of one GeoJSON file.
MAX_VERTICES = 100_000
#: A photo's width times height: past it, decoding could take the memory of the machine.
MAX_PHOTO_PIXELS = 50_000_000
#: Photo formats by what the bytes are (Pillow's names), and the suffixes that claim them.
PHOTO_FORMATS = {"JPEG": (".jpg", ".jpeg"), "PNG": (".png",)}

_POLYGONAL = ("Polygon", "MultiPolygon")


def _size(n: int) -> str:
    return f"{n / _MB:.1f} MB" if n >= _MB else f"{n / 1024:.0f} kB"


def check_size(size: int, kind: str, name: str) -> None:
    """Refuse a file of ``kind`` (a key of :data:`LIMIT_BYTES`) of ``size`` bytes if too big."""
    limit = LIMIT_BYTES[kind]
    if size > limit:
        raise InputError(
            f"{name}: {_size(size)}, larger than the {_size(limit)} a {kind} file may be"
        )


def read_file(path: Path, kind: str) -> bytes:
    """The bytes of a file named on the command line, its size checked before it is read."""
    try:
        check_size(path.stat().st_size, kind, str(path))
        with path.open("rb") as stream:
            data = stream.read(LIMIT_BYTES[kind] + 1)  # a file that grows while read
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    check_size(len(data), kind, str(path))
    return data


# -- GeoJSON -------------------------------------------------------------------------------


def _no_constant(word: str) -> float:
    raise ValueError(f"{word} is not a number in JSON")


def _document(data: bytes, name: str) -> dict[str, Any]:
    check_size(len(data), "geojson", name)
    try:
        document = json.loads(data, parse_constant=_no_constant)
    except RecursionError:
        raise InputError(f"{name}: not GeoJSON (nested too deeply)") from None
    except (ValueError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: not GeoJSON ({error})") from None
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise InputError(f"{name}: not GeoJSON (no object with a type)")
    _check_crs(document, name)
    return document


def _check_crs(document: dict[str, Any], name: str) -> None:
    """RFC 7946 has no ``crs`` member; an old-style one must still say WGS 84 lon/lat."""
    crs = document.get("crs")
    if crs is None:
        return
    said = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    if not (said.endswith("CRS84") or said.endswith("4326")):
        raise InputError(
            f"{name}: the GeoJSON is in {said[:60] or 'an unknown CRS'}",
            hint="give it in WGS 84 longitude/latitude (EPSG:4326), as RFC 7946 wants",
        )


def _geometries(document: dict[str, Any], name: str) -> Iterator[dict[str, Any]]:
    """The polygonal geometries of a geometry, a Feature or a FeatureCollection."""
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise InputError(f"{name}: a FeatureCollection with no features")
        for n, feature in enumerate(features, 1):
            if not isinstance(feature, dict) or feature.get("type") != "Feature":
                raise InputError(f"{name}: item {n} of the FeatureCollection is not a Feature")
            yield from _geometries(feature, f"{name}: feature {n}")
        return
    if kind == "Feature":
        geometry = document.get("geometry")
        if not isinstance(geometry, dict) or not isinstance(geometry.get("type"), str):
            raise InputError(f"{name}: a Feature with no geometry")
        document, kind = geometry, geometry["type"]
    if kind not in _POLYGONAL:
        raise InputError(f"{name}: a Polygon or MultiPolygon is wanted, not a {kind[:40]}")
    yield document


def _position(value: Any) -> tuple[float, float]:
    """A GeoJSON position's lon and lat, or ValueError saying what is wrong with it."""
    if not isinstance(value, list) or len(value) not in (2, 3):
        raise ValueError("a position is two or three numbers")
    lon, lat = value[0], value[1]
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value):
        raise ValueError("a position is two or three numbers")
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise ValueError(f"coordinates that are not finite numbers ({lon}, {lat})")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise ValueError(f"lon {lon}, lat {lat} is outside lon -180..180, lat -90..90")
    return float(lon), float(lat)


def _rings(coordinates: Any, kind: str) -> list[list[Any]]:
    """The polygons (each a list of rings) of a geometry's coordinates, by shape only."""
    parts = [coordinates] if kind == "Polygon" else coordinates
    if not isinstance(parts, list) or not all(
        isinstance(p, list) and p and all(isinstance(r, list) for r in p) for p in parts
    ):
        raise ValueError(f"a {kind}'s coordinates are lists of rings of positions")
    return parts


def polygons(data: bytes, name: str = "the GeoJSON") -> list[shapely.Polygon]:
    """The polygons of a GeoJSON document (a Polygon or MultiPolygon, a Feature of one, or a
    FeatureCollection of them), each checked; ``name`` names the file in refusals."""
    found: list[shapely.Polygon] = []
    vertices = 0
    for geometry in _geometries(_document(data, name), name):
        try:
            parts = _rings(geometry.get("coordinates"), geometry["type"])
            vertices += sum(len(ring) for part in parts for ring in part)
            if vertices > MAX_VERTICES:
                raise InputError(f"{name}: more than {MAX_VERTICES:,} vertices")
            for part in parts:
                shell, *holes = ([_position(p) for p in ring] for ring in part)
                found.append(shapely.Polygon(shell, holes))
        except (ValueError, shapely.errors.ShapelyError) as error:
            n = len(found) + 1
            raise InputError(f"{name}: polygon {n} is broken: {error}") from None
    if not found:
        raise InputError(f"{name}: holds no polygon")
    for n, polygon in enumerate(found, 1):
        if polygon.is_empty:
            raise InputError(f"{name}: polygon {n} is empty")
        if not polygon.is_valid:
            raise InputError(
                f"{name}: polygon {n} is not valid: {shapely.is_valid_reason(polygon)}",
                hint="rings must not cross themselves or each other; QGIS's Fix Geometries "
                "or shapely.make_valid repair them",
            )
        if polygon.area == 0.0:
            raise InputError(f"{name}: polygon {n} is empty (it has no area)")
    return found


# -- photos --------------------------------------------------------------------------------


def check_photo(data: bytes, name: str) -> str:
    """The format (``JPEG`` or ``PNG``) of a photo, checked: within the size limit, the type
    its name's suffix claims (when it has one), of a sane pixel count, and whole (Pillow's
    ``verify``)."""
    from PIL import Image, UnidentifiedImageError

    check_size(len(data), "photo", name)
    suffix = Path(name).suffix.lower()
    try:
        with Image.open(io.BytesIO(data)) as image:
            fmt = str(image.format)
            if fmt not in PHOTO_FORMATS:
                raise InputError(f"{name}: a {fmt} image; a photo is a JPEG or a PNG")
            if suffix and suffix not in PHOTO_FORMATS[fmt]:
                raise InputError(f"{name}: named {suffix} but the bytes are a {fmt} image")
            width, height = image.size
            if width * height > MAX_PHOTO_PIXELS:
                raise InputError(
                    f"{name}: {width} x {height} pixels, more than the "
                    f"{MAX_PHOTO_PIXELS // 1_000_000} million a photo may have"
                )
            image.verify()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise InputError(f"{name}: not a whole JPEG or PNG image ({error})") from None
    except Image.DecompressionBombError as error:
        raise InputError(f"{name}: {error}") from None
    return fmt
