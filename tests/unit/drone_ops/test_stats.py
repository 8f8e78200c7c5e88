"""Plan statistics: distance with home and back, flight time with climbs, loiters and wind."""

from __future__ import annotations

import math
from dataclasses import replace

import pytest
from pyproj import Geod

from drone_ops.patterns import orbit
from drone_ops.plan import Cmd, MissionItem, Plan, PlanRefused, Point
from drone_ops.stats import VERTICAL_MPS, ground_speed_mps, plan_stats

GEOD = Geod(ellps="WGS84")
HOME = Point(34.20, 129.29)


def out_and_back(distance_m: float, bearing_deg: float = 0.0, **meta: object) -> Plan:
    lon, lat, _ = GEOD.fwd(HOME.lon, HOME.lat, bearing_deg, distance_m)
    items = (
        MissionItem.at(Cmd.NAV_TAKEOFF, HOME.lat, HOME.lon, 60.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, 60.0),
        MissionItem(Cmd.NAV_RETURN_TO_LAUNCH),
    )
    return Plan("t", "patrol", HOME, items, cruise_speed_mps=10.0, meta=meta)


def test_distance_counts_the_way_back_and_time_the_climb_and_descent() -> None:
    stats = plan_stats(out_and_back(3000.0))
    assert stats.distance_m == pytest.approx(6000.0, rel=5e-3)
    assert stats.flight_time_s == pytest.approx(600.0 + 2 * 60.0 / VERTICAL_MPS, rel=5e-3)
    assert stats.items == 3 and stats.photo_count == 0 and stats.area_m2 == 0.0


def test_a_loiter_adds_its_turns_around_the_circle() -> None:
    plan = out_and_back(1000.0)
    loiter = orbit(HOME, radius_m=100.0, turns=2.0, alt_m=60.0)
    with_orbit = replace(plan, elements=(plan.elements[0], *loiter, plan.elements[-1]))
    stats = plan_stats(with_orbit)
    assert stats.flight_time_s == pytest.approx(
        2 * 60.0 / VERTICAL_MPS + 2 * 2 * math.pi * 100.0 / 10.0
    )


def test_ground_speed_from_the_wind_triangle() -> None:
    assert ground_speed_mps(0.0, 10.0, 180.0, 4.0) == pytest.approx(14.0)  # tailwind
    assert ground_speed_mps(0.0, 10.0, 0.0, 4.0) == pytest.approx(6.0)  # headwind
    assert ground_speed_mps(0.0, 10.0, 90.0, 6.0) == pytest.approx(8.0)  # crosswind: crab
    with pytest.raises(PlanRefused, match="wind"):
        ground_speed_mps(0.0, 10.0, 0.0, 12.0)


def test_wind_makes_out_and_back_longer_than_still_air() -> None:
    still = plan_stats(out_and_back(3000.0)).flight_time_s
    windy = plan_stats(out_and_back(3000.0, wind={"from_deg": 0.0, "mps": 4.0})).flight_time_s
    climbs = 2 * 60.0 / VERTICAL_MPS
    assert windy - climbs == pytest.approx(3000.0 / 6.0 + 3000.0 / 14.0, rel=5e-3)
    assert windy > still


def test_photo_count_follows_the_trigger_distance() -> None:
    lon, lat, _ = GEOD.fwd(HOME.lon, HOME.lat, 90.0, 105.0)
    items = (
        MissionItem.at(Cmd.NAV_WAYPOINT, HOME.lat, HOME.lon, 60.0),
        MissionItem(Cmd.DO_SET_CAM_TRIGG_DIST, 2, (10.0, 0.0, 1.0, 0.0)),
        MissionItem.at(Cmd.NAV_WAYPOINT, lat, lon, 60.0),
        MissionItem(Cmd.DO_SET_CAM_TRIGG_DIST, 2, (0.0, 0.0, 1.0, 0.0)),
        MissionItem.at(Cmd.NAV_WAYPOINT, HOME.lat, HOME.lon, 60.0),
    )
    stats = plan_stats(Plan("t", "survey", HOME, items))
    assert stats.photo_count == 12  # at 0, 10, ..., 100 m of the 105 m leg, and at its end


def test_a_wind_too_strong_for_a_leg_refuses_the_plan_where_the_leg_starts() -> None:
    plan = out_and_back(3000.0, 90.0, wind={"from_deg": 90.0, "mps": 12.0})
    with pytest.raises(
        PlanRefused, match="wind: 12 m/s from 90 deg is too strong for 10 m/s on a track of 90 deg"
    ) as refused:
        plan_stats(plan)
    assert refused.value.place is not None and refused.value.place.lat == HOME.lat
