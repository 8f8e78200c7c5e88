"""The Missions page in Debian's headless chromium, as a drone operator uses it: from an
alert, "Send a drone"; plan a survey over an uploaded area; the route on the map and its
statistics; the ``.plan`` downloaded; a drone with telemetry shown with its battery and
its progress through the mission it flies.

Without chromium the test skips locally and fails under CI (``scripts/test-deps.sh``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pandas as pd
import pytest

from drone_ops.finish import finish_plan
from drone_ops.plan import Cmd, FlightSetup, MissionItem, PlanStats, Point
from drone_ops.records import mission_record
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.dashboard_server import FLAGS, chromium_or_skip, dashboard_on, login
from tests.builders.positions import drifting, load_positions
from tests.builders.users import PASSWORD, ROLE_USERS, add_user

ALERT_ID = "loi-drone-0001"
HOME = (33.50, 133.56)  # lat, lon: a beach east of Kochi
AREA = [[133.600, 33.420], [133.604, 33.420], [133.604, 33.424], [133.600, 33.424], [133.6, 33.42]]
SURVEY_HOME = (33.418, 133.598)  # lat, lon: a boat south-west of the area
PILOT = ROLE_USERS["drone_operator"]


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def _flying(store: Store) -> None:
    """Drone ``mav7`` flying a five-item mission uploaded to system 7: at item 3, 64 %."""
    lat, lon = HOME
    legs = [MissionItem.at(Cmd.NAV_WAYPOINT, lat - 0.01 * k, lon + 0.01, 60.0) for k in range(3)]
    plan = finish_plan("Kochi bay patrol", "patrol", legs, FlightSetup(Point(lat, lon)))
    plan = replace(plan, planned_start=T0, stats=PlanStats(0.0, 7400.0, 600.0, 0, None, 5))
    mission_id = store.store_mission(mission_record(plan))
    store.set_mission_status(mission_id, "uploaded", uploaded_to="udpout:127.0.0.1:1", system_id=7)
    store.write_telemetry(
        pd.DataFrame(
            {
                "drone_id": "mav7",
                "ts": [T0 + timedelta(minutes=m) for m in (1, 2)],
                "lon": [lon, lon + 0.01],
                "lat": [lat, lat - 0.01],
                "altitude_m": 60.0,
                "groundspeed_mps": 12.0,
                "heading_deg": 135.0,
                "battery_pct": [66.0, 64.0],
                "system_id": 7,
                "mission_seq": [2, 3],
                "reached_seq": pd.array([1, 2], dtype="Int64"),
                "mode": "AUTO.MISSION",
                "armed": True,
                "link": "udpin:127.0.0.1:1",
            }
        )
    )


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[str]:
    """The dashboard on a store with a loitering alert in Tosa Bay and a drone flying (and a
    vessel's positions: the sidebar's window ends at the newest)."""
    insert_alert(
        store,
        id=ALERT_ID,
        type="loitering",
        mmsi=(431000001,),
        score=40,
        start=T0 - timedelta(hours=1),
        end=T0,
        lon=133.61,
        lat=33.43,
    )
    _flying(store)
    load_positions(store, drifting(431000001, T0 - timedelta(hours=1), 1))  # the window ends T0
    add_user(store, PILOT, "drone_operator")
    with dashboard_on(store.engine.url.render_as_string(hide_password=False), tmp_path) as base:
        yield base


def test_send_a_drone_plan_a_survey_download_it_and_follow_a_drone(
    chromium: str, served: str, tmp_path: Path
) -> None:
    from playwright.sync_api import expect, sync_playwright

    base = served
    area = tmp_path / "bay.geojson"
    area.write_text(json.dumps({"type": "Polygon", "coordinates": [AREA]}))
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1000}, accept_downloads=True)
        page.set_default_timeout(60_000)
        page.goto(f"{base}/alert?alert={ALERT_ID}")
        login(page, PILOT, PASSWORD)
        page.get_by_text("loitering").first.wait_for()
        page.get_by_role("button", name="Send a drone").click()
        page.get_by_role("heading", name="Missions", exact=True).wait_for()
        expect(page.get_by_label("Alert id")).to_have_value(ALERT_ID)  # once the run is drawn
        assert page.get_by_role("radio", name="From an alert (intercept)").is_checked()

        # the drone flying: its line with the battery and the progress
        page.get_by_text("Drone mav7 · Kochi bay patrol · item 3 of 5 · battery 64 %").wait_for()

        # a survey over an uploaded area, from a typed home
        page.get_by_text("Survey an area").click()
        with page.expect_file_chooser() as chooser:
            uploaders = page.locator("[data-testid='stFileUploader']")  # the sighting's too
            uploader = uploaders.filter(has_text="Area as GeoJSON")
            uploader.get_by_test_id("stBaseButton-secondary").click()
        chooser.value.set_files(str(area))
        page.get_by_text("bay.geojson").first.wait_for()
        page.get_by_text("Setup: home, altitude").click()
        home = page.get_by_label("Home (lat, lon)", exact=True)
        home.fill(f"{SURVEY_HOME[0]}, {SURVEY_HOME[1]}")
        home.press("Enter")
        page.get_by_role("button", name="Plan", exact=True).click()
        page.get_by_role("heading", name="The plan").wait_for()
        for figure in ("Area", "Distance", "Flight time", "Photos", "GSD", "Items"):
            page.locator("[data-testid='stMetric']").filter(has_text=figure).first.wait_for()
        assert page.locator("[data-testid='stDeckGlJsonChart'] canvas").count() >= 2
        with page.expect_download() as download:
            page.get_by_role("button", name="Download .plan").click()
        saved = tmp_path / "survey.plan"
        download.value.save_as(saved)
        document = json.loads(saved.read_text())
        assert document["fileType"] == "Plan" and document["coastwatch"]["kind"] == "survey"
        takeoff, survey, back = document["mission"]["items"]  # the grid as one complex item
        assert (takeoff["command"], survey["complexItemType"], back["command"]) == (
            22,
            "survey",
            20,
        )
        assert document["mission"]["plannedHomePosition"][:2] == pytest.approx(list(SURVEY_HOME))
        browser.close()
