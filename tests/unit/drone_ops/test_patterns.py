"""IAMSAR patterns: leg lengths, turns, the return to the datum; positions as integers."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pyproj import Geod

from drone_ops.patterns import (
    expanding_square,
    orbit,
    plan_expanding_square,
    plan_sector,
    sector,
)
from drone_ops.plan import Cmd, FlightSetup, MissionItem, Point

GEOD = Geod(ellps="WGS84")
DATUM = Point(34.30, 129.10)  # at sea west of Tsushima
HOME = Point(34.28, 129.13)


def legs_of(items: list[MissionItem]) -> list[tuple[float, float]]:
    """(bearing_deg in 0..360, length_m) of each leg between the items."""
    out = []
    for a, b in zip(items, items[1:], strict=False):
        bearing, _, length = GEOD.inv(a.lon, a.lat, b.lon, b.lat)
        out.append((bearing % 360.0, length))
    return out


def turn(a: float, b: float) -> float:
    """The turn from bearing a to bearing b, -180..180 (positive: right)."""
    return (b - a + 180.0) % 360.0 - 180.0


def test_expanding_square_legs_grow_by_one_spacing_every_second_leg() -> None:
    items = expanding_square(DATUM, spacing_m=200.0, legs=8, alt_m=50.0)
    assert items[0].x == round(DATUM.lat * 1e7) and items[0].y == round(DATUM.lon * 1e7)
    lengths = [length for _, length in legs_of(items)]
    assert lengths == pytest.approx([200, 200, 400, 400, 600, 600, 800, 800], abs=0.5)


def test_expanding_square_turns_right_90_degrees_from_the_first_leg() -> None:
    found = legs_of(
        expanding_square(DATUM, spacing_m=300.0, legs=6, first_leg_deg=45.0, alt_m=50.0)
    )
    assert found[0][0] == pytest.approx(45.0, abs=0.1)
    for (a, _), (b, _) in zip(found, found[1:], strict=False):
        assert turn(a, b) == pytest.approx(90.0, abs=0.2)


def test_sector_has_nine_legs_of_the_radius_and_ends_at_the_datum() -> None:
    items = sector(DATUM, radius_m=1000.0, first_leg_deg=10.0, alt_m=60.0)
    found = legs_of(items)
    assert len(found) == 9
    assert [length for _, length in found] == pytest.approx([1000.0] * 9, abs=1.0)
    assert (items[-1].x, items[-1].y) == (items[0].x, items[0].y)  # exactly the datum
    assert (items[3].x, items[3].y) == (items[0].x, items[0].y)  # and after each triangle
    turns = [turn(a, b) for (a, _), (b, _) in zip(found, found[1:], strict=False)]
    # 120 degrees right at each corner, straight on through the datum
    assert turns == pytest.approx([120, 120, 0, 120, 120, 0, 120, 120], abs=0.3)


def test_sector_corners_lie_on_six_radials_sixty_degrees_apart() -> None:
    items = sector(DATUM, radius_m=800.0, alt_m=60.0)
    radials = sorted(
        round(GEOD.inv(DATUM.lon, DATUM.lat, i.lon, i.lat)[0] % 360.0)
        for i in items
        if (i.x, i.y) != (items[0].x, items[0].y)
    )
    assert radials == [0, 60, 120, 180, 240, 300]


def test_orbit_is_a_waypoint_then_loiter_turns_with_turns_and_radius() -> None:
    first, loiter = orbit(DATUM, radius_m=150.0, turns=3.0, alt_m=80.0)
    assert first.command == Cmd.NAV_WAYPOINT and loiter.command == Cmd.NAV_LOITER_TURNS
    assert loiter.params[0] == 3.0 and loiter.params[2] == 150.0
    assert (loiter.x, loiter.y, loiter.z) == (first.x, first.y, 80.0)
    assert isinstance(loiter.x, int) and isinstance(loiter.y, int)


def test_plan_expanding_square_takes_off_flies_the_pattern_and_comes_home() -> None:
    plan = plan_expanding_square(DATUM, FlightSetup(home=HOME), spacing_m=150.0, legs=6)
    items = plan.mission_items()
    assert items[0].command == Cmd.NAV_TAKEOFF and items[-1].command == Cmd.NAV_RETURN_TO_LAUNCH
    assert len(items) == 2 + 7
    assert plan.kind == "expanding_square" and plan.stats is not None
    assert plan.cruise_speed_mps == plan.hover_speed_mps == 15.0
    pattern_m = sum(length for _, length in legs_of(items[1:-1]))
    assert pattern_m == pytest.approx(150.0 * (1 + 1 + 2 + 2 + 3 + 3), abs=2.0)
    assert all(isinstance(i.x, int) and isinstance(i.y, int) for i in items)


def test_plan_sector_statistics_count_out_pattern_and_back() -> None:
    plan = plan_sector(DATUM, FlightSetup(home=HOME), radius_m=500.0)
    assert plan.stats is not None and plan.kind == "sector"
    out_m = GEOD.inv(HOME.lon, HOME.lat, DATUM.lon, DATUM.lat)[2]
    assert plan.stats.distance_m == pytest.approx(2 * out_m + 9 * 500.0, rel=1e-3)
    assert plan.stats.photo_count == 0 and plan.stats.gsd_cm is None
    assert math.isclose(plan.stats.area_m2, 0.0)


@settings(max_examples=30, deadline=None)
@given(
    spacing_m=st.floats(20.0, 2000.0),
    legs=st.integers(1, 16),
    first_leg_deg=st.floats(0.0, 359.9),
    lat=st.floats(-60.0, 60.0),
)
def test_any_expanding_square_has_its_legs_and_right_turns(
    spacing_m: float, legs: int, first_leg_deg: float, lat: float
) -> None:
    items = expanding_square(
        Point(lat, 129.0), spacing_m=spacing_m, legs=legs, first_leg_deg=first_leg_deg, alt_m=60.0
    )
    assert all(isinstance(i.x, int) and isinstance(i.y, int) for i in items)
    found = legs_of(items)
    expected = [(k // 2 + 1) * spacing_m for k in range(legs)]
    assert [length for _, length in found] == pytest.approx(expected, rel=2e-3, abs=0.05)
    for (a, _), (b, _) in zip(found, found[1:], strict=False):
        assert turn(a, b) == pytest.approx(90.0, abs=0.5)
