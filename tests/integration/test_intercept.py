"""Intercepts planned on a real store: the vessel met where its AIS says it will be when the
drone gets there, from an MMSI or an alert; a dark alert searched where it was seen; a
vessel too fast refused; a mission in the way named as a warning.

A vessel sails east at 10 kn along 30.5 N in the open sea, reporting every 10 s for the
hour before ``NOW``; the drone leaves from 3 km south of where the vessel is at ``NOW``.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from drone_ops.intercept import plan_intercept, predict_position
from drone_ops.plan import Cmd, FlightSetup, Point
from drone_ops.records import mission_record
from surveillance.geodesy import DEG_M, KNOT_MS, haversine_m
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, load_positions
from tests.builders.users import add_user

SAILING = 431000001
NOW = T0 + timedelta(hours=1)
EAST_M = DEG_M * np.cos(np.radians(OPEN_SEA[1]))
AT_NOW = (OPEN_SEA[0] + 10 * KNOT_MS * 3600 / EAST_M, OPEN_SEA[1])  # lon, lat
HOME = Point(OPEN_SEA[1] - 3000 / DEG_M, AT_NOW[0])
OPTIONS = ("--home", f"{HOME.lat:.7f},{HOME.lon:.7f}", "--now", "2026-11-26T23:00:00Z")


@pytest.fixture
def pilot(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """A drone operator at the CLI (the role that plans and flies missions)."""
    return as_user(coastwatch, add_user(store, "pilot", "drone_operator").username)


def sailing(store: Store, mmsi: int = SAILING, knots: float = 10.0, cog_deg: float = 90.0) -> None:
    """The vessel's last hour of AIS, from ``OPEN_SEA`` at ``T0`` to ``NOW``."""
    ts = pd.date_range(T0, NOW, freq="10s")
    run_m = knots * KNOT_MS * (ts - T0).total_seconds().to_numpy()
    course = np.radians(cog_deg)
    load_positions(
        store,
        pd.DataFrame(
            {
                "mmsi": mmsi,
                "ts": ts,
                "lon": OPEN_SEA[0] + run_m * np.sin(course) / EAST_M,
                "lat": OPEN_SEA[1] + run_m * np.cos(course) / DEG_M,
                "sog_knots": knots,
                "cog_deg": cog_deg,
            }
        ),
    )


def test_the_drone_meets_the_vessel_where_it_will_be(store: Store) -> None:
    sailing(store)
    plan = plan_intercept(store, FlightSetup(home=HOME), mmsi=SAILING, now=NOW)
    meta = plan.meta
    arrival = pd.Timestamp(meta["arrival"]).to_pydatetime()
    reports = store.positions(mmsi=[SAILING])
    expected = predict_position(reports, arrival)
    assert (meta["predicted_lon"], meta["predicted_lat"]) == pytest.approx(
        (expected.lon, expected.lat), abs=1e-6
    )
    flown_m = float(haversine_m(HOME.lon, HOME.lat, expected.lon, expected.lat))
    assert flown_m / 15.0 == pytest.approx((arrival - NOW).total_seconds(), abs=1.0)
    assert expected.lon > AT_NOW[0]  # east of where it is now: where it will be
    (circle,) = [i for i in plan.mission_items() if i.command == Cmd.NAV_LOITER_TURNS]
    assert (circle.lat, circle.lon) == pytest.approx((expected.lat, expected.lon), abs=1e-6)
    assert circle.params[2] >= 100.0  # radius: the uncertainty, at least 100 m
    assert plan.kind == "intercept" and plan.planned_start == NOW
    assert meta["mmsi"] == SAILING and meta["pattern"] == "orbit"


def test_the_command_plans_from_an_alert_stores_and_writes_it(
    store: Store, pilot: Coastwatch, tmp_path: Path
) -> None:
    sailing(store)
    alert = insert_alert(store, type="loitering", mmsi=[SAILING], start=T0, lon=135.0, lat=30.5)
    output = tmp_path / "intercept.plan"
    ran = pilot("mission", "plan", "intercept", "--alert", alert[:8], *OPTIONS, "-o", str(output))
    assert ran.code == 0, ran.stderr
    assert "(intercept) intercept MMSI 431000001" in ran.stdout
    assert "meets it at" in ran.stdout and "orbit" in ran.stdout
    (row,) = store.missions().to_dict("records")
    assert row["kind"] == "intercept" and row["alert_id"] == alert
    assert pd.Timestamp(row["planned_start"]) == pd.Timestamp(NOW)
    document = json.loads(output.read_text())
    assert document["fileType"] == "Plan"
    assert document["coastwatch"].pop("mission_id") == row["id"]
    assert store.mission_plan(int(row["id"])) == document


def test_a_dark_alert_is_searched_where_it_was_seen(store: Store) -> None:
    seen = NOW - timedelta(minutes=30)
    dark = insert_alert(
        store, type="dark_vessel", mmsi=[], start=seen, end=seen, lon=AT_NOW[0], lat=AT_NOW[1]
    )
    plan = plan_intercept(store, FlightSetup(home=HOME), alert_id=dark, now=NOW)
    meta = plan.meta
    assert meta["pattern"] == "expanding-square" and meta["mmsi"] is None
    assert (meta["predicted_lon"], meta["predicted_lat"]) == pytest.approx(AT_NOW, abs=1e-6)
    assert meta["uncertainty_m"] > 100 + 30 * 60 * 2.5  # grown over its age and the flight
    legs = [i for i in plan.mission_items() if i.command == Cmd.NAV_WAYPOINT]
    assert 4 < len(legs) <= 25


def test_a_vessel_faster_than_the_drone_or_unheard_is_refused(
    store: Store, pilot: Coastwatch
) -> None:
    sailing(store, knots=40.0, cog_deg=0.0)  # away from home at 40 kn, 20.6 m/s
    ran = pilot("mission", "plan", "intercept", "--mmsi", str(SAILING), *OPTIONS)
    assert ran.code == 2 and "plan refused: intercept: the vessel" in ran.stderr
    unheard = pilot("mission", "plan", "intercept", "--mmsi", "431000099", *OPTIONS)
    assert unheard.code == 2 and "no AIS reports of MMSI 431000099" in unheard.stderr
    assert store.missions().empty


def test_a_mission_in_the_way_is_named_as_a_warning(store: Store, pilot: Coastwatch) -> None:
    sailing(store)
    other = plan_intercept(store, FlightSetup(home=HOME), mmsi=SAILING, now=NOW)
    first = store.store_mission(mission_record(other))
    ran = pilot("mission", "plan", "intercept", "--mmsi", str(SAILING), *OPTIONS)
    assert ran.code == 0, ran.stderr
    assert "warning: deconfliction: 0 m apart" in ran.stderr
    assert f"from mission {first} (intercept MMSI {SAILING}), 2026-11-26T23:" in ran.stderr
    assert len(store.missions()) == 2
