"""The Missions page's data without a store: areas and points a person gives, a plan's
picture for the map, its statistics for people."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from dashboard import tooltip
from dashboard.data.mission_areas import (
    area_from_geojson,
    area_from_lines,
    point_from_text,
)
from dashboard.data.missions import plan_picture, stats_text
from drone_ops.finish import finish_plan
from drone_ops.plan import (
    Camera,
    Cmd,
    Fence,
    FencePolygon,
    FlightSetup,
    MissionItem,
    Plan,
    PlanStats,
    Point,
    Survey,
)
from surveillance.errors import InputError
from surveillance.uploads import LIMIT_BYTES

SQUARE = [[133.50, 33.40], [133.51, 33.40], [133.51, 33.41], [133.50, 33.41], [133.50, 33.40]]


def _geojson(geometry: dict[str, object]) -> bytes:
    feature = {"type": "Feature", "properties": {"name": "<b>bay</b>"}, "geometry": geometry}
    return json.dumps({"type": "FeatureCollection", "features": [feature]}).encode()


def test_an_uploaded_polygon_is_read_as_its_outline() -> None:
    area = area_from_geojson(_geojson({"type": "Polygon", "coordinates": [SQUARE]}))
    assert area.bounds == pytest.approx((133.50, 33.40, 133.51, 33.41))
    assert len(area.exterior.coords) == 5


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"{not json", "not GeoJSON"),
        (_geojson({"type": "Point", "coordinates": [133.5, 33.4]}), "not a Point"),
        (
            _geojson(
                {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
            ),
            "not valid: Self-intersection",
        ),
        (
            _geojson(
                {"type": "Polygon", "coordinates": [[[200, 0], [201, 0], [201, 1], [200, 0]]]}
            ),
            "outside lon -180..180",
        ),
        (_geojson({"type": "Polygon", "coordinates": "oops"}), "polygon 1 is broken"),
        (b" " * (LIMIT_BYTES["geojson"] + 1), "larger than"),
    ],
)
def test_a_bad_area_file_is_refused_in_one_line(data: bytes, reason: str) -> None:
    with pytest.raises(InputError, match=reason) as refused:
        area_from_geojson(data, "bay.geojson")
    assert str(refused.value).startswith("bay.geojson: ") and "\n" not in str(refused.value)


def test_a_typed_area_is_lat_lon_lines_and_a_bad_line_is_named() -> None:
    area = area_from_lines("33.40, 133.50\n\n33.40 133.51\n33.41, 133.51\n")
    assert area.bounds == pytest.approx((133.50, 33.40, 133.51, 33.41))
    with pytest.raises(InputError, match="vertex line 2"):
        area_from_lines("33.40, 133.50\nthirty, 133\n33.41, 133.51")
    with pytest.raises(InputError, match="at least three"):
        area_from_lines("33.40, 133.50\n33.41, 133.51")
    with pytest.raises(InputError, match="not a latitude"):
        point_from_text("133.5, 33.4")
    assert point_from_text(" 33.4, 133.5 ") == Point(33.4, 133.5)


def _plan() -> Plan:
    setup = FlightSetup(home=Point(33.39, 133.49))
    leg = (
        MissionItem.at(Cmd.NAV_WAYPOINT, 33.40, 133.50, 60.0),
        MissionItem(Cmd.IMAGE_START_CAPTURE, 2),
        MissionItem.at(Cmd.NAV_WAYPOINT, 33.41, 133.51, 60.0),
    )
    survey = Survey(
        ((33.40, 133.50), (33.40, 133.51), (33.41, 133.51)), Camera(), 60.0, 70, 60, 0, 10, leg
    )
    plan = finish_plan("<img src=x> bay", "survey", [survey], setup)
    fence = Fence((FencePolygon(((33.0, 133.0), (33.0, 133.1), (33.1, 133.1)), name="RJOK"),))
    return replace(plan, fence=fence)


def test_a_plans_picture_has_its_route_waypoints_area_and_fence() -> None:
    picture = plan_picture(_plan())
    (route,) = picture.route.to_dict(orient="records")
    assert route["path"][0] == [133.49, 33.39] and len(route["path"]) == 4  # home, takeoff, 2
    assert route["title"] == "<img src=x> bay"  # text as given: the renderer escapes it
    assert picture.waypoints["seq"].tolist() == [0, 1, 3]  # the camera item has no place
    assert picture.waypoints["title"].tolist()[0] == "0: nav takeoff"
    assert picture.areas == [[[133.50, 33.40], [133.51, 33.40], [133.51, 33.41]]]
    (fence,) = picture.fence.to_dict(orient="records")
    assert (fence["title"], fence["line1"], fence["inclusion"]) == ("RJOK", "no-fly zone", False)
    assert picture.bbox == pytest.approx((133.49, 33.39, 133.51, 33.41))
    for frame in (picture.route, picture.waypoints, picture.fence):
        assert set(tooltip.FIELDS) <= set(frame.columns)


def test_statistics_read_as_qgroundcontrol_shows_them() -> None:
    shown = stats_text(PlanStats(1_234_567.0, 12_345.0, 3725.4, 321, 1.64, 97))
    assert shown == {
        "Area": "1.235 km²",
        "Distance": "12.35 km",
        "Flight time": "1:02:05",
        "Photos": "321",
        "GSD": "1.64 cm/px",
        "Items": "97",
    }
    assert stats_text({"distance_m": 500.0, "gsd_cm": None})["GSD"] == "-"
    assert stats_text(None) == {}
