"""Reports without a store: the area a user gives, and every format rendered and read back."""

from __future__ import annotations

import io
import json
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from surveillance.errors import InputError
from surveillance.report.area import parse_area
from surveillance.report.export import render
from surveillance.report.formats import FORMATS
from surveillance.report.request import ReportRequest
from tests.builders.alerts import report_frame, report_row
from tests.builders.clock import T0


def polygon(*corners: tuple[float, float]) -> dict[str, Any]:
    """A GeoJSON Polygon through the corners, closed."""
    return {"type": "Polygon", "coordinates": [[list(c) for c in (*corners, corners[0])]]}


SQUARE = polygon((129, 33), (130, 33), (130, 34), (129, 34))
OTHER_SQUARE = polygon((131, 33), (132, 33), (132, 34), (131, 34))
BOWTIE = polygon((129, 33), (130, 34), (130, 33), (129, 34))
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
WEB_MERCATOR = {"type": "name", "properties": {"name": "EPSG:3857"}}


def feature(geometry: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "properties": {}, "geometry": geometry}


def as_bytes(document: Any) -> bytes:
    return json.dumps(document).encode()


REQUEST = ReportRequest(T0, T0 + timedelta(days=1), area=parse_area(bbox="129,33,131,35"))
THREE = report_frame(
    report_row(),
    report_row(
        id="gap-1",
        type="ais_gap",
        score=45,
        status="acknowledged",
        end_hours=None,
        mmsi=(431000003,),
        names=("A & B <x>",),
        geometry=shapely.LineString([(129.4, 33.4), (129.6, 33.6)]),
    ),
    report_row(
        id="land-1",
        type="suspicious_landing",
        score=95,
        hours=2,
        mmsi=(431000004,),
        names=("",),
        geometry=shapely.box(129.9, 34.4, 130.0, 34.5),
    ),
)


def read_back(data: bytes, suffix: str, tmp_path: Path) -> gpd.GeoDataFrame:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(data)
    return gpd.read_file(path)


# -- the area ------------------------------------------------------------------------------


def test_no_area_is_everywhere() -> None:
    assert parse_area() is None


@pytest.mark.parametrize(
    ("bbox", "bounds"),
    [
        ("129,33,131.5,35", (129, 33, 131.5, 35)),
        (" -10.5, -5 ,10,5 ", (-10.5, -5, 10, 5)),
        ("-180,-90,180,90", (-180, -90, 180, 90)),
    ],
)
def test_a_bbox_is_a_box(bbox: str, bounds: tuple[float, ...]) -> None:
    area = parse_area(bbox=bbox)
    assert area is not None and area.equals(shapely.box(*bounds))


@pytest.mark.parametrize(
    ("bbox", "says"),
    [
        ("129,33,131", "not a bounding box"),
        ("129,33,131,35,1", "not a bounding box"),
        ("a,33,131,35", "numbers wanted"),
        ("129,33,nan,35", "finite"),
        ("131,33,129,35", "west must be less than east"),
        ("129,33,129,35", "west must be less than east"),
        ("129,35,131,33", "south less than north"),
        ("129,33,181,35", "outside"),
        ("129,-91,131,35", "outside"),
    ],
)
def test_a_bad_bbox_says_what_is_wrong(bbox: str, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_area(bbox=bbox)


@pytest.mark.parametrize(
    "document",
    [SQUARE, feature(SQUARE), {"type": "FeatureCollection", "features": [feature(SQUARE)]}],
    ids=["Polygon", "Feature", "FeatureCollection"],
)
def test_geojson_polygon_in_any_wrapping(document: dict[str, Any]) -> None:
    area = parse_area(geojson=as_bytes(document))
    assert area is not None and area.equals(shapely.box(129, 33, 130, 34))


def test_a_feature_collection_of_two_polygons_is_their_union() -> None:
    collection = {"type": "FeatureCollection", "features": [feature(SQUARE), feature(OTHER_SQUARE)]}
    area = parse_area(geojson=as_bytes(collection))
    assert isinstance(area, shapely.MultiPolygon) and area.area == pytest.approx(2)


def test_a_multipolygon_is_an_area() -> None:
    multi = {
        "type": "MultiPolygon",
        "coordinates": [SQUARE["coordinates"], OTHER_SQUARE["coordinates"]],
    }
    area = parse_area(geojson=as_bytes(multi))
    assert isinstance(area, shapely.MultiPolygon)


def test_geojson_in_crs84_is_accepted() -> None:
    assert parse_area(geojson=as_bytes({**SQUARE, "crs": CRS84})) is not None


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"{not json", "not GeoJSON"),
        (b"\xff\xfe", "not GeoJSON"),
        (b"[1, 2]", "not GeoJSON"),
        (
            as_bytes({"type": "Point", "coordinates": [130, 34]}),
            "MultiPolygon is wanted, not a Point",
        ),
        (
            as_bytes(feature({"type": "LineString", "coordinates": [[0, 0], [1, 1]]})),
            "not a LineString",
        ),
        (as_bytes({"type": "FeatureCollection", "features": []}), "no features"),
        (as_bytes({"type": "FeatureCollection", "features": [SQUARE]}), "not a Feature"),
        (as_bytes({"type": "Feature", "geometry": None}), "no geometry"),
        (as_bytes({"type": "Polygon", "coordinates": "x"}), "polygon 1 is broken"),
        (as_bytes({"type": "Polygon", "coordinates": [[]]}), "empty"),
        (as_bytes({"type": "Polygon", "coordinates": []}), "broken"),
        (as_bytes(BOWTIE), "polygon 1 is not valid: Self-intersection"),
        (as_bytes(polygon((0, 0), (200, 0), (200, 1))), "outside lon -180..180"),
        (as_bytes({**SQUARE, "crs": WEB_MERCATOR}), "EPSG:3857"),
    ],
)
def test_bad_geojson_says_what_is_wrong(data: bytes, says: str) -> None:
    with pytest.raises(InputError, match=says):
        parse_area(geojson=data)


