"""Files from outside, refused at the edge with hostile examples: too big, the wrong type,
self-intersecting, NaN or out-of-range coordinates, a million vertices, deep nesting,
truncated or disguised photos."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from surveillance.errors import InputError
from surveillance.uploads import (
    LIMIT_BYTES,
    MAX_UPLOAD_BYTES,
    MAX_VERTICES,
    check_photo,
    check_size,
    polygons,
    read_file,
)

SQUARE = [[[130.0, 33.0], [130.1, 33.0], [130.1, 33.1], [130.0, 33.1], [130.0, 33.0]]]


def geojson(document: Any) -> bytes:
    return json.dumps(document).encode()


def polygon(rings: Any) -> bytes:
    return geojson({"type": "Polygon", "coordinates": rings})


def refused(data: bytes, says: str) -> InputError:
    with pytest.raises(InputError, match=says) as caught:
        polygons(data, "bay.geojson")
    message = str(caught.value)
    assert message.startswith("bay.geojson: ") and "\n" not in message
    return caught.value


def picture(fmt: str, size: tuple[int, int] = (32, 24)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 80, 160)).save(out, format=fmt)
    return out.getvalue()


def test_a_polygon_in_each_wrapping_reads_as_its_polygons() -> None:
    feature = {"type": "Feature", "properties": {"name": "<b>x</b>"}, "geometry": None}
    feature["geometry"] = {"type": "MultiPolygon", "coordinates": [SQUARE, SQUARE]}
    collection = {"type": "FeatureCollection", "features": [feature]}
    assert [p.bounds for p in polygons(polygon(SQUARE))] == [(130.0, 33.0, 130.1, 33.1)]
    assert len(polygons(geojson(collection))) == 2


def test_a_file_larger_than_its_kind_allows_is_refused_before_parsing() -> None:
    huge = b" " * (LIMIT_BYTES["geojson"] + 1)
    refused(huge, "5.0 MB, larger than the 5.0 MB a geojson file may be")
    with pytest.raises(InputError, match="larger than the 10.0 MB a photo file may be"):
        check_size(LIMIT_BYTES["photo"] + 1, "photo", "hull.jpg")
    assert MAX_UPLOAD_BYTES == max(LIMIT_BYTES["geojson"], LIMIT_BYTES["photo"])


def test_a_file_on_disk_is_measured_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.geojson"
    with big.open("wb") as stream:
        stream.truncate(LIMIT_BYTES["geojson"] + 1)  # sparse: nothing read to refuse it
    with pytest.raises(InputError, match="big.geojson: .* larger than"):
        read_file(big, "geojson")
    with pytest.raises(InputError, match="cannot read .*missing.geojson"):
        read_file(tmp_path / "missing.geojson", "geojson")


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{not json", r"not GeoJSON \("),
        (b"\xff\xfe\x00", r"not GeoJSON \("),
        (b"[1, 2]", "no object with a type"),
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
        (geojson({"type": "Point", "coordinates": [130, 33]}), "not a Point"),
        (geojson({"type": "FeatureCollection", "features": []}), "no features"),
        (geojson({"type": "FeatureCollection", "features": [{"type": "Polygon"}]}), "item 1"),
        (geojson({"type": "Feature", "geometry": None}), "a Feature with no geometry"),
        (polygon("x"), "polygon 1 is broken"),
        (polygon([[[130, 33], [131, 33, 0, 0], [130, 34], [130, 33]]]), "two or three numbers"),
        (polygon([[[130, 33], [True, 33], [130, 34], [130, 33]]]), "two or three numbers"),
        (polygon([[[130, 33], [131, 34]]]), "at least 4 coordinates"),
        (polygon([[]]), "polygon 1 is empty"),
        (polygon([[[130, 33], [130, 33], [130, 33], [130, 33]]]), "Too few points"),
        (polygon([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]), "not valid: Self-intersection"),
        (polygon([[[400, 0], [401, 0], [401, 1], [400, 0]]]), "lon 400, lat 0 is outside"),
        (polygon([[[130, 33], [131, 95], [131, 33], [130, 33]]]), "lat 95 is outside"),
        (b'{"type": "Polygon", "coordinates": [[[0, 0], [NaN, 1], [1, 0], [0, 0]]]}', "NaN"),
        (b'{"type": "Polygon", "coordinates": [[[0, 0], [1e999, 1], [1, 0], [0, 0]]]}', "finite"),
        (
            geojson(
                {
                    "type": "Polygon",
                    "coordinates": SQUARE,
                    "crs": {"properties": {"name": "EPSG:3857"}},
                }
            ),
            "in EPSG:3857",
        ),
    ],
)
def test_hostile_geojson_is_refused_saying_what_is_wrong(data: bytes, says: str) -> None:
    refused(data, says)


def test_a_self_intersecting_ring_comes_with_a_way_to_repair_it() -> None:
    error = refused(polygon([[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]), "Self-intersection")
    assert error.hint is not None and "make_valid" in error.hint


def test_a_million_vertices_are_refused_by_count_not_parsed_into_a_polygon() -> None:
    ring = [[130 + i * 1e-7, 33.0] for i in range(MAX_VERTICES)] + [[130.0, 33.1], [130.0, 33.0]]
    refused(polygon([ring]), f"more than {MAX_VERTICES:,} vertices")
    million = b'{"type":"Polygon","coordinates":[[' + b"[0,0]," * 1_000_000 + b"[0,0]]]}"
    refused(million, "larger than")  # a million vertices do not fit in the size limit


def test_a_photo_of_the_type_its_name_claims_passes() -> None:
    assert check_photo(picture("JPEG"), "hull.jpg") == "JPEG"
    assert check_photo(picture("PNG"), "hull.PNG") == "PNG"
    assert check_photo(picture("PNG"), "upload") == "PNG"  # no suffix: the bytes decide


@pytest.mark.parametrize(
    ("data", "name", "says"),
    [
        (picture("GIF"), "hull.gif", "a GIF image; a photo is a JPEG or a PNG"),
        (picture("PNG"), "hull.jpg", "named .jpg but the bytes are a PNG image"),
        (picture("JPEG"), "hull.png", "named .png but the bytes are a JPEG image"),
        (b"<svg onload=alert(1)>", "hull.png", "not a whole JPEG or PNG image"),
        (picture("PNG")[:60], "cut.png", "not a whole JPEG or PNG image"),
        (b"\xff" * (LIMIT_BYTES["photo"] + 1), "huge.jpg", "larger than the 10.0 MB"),
    ],
)
def test_a_photo_that_is_not_what_it_claims_is_refused(data: bytes, name: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        check_photo(data, name)


def test_a_photo_of_absurd_pixel_count_is_refused_before_it_is_decoded() -> None:
    with pytest.raises(InputError, match="more than the 50 million a photo may have"):
        check_photo(picture("PNG", (10_000, 6_000)), "bomb.png")
