"""No-fly zones: airports near a plan from airportsdata, configured polygons first."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from drone_ops.areas import read_area, read_no_fly
from drone_ops.nofly import AIRPORT_RADIUS_M, no_fly_zones
from drone_ops.patterns import plan_expanding_square
from drone_ops.plan import FencePolygon, FlightSetup, Point
from surveillance.errors import InputError


def test_fukuoka_airport_is_a_zone_for_a_plan_on_the_hakata_coast() -> None:
    zones = no_fly_zones((130.38, 33.59, 130.42, 33.62))
    names = [z.name for z in zones]
    assert "airport RJFF Fukuoka Airport" in names
    rjff = zones[names.index("airport RJFF Fukuoka Airport")]
    ring = shapely.Polygon([(lon, lat) for lat, lon in rjff.vertices])
    assert ring.contains(shapely.Point(130.451, 33.5859))


def test_no_airport_near_open_sea_west_of_tsushima() -> None:
    assert no_fly_zones((128.9, 34.2, 129.0, 34.3)) == ()


def test_an_airport_just_beyond_the_box_but_within_the_radius_counts() -> None:
    # RJFF at 130.451 E; a box ending 4 km west of it (about 0.043 deg at 33.6 N)
    zones = no_fly_zones((130.30, 33.55, 130.408, 33.62))
    assert any("RJFF" in z.name for z in zones)
    assert AIRPORT_RADIUS_M == 5000.0


def test_configured_zones_come_first() -> None:
    mine = FencePolygon(((33.6, 130.3), (33.61, 130.3), (33.61, 130.31)), name="mine")
    zones = no_fly_zones((130.38, 33.59, 130.42, 33.62), (mine,))
    assert zones[0] == mine and len(zones) > 1


def test_a_plan_near_fukuoka_carries_the_airport_in_its_geofence(tmp_path: Path) -> None:
    plan = plan_expanding_square(
        Point(33.62, 130.40), FlightSetup(home=Point(33.625, 130.395)), spacing_m=100, legs=4
    )
    assert any("RJFF" in z.name for z in plan.fence.polygons)
    assert plan.fence_items()[0].command == 5002  # FENCE_POLYGON_VERTEX_EXCLUSION


def test_no_fly_geojson_reads_as_exclusion_polygons(tmp_path: Path) -> None:
    path = tmp_path / "danger.geojson"
    square = [[130.30, 33.60], [130.31, 33.60], [130.31, 33.61], [130.30, 33.61], [130.30, 33.60]]
    feature = {
        "type": "Feature",
        "properties": {},
        "geometry": {"type": "Polygon", "coordinates": [square]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature, feature]}))
    zones = read_no_fly(path)
    assert len(zones) == 2 and zones[0].vertices[0] == (33.60, 130.30) and not zones[0].inclusion


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"type": "Point", "coordinates": [130.3, 33.6]}, "a Polygon or MultiPolygon is wanted"),
        ({"type": "FeatureCollection", "features": []}, "no features"),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "not valid",
        ),
        (
            {"type": "Polygon", "coordinates": [[[500, 0], [501, 1], [501, 0], [500, 0]]]},
            "outside lon -180..180",
        ),
    ],
)
def test_a_file_that_is_not_a_polygon_is_refused_with_its_name(
    tmp_path: Path, document: object, message: str
) -> None:
    path = tmp_path / "area.geojson"
    path.write_text(json.dumps(document))
    with pytest.raises(InputError, match=message) as refused:
        read_area(path)
    assert "area.geojson" in str(refused.value)