def test_bbox_and_geojson_together_are_refused() -> None:
    with pytest.raises(InputError, match="not both"):
        parse_area(bbox="129,33,131,35", geojson=as_bytes(SQUARE))


# -- the request ---------------------------------------------------------------------------


def test_a_request_wants_aware_ordered_times_and_known_types() -> None:
    with pytest.raises(InputError, match="timezone-aware"):
        ReportRequest(T0.replace(tzinfo=None), T0.replace(tzinfo=None) + timedelta(hours=1))
    with pytest.raises(InputError, match="before"):
        ReportRequest(T0, T0)
    with pytest.raises(InputError, match="not an alert type: sts"):
        ReportRequest(T0, T0 + timedelta(hours=1), types=("sts",))
    with pytest.raises(InputError, match="polygon"):
        ReportRequest(T0, T0 + timedelta(hours=1), area=shapely.Point(130, 34))


def test_a_request_drops_repeated_types() -> None:
    request = ReportRequest(T0, T0 + timedelta(hours=1), types=("ais_gap", "ais_gap"))
    assert request.types == ("ais_gap",)


# -- the formats ---------------------------------------------------------------------------


def test_gpkg_has_an_alerts_layer_with_times_and_text_lists(tmp_path: Path) -> None:
    path = tmp_path / "report.gpkg"
    path.write_bytes(render(THREE, REQUEST, "gpkg"))
    back = gpd.read_file(path, layer="alerts")
    assert list(back["id"]) == ["land-1", "sts-1", "gap-1"]  # highest score first
    assert back.crs.to_epsg() == 4326
    sts = back[back["id"] == "sts-1"].iloc[0]
    assert sts["mmsi"] == "431000001 431000002" and sts["names"] == "OCEAN STAR"
    assert sts["start"] == pd.Timestamp(T0)
    assert pd.isna(back.loc[back["id"] == "gap-1", "end"]).all()  # still open
    assert set(back.geometry.geom_type) == {"Point", "LineString", "Polygon"}


def test_geojson_is_rfc7946_with_iso_times(tmp_path: Path) -> None:
    data = render(THREE, REQUEST, "geojson")
    document = json.loads(data)
    assert "crs" not in document
    sts = next(f for f in document["features"] if f["id"] == "sts-1")
    assert sts["geometry"] == {"type": "Point", "coordinates": [130.0, 34.0]}
    assert sts["properties"]["start"] == "2026-11-26T22:00:00Z"
    assert sts["properties"]["end"] == "2026-11-27T01:00:00Z"
    assert sts["properties"]["mmsi"] == [431000001, 431000002]
    gap = next(f for f in document["features"] if f["id"] == "gap-1")
    assert gap["properties"]["end"] is None
    land = next(f for f in document["features"] if f["id"] == "land-1")
    assert shapely.Polygon(land["geometry"]["coordinates"][0]).exterior.is_ccw  # right-hand rule
    back = read_back(data, ".geojson", tmp_path)
    assert len(back) == 3 and back.crs.to_epsg() == 4326


def test_kml_placemarks_are_named_by_type_and_score(tmp_path: Path) -> None:
    data = render(THREE, REQUEST, "kml")
    assert data.startswith(b"<?xml") and b'xmlns="http://www.opengis.net/kml/2.2"' in data
    back = read_back(data, ".kml", tmp_path)
    assert list(back["Name"]) == ["suspicious_landing 95", "sts_transfer 80", "ais_gap 45"]
    assert list(back["alert_id"]) == ["land-1", "sts-1", "gap-1"]
    description = back.loc[back["alert_id"] == "gap-1", "description"].iloc[0]
    assert "score 45" in description and "now (open)" in description
    assert "A &amp; B &lt;x&gt;" in description  # names are escaped in the HTML balloon


def test_csv_has_lat_lon_iso_times_and_space_separated_mmsi() -> None:
    table = pd.read_csv(io.BytesIO(render(THREE, REQUEST, "csv")), dtype={"mmsi": str})
    assert {"lat", "lon", "summary", "evidence"} <= set(table.columns)
    assert "geometry" not in table.columns
    sts = table[table["id"] == "sts-1"].iloc[0]
    assert (sts["lat"], sts["lon"]) == (34.0, 130.0)
    assert sts["start"] == "2026-11-26T22:00:00Z" and sts["mmsi"] == "431000001 431000002"
    assert sts["summary"] == "within 500 m for 2.5 h (+50); long (+3)"


def pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", pdf))


def test_pdf_brief_has_a_map_page_and_a_table() -> None:
    land = gpd.GeoDataFrame(geometry=[shapely.box(130.2, 33.2, 131.5, 34.5)], crs=4326)
    pdf = render(THREE, REQUEST, "pdf", land=land)
    assert pdf.startswith(b"%PDF") and pages(pdf) >= 2


def test_pdf_table_runs_over_pages() -> None:
    many = report_frame(*[report_row(id=f"a-{i}", score=i % 100) for i in range(70)])
    assert pages(render(many, REQUEST, "pdf")) >= 4  # the brief and three table pages


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_no_alerts(fmt: str) -> None:
    everywhere = ReportRequest(T0, T0 + timedelta(hours=1))
    assert render(report_frame(), everywhere, fmt)


def test_an_unknown_format_is_refused() -> None:
    with pytest.raises(InputError, match="not a report format"):
        render(THREE, REQUEST, "shp")
