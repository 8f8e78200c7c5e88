"""A coastal patrol: the coast between two points, offset seaward, waypoints 300 m apart."""

from __future__ import annotations

import pytest
import shapely

from drone_ops.local import LocalFrame
from drone_ops.patrol import WAYPOINT_SPACING_M, plan_patrol
from drone_ops.plan import FlightSetup, Limits, Point
from surveillance.errors import InputError
from surveillance.geography import read_land

# the east coast of Tsushima south of Izuhara (clear of Tsushima Airport); Iki is 60 km off
START, END = Point(34.145, 129.276), Point(34.20, 129.30)
SETUP = FlightSetup(home=Point(34.20, 129.29), limits=Limits(endurance_min=90.0))
FRAME = LocalFrame(34.175, 129.26)


@pytest.fixture(scope="module")
def land_m() -> shapely.Geometry:
    land = read_land((129.0, 34.0, 129.5, 34.4))
    return FRAME.to_metric(shapely.union_all(land.geometry.to_numpy()))


def waypoints_m(plan: object) -> list[tuple[float, float]]:
    items = plan.mission_items()[1:-1]  # type: ignore[attr-defined]
    return [FRAME.xy(i.lon, i.lat) for i in items]


def test_waypoints_keep_the_offset_from_the_coast_and_legs_stay_at_sea(
    land_m: shapely.Geometry,
) -> None:
    plan = plan_patrol(START, END, SETUP, offset_m=800.0)
    points = waypoints_m(plan)
    distances = [land_m.distance(shapely.Point(p)) for p in points]
    assert min(distances) == pytest.approx(800.0, rel=0.01) and max(distances) == pytest.approx(
        800.0, rel=0.01
    )
    legs = [shapely.LineString([a, b]) for a, b in zip(points, points[1:], strict=False)]
    assert all(leg.length <= WAYPOINT_SPACING_M + 1.0 for leg in legs)
    assert not any(leg.intersects(land_m) for leg in legs)
    assert plan.kind == "patrol" and plan.meta["offset_m"] == 800.0


def test_the_patrol_starts_and_ends_off_the_two_points_coast(land_m: shapely.Geometry) -> None:
    points = waypoints_m(plan_patrol(START, END, SETUP, offset_m=500.0))
    for given, flown in ((START, points[0]), (END, points[-1])):
        at = shapely.Point(FRAME.xy(given.lon, given.lat))
        coast = shapely.ops.nearest_points(land_m.boundary, at)[0]
        # the patrol line's point nearest the coast point (further than the offset in a bay)
        nearest = min(coast.distance(shapely.Point(p)) for p in points)
        assert coast.distance(shapely.Point(flown)) == pytest.approx(
            nearest, abs=WAYPOINT_SPACING_M
        )
        assert 500.0 - 1.0 <= nearest < 3 * 500.0


def test_there_and_back_returns_along_the_same_waypoints() -> None:
    one_way = plan_patrol(START, END, SETUP, offset_m=500.0).mission_items()[1:-1]
    both = plan_patrol(START, END, SETUP, offset_m=500.0, there_and_back=True).mission_items()[1:-1]
    assert both == one_way + one_way[-2::-1]
    assert all(isinstance(i.x, int) and isinstance(i.y, int) for i in both)


def test_points_on_coasts_that_do_not_join_are_refused() -> None:
    with pytest.raises(InputError, match="do not join"):
        plan_patrol(Point(34.20, 129.30), Point(33.75, 129.66), SETUP, offset_m=500.0)
    with pytest.raises(InputError, match="more than 0"):
        plan_patrol(START, END, SETUP, offset_m=0.0)
