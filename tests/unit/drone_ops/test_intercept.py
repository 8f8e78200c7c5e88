"""A vessel predicted from its last AIS reports, and the drone's arrival solved to meet it."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest

from drone_ops.intercept import ground_speed_mps, predict_position, solve_arrival
from drone_ops.plan import FlightSetup, PlanRefused, Point
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M, KNOT_MS, haversine_m
from tests.builders.clock import T0

LON, LAT = 135.0, 30.5
EAST_M = DEG_M * math.cos(math.radians(LAT))


def sailing(
    knots: float = 10.0,
    cog_deg: float = 90.0,
    minutes: int = 10,
    sog_knots: float | None = None,
    reported_cog_deg: float | None = None,
) -> pd.DataFrame:
    """A vessel reporting every minute from ``T0``, along ``cog_deg`` at ``knots``; what it
    reports as SOG/COG may differ (102.3 / 360: not available)."""
    run_m = [knots * KNOT_MS * 60 * i for i in range(minutes + 1)]
    course = math.radians(cog_deg)
    return pd.DataFrame(
        {
            "ts": [T0 + timedelta(minutes=i) for i in range(minutes + 1)],
            "lon": [LON + r * math.sin(course) / EAST_M for r in run_m],
            "lat": [LAT + r * math.cos(course) / DEG_M for r in run_m],
            "sog_knots": knots if sog_knots is None else sog_knots,
            "cog_deg": cog_deg if reported_cog_deg is None else reported_cog_deg,
        }
    )


def test_a_vessel_is_dead_reckoned_from_its_last_report() -> None:
    reports = sailing()
    last = T0 + timedelta(minutes=10)
    found = predict_position(reports, last + timedelta(minutes=30))
    expected_m = 10 * KNOT_MS * 40 * 60  # 40 minutes east of T0's place
    assert (found.lon - LON) * EAST_M == pytest.approx(expected_m, rel=1e-6)
    assert found.lat == pytest.approx(LAT)
    assert found.from_report_ts == last
    assert found.course_deg == pytest.approx(90.0)


def test_the_uncertainty_grows_with_the_time_unheard() -> None:
    reports = sailing()
    last = T0 + timedelta(minutes=10)
    fresh = predict_position(reports, last)
    later = predict_position(reports, last + timedelta(hours=1))
    assert fresh.uncertainty_m == pytest.approx(100.0)
    assert later.uncertainty_m > fresh.uncertainty_m + 1000


def test_without_sog_and_cog_the_last_reports_are_fitted() -> None:
    reports = sailing(knots=12.0, cog_deg=45.0, sog_knots=102.3, reported_cog_deg=360.0)
    found = predict_position(reports, T0 + timedelta(minutes=20))
    assert found.speed_mps == pytest.approx(12 * KNOT_MS, rel=1e-3)
    assert found.course_deg == pytest.approx(45.0, abs=0.1)
    run_m = float(haversine_m(LON, LAT, found.lon, found.lat))
    assert run_m == pytest.approx(12 * KNOT_MS * 20 * 60, rel=1e-3)


def test_a_store_frame_with_a_geometry_is_read_as_well() -> None:
    import geopandas as gpd

    reports = sailing()
    frame = gpd.GeoDataFrame(
        reports.drop(columns=["lon", "lat"]),
        geometry=gpd.points_from_xy(reports["lon"], reports["lat"]),
        crs=4326,
    )
    at = T0 + timedelta(minutes=15)
    assert predict_position(frame, at).lon == pytest.approx(predict_position(reports, at).lon)


def test_no_reports_is_an_input_error() -> None:
    with pytest.raises(InputError, match="no AIS reports"):
        predict_position(sailing().iloc[:0], T0)


def test_the_wind_triangle() -> None:
    calm = FlightSetup(home=Point(LAT, LON), cruise_speed_mps=15.0)
    windy = FlightSetup(home=Point(LAT, LON), cruise_speed_mps=15.0, wind_from_deg=0, wind_mps=5)
    assert ground_speed_mps(calm, 123.0) == 15.0
    assert ground_speed_mps(windy, 180.0) == pytest.approx(20.0)  # downwind
    assert ground_speed_mps(windy, 0.0) == pytest.approx(10.0)  # into the wind
    assert ground_speed_mps(windy, 90.0) == pytest.approx(math.sqrt(15**2 - 5**2))
    gale = FlightSetup(home=Point(LAT, LON), cruise_speed_mps=15.0, wind_from_deg=0, wind_mps=20)
    assert ground_speed_mps(gale, 90.0) == 0.0


def test_the_arrival_meets_the_vessel_where_it_will_be() -> None:
    reports = sailing()
    home = Point(LAT - 5000 / DEG_M, LON)  # 5 km south of where the vessel was at T0
    setup = FlightSetup(home=home, cruise_speed_mps=15.0)
    launch = T0 + timedelta(minutes=10)
    arrival = solve_arrival(setup, launch, lambda at: predict_position(reports, at))
    where = arrival.prediction
    flown_m = float(haversine_m(home.lon, home.lat, where.lon, where.lat))
    # the drone's time to the meeting point is the time the vessel takes to get there
    assert flown_m / 15.0 == pytest.approx((arrival.at - launch).total_seconds(), abs=1.0)
    assert where == predict_position(reports, arrival.at)
    assert arrival.steps <= 10


def test_a_vessel_faster_than_the_drone_is_refused() -> None:
    reports = sailing(knots=40.0, cog_deg=0.0)
    setup = FlightSetup(home=Point(LAT - 0.1, LON), cruise_speed_mps=15.0)
    with pytest.raises(PlanRefused, match="intercept: the vessel .* outruns the drone"):
        solve_arrival(setup, T0, lambda at: predict_position(reports, at))


def test_a_vessel_too_far_for_the_battery_is_refused() -> None:
    from drone_ops.intercept import Prediction, _spare_s

    setup = FlightSetup(home=Point(LAT, LON), cruise_speed_mps=15.0)
    near = solve_arrival(setup, T0, lambda at: Prediction(LON + 0.05, LAT, 100.0, T0))
    assert _spare_s(setup, near) == pytest.approx(20 * 60 - 2 * near.transit_s)
    far = solve_arrival(setup, T0, lambda at: Prediction(LON + 0.15, LAT, 100.0, T0))
    with pytest.raises(
        PlanRefused,
        match="endurance: the vessel is met 14.4 km out; there and back takes 32 min of the 20",
    ):
        _spare_s(setup, far)


def test_a_search_covers_the_uncertainty_within_the_battery_left() -> None:
    from drone_ops.intercept import _search

    setup = FlightSetup(home=Point(LAT, LON), altitude_m=60.0)
    centre = Point(LAT, LON, 60.0)
    small = _search(centre, 150.0, setup, spare_s=900.0)
    large = _search(centre, 5000.0, setup, spare_s=1500.0)
    longer = _search(centre, 5000.0, setup, spare_s=900.0)
    short = _search(centre, 5000.0, setup, spare_s=60.0)
    assert len(small) == 1 + 7  # the datum, then 4 x 150 m over 90 m tracks
    assert len(large) == 1 + 24  # at most 24 legs
    assert len(longer) == 1 + 19  # 19 legs: 100 tracks of 90 m, 9 km in 70% of 15 min
    assert len(short) == 1 + 4  # at least 4, the limits refuse what does not fit
