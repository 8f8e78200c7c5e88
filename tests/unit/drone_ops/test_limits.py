"""Each limit refuses a plan that breaks it, naming the limit and the first place."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pyproj import Geod

from drone_ops.finish import finish_plan
from drone_ops.limits import check_limits
from drone_ops.nofly import airport_zone
from drone_ops.patterns import expanding_square, plan_sector
from drone_ops.plan import (
    Cmd,
    Fence,
    FenceCircle,
    FencePolygon,
    FlightSetup,
    Limits,
    MissionItem,
    PlanRefused,
    Point,
)

GEOD = Geod(ellps="WGS84")
HOME = Point(34.20, 129.29)  # Izuhara, Tsushima: no airport within 5 km
FUKUOKA_AIRPORT = (33.5859, 130.451)


def east_of_home(distance_m: float, alt_m: float = 60.0) -> MissionItem:
    lon, lat, _ = GEOD.fwd(HOME.lon, HOME.lat, 90.0, distance_m)
    return MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, alt_m)


def test_a_plan_inside_its_limits_passes_with_its_statistics() -> None:
    plan = finish_plan("ok", "patrol", [east_of_home(1000.0)], FlightSetup(home=HOME))
    assert plan.stats is not None and plan.stats.distance_m == pytest.approx(2000.0, rel=5e-3)
    check_limits(plan)  # and again: the same plan passes


def test_an_altitude_out_of_range_is_refused_at_the_item() -> None:
    items = [east_of_home(500.0), east_of_home(900.0, alt_m=150.0)]
    with pytest.raises(
        PlanRefused, match=r"altitude: 150 m is outside 10\.\.120 m at 34\.2"
    ) as refused:
        finish_plan("high", "patrol", items, FlightSetup(home=HOME))
    assert refused.value.limit == "altitude"
    assert refused.value.place is not None and refused.value.place.lon == pytest.approx(
        items[1].lon
    )


def test_a_flight_longer_than_the_battery_less_reserve_is_refused_where_it_runs_out() -> None:
    setup = FlightSetup(
        home=HOME, cruise_speed_mps=10.0, limits=Limits(endurance_min=10.0, reserve_min=2.0)
    )
    items = [east_of_home(2000.0), east_of_home(4000.0)]  # 8 km there and back: 13+ min
    with pytest.raises(PlanRefused, match="endurance: .* 8 min usable") as refused:
        finish_plan("far", "patrol", items, setup)
    assert refused.value.place is not None
    # 420 s at the far end (with the climb), 840 s back: the 480 s run out on the way back
    place = refused.value.place
    far_m = GEOD.inv(HOME.lon, HOME.lat, place.lon, place.lat)[2]
    assert far_m == pytest.approx(4000.0 - 4000.0 * 60 / 420, abs=20.0)


def test_a_place_beyond_the_radio_range_is_refused() -> None:
    setup = FlightSetup(home=HOME, limits=Limits(max_range_m=1500.0))
    with pytest.raises(PlanRefused, match=r"range: 199\d m from home, more than 1500 m") as refused:
        finish_plan("far", "patrol", [east_of_home(1000.0), east_of_home(2000.0)], setup)
    assert refused.value.place is not None and refused.value.place.lon == pytest.approx(
        east_of_home(2000.0).lon
    )


def test_a_path_through_a_configured_no_fly_polygon_is_refused_where_it_enters() -> None:
    a, b = east_of_home(600.0), east_of_home(900.0)
    zone = FencePolygon(
        (
            (HOME.lat - 0.01, a.lon),
            (HOME.lat + 0.01, a.lon),
            (HOME.lat + 0.01, b.lon),
            (HOME.lat - 0.01, b.lon),
        ),
        name="range danger area",
    )
    with pytest.raises(PlanRefused, match="geofence: the path enters range danger area") as refused:
        finish_plan("x", "patrol", [east_of_home(2000.0)], FlightSetup(home=HOME, no_fly=(zone,)))
    assert refused.value.place is not None and refused.value.place.lon == pytest.approx(
        a.lon, abs=1e-6
    )


def test_a_path_through_a_no_fly_circle_or_out_of_an_inclusion_zone_is_refused() -> None:
    plan = finish_plan("x", "patrol", [east_of_home(2000.0)], FlightSetup(home=HOME))
    circle = FenceCircle((HOME.lat, east_of_home(1000.0).lon), 200.0, name="exercise")
    with pytest.raises(PlanRefused, match="enters exercise"):
        check_limits(replace(plan, fence=Fence(circles=(circle,))))
    keep_in = FenceCircle((HOME.lat, HOME.lon), 1500.0, inclusion=True, name="the operating area")
    with pytest.raises(PlanRefused, match="leaves the operating area") as refused:
        check_limits(replace(plan, fence=Fence(circles=(keep_in,))))
    assert refused.value.place is not None


def test_a_sector_over_fukuoka_airport_is_refused_and_one_off_tsushima_is_fenced_but_passes() -> (
    None
):
    home = Point(33.60, 130.40)  # Hakata: 4.9 km from the airport's reference point
    with pytest.raises(PlanRefused, match="geofence: .*airport RJFF Fukuoka Airport"):
        plan_sector(Point(*FUKUOKA_AIRPORT), FlightSetup(home=home), radius_m=500.0)
    plan = plan_sector(Point(34.21, 129.31), FlightSetup(home=HOME), radius_m=500.0)
    assert not [z for z in plan.fence.polygons if "RJFF" in z.name]


def test_airport_zone_holds_the_whole_circle() -> None:
    zone = airport_zone(*FUKUOKA_AIRPORT, "RJFF")
    for lat, lon in zone.vertices:
        assert GEOD.inv(FUKUOKA_AIRPORT[1], FUKUOKA_AIRPORT[0], lon, lat)[2] >= 5000.0
    assert len(zone.vertices) == 24


def test_expanding_square_positions_stay_integers_through_the_fence() -> None:
    items = expanding_square(Point(34.21, 129.31), spacing_m=100.0, legs=4, alt_m=60.0)
    plan = finish_plan("es", "expanding_square", items, FlightSetup(home=HOME))
    assert all(isinstance(i.x, int) for i in plan.mission_items() + plan.fence_items())


def test_a_home_inside_a_no_fly_zone_is_refused_at_home() -> None:
    home = Point(33.60, 130.42)  # 3.4 km from Fukuoka Airport's reference point
    with pytest.raises(PlanRefused, match="enters airport RJFF") as refused:
        plan_sector(Point(33.62, 130.40), FlightSetup(home=home), radius_m=300.0)
    assert refused.value.place == Point(home.lat, home.lon)
