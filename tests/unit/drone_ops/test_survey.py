"""The survey grid: footprint, spacing, trigger distance, coverage, QGroundControl's items."""

from __future__ import annotations

import math

import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import MultiPolygon, Polygon

from drone_ops.camera import footprint_m, gsd_cm
from drone_ops.local import LocalFrame
from drone_ops.plan import Camera, Cmd, FlightSetup, Point, Survey
from drone_ops.survey import MAX_SURVEY_AREA_KM2, Grid, lay_grid, plan_survey, qgc_item_count
from surveillance.errors import InputError

CAMERA = Camera()  # 13.2 x 8.8 mm, 5472 x 3648 px, 8.8 mm: 90 x 60 m at 60 m
CENTRE = LocalFrame(34.20, 129.30)  # off Izuhara, Tsushima
HOME = Point(34.199, 129.299)


def square_m(x0: float, y0: float, size_m: float, frame: LocalFrame = CENTRE) -> Polygon:
    return frame.to_lonlat(shapely.box(x0, y0, x0 + size_m, y0 + size_m))


def photo_footprints(grid: Grid, camera: Camera, altitude_m: float) -> shapely.Geometry:
    """Every photo's ground rectangle (metres, grid frame): the trigger fires at the entry,
    every trigger distance, and at the exit."""
    across_m, along_m = footprint_m(camera, altitude_m)
    rects = []
    for (xa, ya), (xb, yb) in grid.transects:
        length = math.hypot(xb - xa, yb - ya)
        ux, uy = ((xb - xa) / length, (yb - ya) / length) if length else (0.0, 1.0)
        steps = [k * grid.trigger_m for k in range(int(length // grid.trigger_m) + 1)]
        for step in [*steps, length]:  # and one at the exit
            cx, cy = xa + ux * step, ya + uy * step
            corners = [
                (
                    cx + ux * a * along_m / 2 + uy * c * across_m / 2,
                    cy + uy * a * along_m / 2 - ux * c * across_m / 2,
                )
                for a, c in ((-1, -1), (-1, 1), (1, 1), (1, -1))
            ]
            rects.append(shapely.Polygon(corners))
    return shapely.union_all(rects)


def test_gsd_and_footprint_follow_the_camera_and_altitude() -> None:
    assert gsd_cm(CAMERA, 60.0) == pytest.approx(100 * 13.2 * 60 / (8.8 * 5472))
    assert footprint_m(CAMERA, 60.0) == pytest.approx((90.0, 60.0))
    portrait = Camera(landscape=False)
    assert footprint_m(portrait, 60.0) == pytest.approx((60.0, 90.0))


def test_spacing_and_trigger_distance_come_from_the_overlaps() -> None:
    grid = lay_grid(square_m(0, 0, 500), 60.0, CAMERA, 80.0, 60.0, 0.0)
    assert grid.spacing_m == pytest.approx(90.0 * 0.4)
    assert grid.trigger_m == pytest.approx(60.0 * 0.2)


def test_transects_run_along_the_angle_alternate_and_are_one_spacing_apart() -> None:
    grid = lay_grid(square_m(0, 0, 600), 60.0, CAMERA, 70.0, 70.0, 30.0)
    assert len(grid.transects) == math.ceil(_width_across(600.0, 30.0) / grid.spacing_m)
    for k, ((xa, ya), (xb, yb)) in enumerate(grid.transects):
        bearing = math.degrees(math.atan2(xb - xa, yb - ya)) % 360.0
        assert bearing == pytest.approx(30.0 if k % 2 == 0 else 210.0, abs=1e-6)
    across = (math.cos(math.radians(30)), -math.sin(math.radians(30)))
    offsets = [xa * across[0] + ya * across[1] for (xa, ya), _ in grid.transects]
    assert [b - a for a, b in zip(offsets, offsets[1:], strict=False)] == pytest.approx(
        [grid.spacing_m] * (len(offsets) - 1)
    )


def _width_across(side_m: float, angle_deg: float) -> float:
    a = math.radians(angle_deg)
    return side_m * (abs(math.cos(a)) + abs(math.sin(a)))


@pytest.mark.parametrize("angle_deg", [0.0, 37.0, 90.0, 145.0])
def test_the_photos_cover_the_whole_area(angle_deg: float) -> None:
    area = CENTRE.to_lonlat(shapely.Polygon([(0, 0), (700, 100), (500, 600), (-100, 400)]))
    grid = lay_grid(area, 60.0, CAMERA, 70.0, 70.0, angle_deg)
    metric = grid.frame.to_metric(area)
    uncovered = metric.difference(photo_footprints(grid, CAMERA, 60.0))
    assert uncovered.area < 1e-6 * metric.area


def test_a_survey_plan_holds_qgroundcontrol_items_six_a_transect() -> None:
    plan = plan_survey(square_m(0, 0, 400), FlightSetup(home=HOME), turnaround_m=15.0)
    (survey,) = [e for e in plan.elements if isinstance(e, Survey)]
    grid = lay_grid(square_m(0, 0, 400), 60.0, CAMERA, 70.0, 70.0, 0.0)
    assert len(survey.items) == qgc_item_count(len(grid.transects)) == 6 * len(grid.transects)
    commands = [i.command for i in survey.items[:6]]
    assert commands == [
        Cmd.NAV_WAYPOINT,
        Cmd.NAV_WAYPOINT,
        Cmd.DO_SET_CAM_TRIGG_DIST,
        Cmd.NAV_WAYPOINT,
        Cmd.DO_SET_CAM_TRIGG_DIST,
        Cmd.NAV_WAYPOINT,
    ]
    assert survey.items[2].params[0] == pytest.approx(18.0) and survey.items[4].params[0] == 0.0
    turn_in, entry = survey.items[0], survey.items[1]
    assert CENTRE.xy(entry.lon, entry.lat)[1] - CENTRE.xy(turn_in.lon, turn_in.lat)[
        1
    ] == pytest.approx(15.0, abs=0.01)
    assert all(isinstance(i.x, int) and isinstance(i.y, int) for i in plan.mission_items())
    assert plan.stats is not None and plan.stats.items == len(plan.mission_items())
    assert plan.stats.gsd_cm == pytest.approx(gsd_cm(CAMERA, 60.0))


def test_without_turnarounds_four_items_a_transect() -> None:
    plan = plan_survey(square_m(0, 0, 300), FlightSetup(home=HOME), turnaround_m=0.0)
    (survey,) = [e for e in plan.elements if isinstance(e, Survey)]
    assert len(survey.items) % 4 == 0 and len(survey.items) == qgc_item_count(
        len(survey.items) // 4, turnarounds=False
    )


def test_each_part_of_a_multipolygon_is_its_own_survey() -> None:
    area = MultiPolygon([square_m(0, 0, 200), square_m(400, 0, 200)])
    plan = plan_survey(area, FlightSetup(home=HOME))
    assert len([e for e in plan.elements if isinstance(e, Survey)]) == 2
    assert plan.stats is not None and plan.stats.area_m2 == pytest.approx(2 * 200 * 200, rel=0.01)


def test_a_broken_or_too_big_area_is_refused() -> None:
    bowtie = Polygon([(129.30, 34.20), (129.31, 34.21), (129.31, 34.20), (129.30, 34.21)])
    with pytest.raises(InputError, match="not a valid polygon"):
        plan_survey(bowtie, FlightSetup(home=HOME))
    side_m = math.sqrt(MAX_SURVEY_AREA_KM2 * 1e6) * 1.1
    with pytest.raises(InputError, match="km\\^2, more than 500 km\\^2"):
        plan_survey(square_m(0, 0, side_m), FlightSetup(home=HOME))
    with pytest.raises(InputError, match="overlap"):
        lay_grid(square_m(0, 0, 100), 60.0, CAMERA, 100.0, 70.0, 0.0)


@st.composite
def convex_polygons(draw: st.DrawFn) -> Polygon:
    """A convex polygon of 3..9 random vertices within 2 km of the centre, at least 0.01 km^2."""
    coords = draw(
        st.lists(st.tuples(st.floats(-1000, 1000), st.floats(-1000, 1000)), min_size=3, max_size=9)
    )
    hull = shapely.MultiPoint(coords).convex_hull
    if not isinstance(hull, Polygon) or hull.area < 10_000:
        hull = shapely.box(0, 0, 200, 150)
    return hull


@settings(max_examples=40, deadline=None)
@given(polygon=convex_polygons(), angle_deg=st.floats(0, 180), side=st.floats(10, 85))
def test_any_convex_polygon_gets_transects_within_half_a_spacing_at_the_spacing(
    polygon: Polygon, angle_deg: float, side: float
) -> None:
    area = CENTRE.to_lonlat(polygon)
    grid = lay_grid(area, 60.0, CAMERA, 70.0, side, angle_deg)
    assert grid.spacing_m == pytest.approx(90.0 * (1 - side / 100))
    metric = grid.frame.to_metric(area)
    for a, b in grid.transects:
        # each end within the strip the transect covers, so within half a spacing
        assert metric.distance(shapely.Point(a)) <= grid.spacing_m / 2 + 1e-6
        assert metric.distance(shapely.Point(b)) <= grid.spacing_m / 2 + 1e-6
    across = (math.cos(math.radians(angle_deg)), -math.sin(math.radians(angle_deg)))
    offsets = [a[0] * across[0] + a[1] * across[1] for a, _ in grid.transects]
    gaps = [b - a for a, b in zip(offsets, offsets[1:], strict=False)]
    assert gaps == pytest.approx([grid.spacing_m] * len(gaps), abs=1e-6)
    u = [x * across[0] + y * across[1] for x, y in shapely.get_coordinates(metric)]
    assert len(grid.transects) == math.ceil((max(u) - min(u)) / grid.spacing_m)
