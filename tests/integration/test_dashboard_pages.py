"""Every dashboard page through Streamlit's AppTest, on a real store: what it shows and
what its buttons write. The app reads its store from ``COASTWATCH_DATABASE_URL``."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import auth, tooltip
from drone_ops.finish import finish_plan
from drone_ops.plan import Cmd, FlightSetup, MissionItem, PlanStats, Point
from drone_ops.records import mission_record
from surveillance.store import SightingRecord, Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.markdown import as_read
from tests.builders.positions import OPEN_SEA, load_positions
from tests.builders.stored_scenes import Ship, StoredScene, match, solid_png, stored_scene
from tests.builders.users import ADMIN, ROLE_USERS, add_role_users

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
TANKER, BUNKER, FERRY = 431000001, 431000002, 431000003
STS_ID = "sts-dash-0001"
DARK_ID = "dark-dash-0001"
INTEL, PILOT = ROLE_USERS["intel"], ROLE_USERS["drone_operator"]


def _track(
    mmsi: int,
    lon0: float,
    lat0: float,
    dlon_per_min: float,
    sog_knots: float,
    minutes: int = 120,
    source: str = "rx-kochi",
) -> pd.DataFrame:
    step = np.arange(minutes)
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "ts": [T0 + timedelta(minutes=int(m)) for m in step],
            "lon": lon0 + dlon_per_min * step,
            "lat": lat0,
            "sog_knots": sog_knots,
            "source": source,
        }
    )


def _sts_evidence() -> dict[str, Any]:
    t0 = T0.timestamp()
    return {
        "tracks": {
            str(TANKER): [[t0 + 600 * k, OPEN_SEA[0], OPEN_SEA[1], 0.4] for k in range(6)],
            str(BUNKER): [[t0 + 600 * k, OPEN_SEA[0] + 0.003, OPEN_SEA[1], 0.6] for k in range(6)],
        },
        "min_distance_m": 287,
    }


@pytest.fixture
def busy(store: Store) -> Store:
    """Two hours in the open sea: a tanker and a bunker lying together, a ferry passing;
    their identities; an STS alert on the pair and a loitering alert; two rejected lines."""
    load_positions(
        store,
        pd.concat(
            [
                _track(TANKER, *OPEN_SEA, 0.0, 0.4),
                _track(BUNKER, OPEN_SEA[0] + 0.003, OPEN_SEA[1], 0.0, 0.6),
                _track(FERRY, 134.0, 31.0, 0.005, 16.0, source="rx-muroto"),
            ]
        ),
    )
    store.write_identities(
        pd.DataFrame(
            {
                "mmsi": [TANKER, BUNKER, FERRY],
                "ts": [T0] * 3,
                "name": ["SEA STAR", "OCEAN BUNKER", "SUNRISE FERRY"],
                "ship_type": [80, 80, 60],
                "imo": [9074729, None, None],
                "callsign": ["JA1X", "JB2Y", "JC3Z"],
                "flag": ["JP"] * 3,
            }
        )
    )
    insert_alert(
        store,
        id=STS_ID,
        mmsi=(TANKER, BUNKER),
        score=62,
        start=T0,
        end=T0 + timedelta(hours=1),
        lon=OPEN_SEA[0],
        lat=OPEN_SEA[1],
        evidence=_sts_evidence(),
        score_reasons=[
            {"points": 60, "reason": "within 500 m for 2.0 h"},
            {"points": 2, "reason": "long"},
        ],
    )
    insert_alert(
        store,
        id="loi-dash-0001",
        type="loitering",
        mmsi=(TANKER,),
        score=35,
        start=T0 + timedelta(minutes=10),
        end=T0 + timedelta(hours=2),
        lon=OPEN_SEA[0],
        lat=OPEN_SEA[1],
        score_reasons=[{"points": 35, "reason": "under 2 kn for 2 h"}],
    )
    store.quarantine(
        pd.DataFrame(
            {
                "source": ["rx-kochi"] * 2,
                "reason": ["bad_checksum", "bad_checksum"],
                "raw": ["!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*28", "!AIVDM,1,1,,B,x,0*00"],
                "received_at": [T0 + timedelta(minutes=5), T0 + timedelta(minutes=6)],
            }
        )
    )
    return store


@pytest.fixture
def app(busy: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on the busy store, a user of each role in it, the intelligence officer
    logged in (:func:`_as` logs in another)."""
    monkeypatch.setenv(
        "COASTWATCH_DATABASE_URL", busy.engine.url.render_as_string(hide_password=False)
    )
    add_role_users(busy)
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, INTEL)
    yield at
    st.cache_resource.clear()  # the app's store on this test's database
    st.cache_data.clear()


@pytest.fixture
def imaged(busy: Store) -> StoredScene:
    """Over the busy sea, a SAR scene half an hour in: the tanker matched, a dark ship
    600 m from it, and a dark_vessel alert on that ship."""
    lon, lat = OPEN_SEA
    scene = stored_scene(
        busy,
        shapely.box(lon - 0.2, lat - 0.15, lon + 0.2, lat + 0.15),
        [Ship(lon, lat, 180.0), Ship(lon + 0.006, lat, 45.0, 0.93)],
        acquired_at=T0 + timedelta(minutes=30),
    )
    tanker, dark = scene.detection_ids
    match(busy, tanker, mmsi=TANKER, distance_m=40.0, near=[{"mmsi": TANKER, "distance_m": 40}])
    match(busy, dark, dark=True, near=[{"mmsi": TANKER, "distance_m": 600.0}])
    insert_alert(
        busy,
        id=DARK_ID,
        type="dark_vessel",
        mmsi=(),
        score=74,
        start=T0 + timedelta(minutes=30),
        end=T0 + timedelta(minutes=30),
        lon=lon + 0.006,
        lat=lat,
        evidence={"detection_id": dark, "scene_id": scene.id},
        score_reasons=[{"points": 74, "reason": "confident detection 150 km offshore, no AIS"}],
    )
    return scene


def _as(at: AppTest, role: str) -> AppTest:
    """``at`` with the user of ``role`` logged in instead."""
    auth.sign_in(at.session_state, {**ROLE_USERS, "admin": ADMIN}[role])
    return at


def _images(at: AppTest) -> list[Any]:
    """The images on the page (``st.image``): their protos, with ``url`` and ``caption``."""
    return [image for element in at.get("image") for image in element.proto.imgs]


def _open(at: AppTest, page: str, **query: str) -> AppTest:
    at.run()  # the map, registering the pages
    at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _deck(at: AppTest, index: int = 0) -> dict[str, Any]:
    charts = at.get("deck_gl_json_chart")
    return json.loads(charts[index].proto.json)


def _layers(deck: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {layer["id"]: layer for layer in deck["layers"]}


def _assert_plain_tooltips(layers: dict[str, dict[str, Any]]) -> None:
    """Every object a pointer can pick carries every tooltip field, as text without markup
    (the template holds the markup; deck.gl shows a missing field as ``{field}``)."""
    for layer in layers.values():
        if not layer.get("pickable"):
            continue
        data = layer["data"]
        objects = [f["properties"] for f in data["features"]] if isinstance(data, dict) else data
        for shown in objects:
            texts = [shown[name] for name in tooltip.FIELDS]
            assert all(isinstance(t, str) and "<" not in t for t in texts), (layer["id"], texts)


def _button(at: AppTest, label: str) -> Any:
    (button,) = [b for b in at.button if b.label == label]
    return button


def _frame(at: AppTest, column: str) -> pd.DataFrame:
    """The first table on the page that has ``column``."""
    for table in at.dataframe:
        if column in table.value.columns:
            return table.value
    raise AssertionError(f"no table with {column!r}")


def test_the_map_draws_vessels_at_their_latest_position_and_their_tracks(app: AppTest) -> None:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    layers = _layers(_deck(app))
    assert {"sea", "land", "zones", "ports", "alerts", "vessels"} <= set(layers)
    assert layers["zones"]["pickable"] is False  # pickable, they swallowed the map's clicks
    vessels = {row["mmsi"]: row for row in layers["vessels"]["data"]}
    assert set(vessels) == {TANKER, BUNKER, FERRY}
    assert vessels[FERRY]["lon"] == pytest.approx(134.0 + 0.005 * 119)  # its last report
    assert vessels[FERRY]["title"] == "SUNRISE FERRY" and "16.0 kn" in vessels[FERRY]["line2"]
    assert vessels[TANKER]["warning"] == "in an alert" and vessels[FERRY]["warning"] == ""
    alerts = {row["id"]: row for row in layers["alerts"]["data"]}
    assert alerts[STS_ID]["title"] == "sts_transfer" and "score 62" in alerts[STS_ID]["line1"]
    _assert_plain_tooltips(layers)
    ringed = {row["mmsi"] for row in layers["vessel_alert_rings"]["data"]}
    assert ringed == {TANKER, BUNKER}  # in an alert of the window
    assert {m.label: m.value for m in app.metric}["Vessels"] == "3"

    app.checkbox(key="layer_all_tracks").check().run()
    tracks = _layers(_deck(app))["all_tracks"]["data"]
    ferry = next(t for t in tracks if t["title"] == "SUNRISE FERRY")
    # over a day the track is drawn from a sample of the reports: it follows the ferry's way
    (start_lon, _), (end_lon, end_lat) = ferry["path"][0], ferry["path"][-1]
    assert 134.0 <= start_lon < 134.2 and 134.4 < end_lon <= 134.0 + 0.005 * 119
    assert end_lat == pytest.approx(31.0)

    app.multiselect(key="replay_mmsi").select(FERRY).run()
    layers = _layers(_deck(app))
    (trip,) = layers["replay"]["data"]
    assert len(trip["path"]) == 120 and trip["timestamps"][-1] > trip["timestamps"][0]
    assert not app.exception


def test_the_map_draws_scenes_their_quicklooks_and_detections_and_a_pick_shows_the_chip(
    app: AppTest, imaged: StoredScene
) -> None:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    order = [layer["id"] for layer in _deck(app)["layers"]]
    layers = _layers(_deck(app))
    quicklook = f"quicklook-{imaged.id}"
    assert order.index("land") < order.index(quicklook) < order.index("scene_footprints")
    assert order.index("scene_footprints") < order.index("zones")
    assert order[-1] == "detections"  # on top, so a click reaches it
    assert layers[quicklook]["image"].startswith("data:image/png;base64,")
    assert layers[quicklook]["bounds"] == pytest.approx(
        [OPEN_SEA[0] - 0.2, OPEN_SEA[1] - 0.15, OPEN_SEA[0] + 0.2, OPEN_SEA[1] + 0.15]
    )
    (footprint,) = layers["scene_footprints"]["data"]["features"]
    assert footprint["properties"]["line2"] == "mode IW · VV+VH · 10.0 m pixels"
    shown = {row["id"]: row for row in layers["detections"]["data"]}
    tanker, dark = (shown[i] for i in imaged.detection_ids)
    assert tanker["kind"] == "matched" and tanker["colour"][:3] == [0, 158, 115]
    assert tanker["line2"] == f"MMSI {TANKER} · SEA STAR · match at 40 m"
    assert dark["kind"] == "dark" and dark["colour"][:3] == [230, 30, 30]
    assert dark["line2"] == f"nearest AIS: SEA STAR ({TANKER}) at 600 m"
    _assert_plain_tooltips(layers)
    assert not _images(app)  # no chip until a detection is picked

    app.selectbox(key="detection_pick").set_value(imaged.detection_ids[1]).run()
    assert not app.exception, [e.value for e in app.exception]
    (chip,) = _images(app)
    assert chip.caption == f"SAR chip of detection {imaged.detection_ids[1]}"
    assert chip.url.endswith(".png")  # served as stored, not re-encoded
    assert any("confidence 0.93" in c.value and "45 x 8 m" in c.value for c in app.caption)

    app.checkbox(key="layer_detections").uncheck().run()
    assert "detections" not in _layers(_deck(app)) and not _images(app)


def test_the_alert_page_of_a_dark_vessel_shows_its_sar_chip_and_the_detection(
    app: AppTest, imaged: StoredScene
) -> None:
    _open(app, "page_alert.py", alert=DARK_ID)
    assert app.header[0].value == "dark vessel · score 74 · new"
    (chip,) = _images(app)
    assert chip.caption == f"SAR chip of detection {imaged.detection_ids[1]}"
    layers = _layers(_deck(app))
    (spot,) = layers["detection"]["data"]
    assert spot["kind"] == "dark" and spot["lon"] == pytest.approx(OPEN_SEA[0] + 0.006)
    assert layers["tracks"]["data"] == []  # the alert names no vessel
    _assert_plain_tooltips(layers)
    evidence = _frame(app, "key").set_index("key")["value"]
    assert evidence["scene_id"] == str(imaged.id)


def test_the_alerts_page_lists_alerts_by_score_and_filters_them(app: AppTest, busy: Store) -> None:
    insert_alert(
        busy,
        id="gap-dash-0001",
        type="ais_gap",
        mmsi=(FERRY,),
        score=90,
        start=T0 + timedelta(minutes=30),
        lon=134.2,
        lat=31.0,
    )
    _open(app, "page_alerts.py")
    table = _frame(app, "score")
    assert table["id"].tolist() == ["gap-dash-0001", STS_ID, "loi-dash-0001"]
    assert table["link"].iloc[1] == f"alert?alert={STS_ID}"
    assert "SEA STAR (431000001)" in table["vessels"].iloc[1]
    assert table["why"].iloc[1] == "within 500 m for 2.0 h; long"

    app.slider(key="alerts_min_score").set_value(50).run()
    assert _frame(app, "score")["id"].tolist() == ["gap-dash-0001", STS_ID]
    app.multiselect(key="alerts_types").select("sts_transfer").run()
    assert _frame(app, "score")["id"].tolist() == [STS_ID]
    assert not app.exception


def test_the_alert_page_shows_evidence_reasons_and_history_and_records_an_ack(
    app: AppTest, busy: Store
) -> None:
    _open(app, "page_alert.py", alert=STS_ID[:8])
    assert app.header[0].value == "sts transfer · score 62 · new"
    evidence = _frame(app, "key").set_index("key")["value"]
    assert evidence["min_distance_m"] == "287"
    reasons = _frame(app, "reason")
    assert reasons["reason"].tolist() == ["within 500 m for 2.0 h", "long"]
    layers = _layers(_deck(app))
    assert len(layers["tracks"]["data"]) == 2  # both vessels of the pair
    assert {t["title"] for t in layers["tracks"]["data"]} == {
        f"SEA STAR ({TANKER})",
        f"OCEAN BUNKER ({BUNKER})",
    }
    _assert_plain_tooltips(layers)
    positions = _frame(app, "sog_knots")
    assert set(positions["mmsi"]) == {TANKER, BUNKER} and len(positions) == 12

    app.button(key="alert_ack").click().run()
    assert not app.exception
    events = busy.alert_events(STS_ID)
    assert events[["actor", "action", "from_status", "to_status"]].values.tolist() == [
        [INTEL, "ack", "new", "acknowledged"]
    ]
    assert app.header[0].value == "sts transfer · score 62 · acknowledged"
    assert _frame(app, "actor")["actor"].tolist() == [INTEL]
    assert "acknowledged" in app.success[0].value


def test_a_dismissal_without_a_reason_is_an_error_message_not_a_crash(
    app: AppTest, busy: Store
) -> None:
    _open(app, "page_alert.py", alert=STS_ID)
    _button(app, "Dismiss").click().run()
    assert not app.exception
    assert "dismiss needs a reason" in app.error[0].value
    assert busy.alert_events(STS_ID).empty

    app.text_input(key="alert_dismiss_reason").input("a fishing pair, known")
    _button(app, "Dismiss").click().run()
    assert busy.alert(STS_ID)["status"] == "dismissed"  # type: ignore[index]
    assert busy.alert_events(STS_ID)["note"].tolist() == ["a fishing pair, known"]


def test_the_alert_page_says_when_late_data_withdrew_the_alert(app: AppTest, busy: Store) -> None:
    busy.withdraw_alerts([STS_ID], "no longer found by the rule over the same data")
    _open(app, "page_alert.py", alert=STS_ID)
    assert not app.exception
    assert "Withdrawn" in app.warning[0].value and "kept" in app.warning[0].value
    history = _frame(app, "actor")
    assert history[["actor", "action"]].values.tolist() == [["rules", "withdrawn"]]
    assert app.header[0].value == "sts transfer · score 62 · new"  # its status is untouched


def test_the_vessel_page_shows_identity_track_and_alerts_and_edits_the_watchlist(
    app: AppTest, busy: Store
) -> None:
    _open(app, "page_vessel.py", mmsi=str(TANKER))
    assert app.header[0].value == "SEA STAR · MMSI 431000001"
    shown = {m.label: m.value for m in app.metric}
    assert shown["Flag"] == "JP" and shown["IMO"] == "9074729" and shown["Type"] == "tanker (80)"
    alerts = _frame(app, "type")
    assert sorted(alerts["id"]) == ["loi-dash-0001", STS_ID]
    layers = _layers(_deck(app))
    assert len(layers["track"]["data"][0]["path"]) == 120
    assert layers["last"]["data"][0]["line2"] == "0.4 kn"
    _assert_plain_tooltips(layers)

    app.text_input(key="watch_note").input("seen bunkering at night")
    app.button(key="watch_add").click().run()
    assert not app.exception
    entries = busy.watchlist()
    assert entries[["kind", "value", "note", "added_by"]].values.tolist() == [
        ["mmsi", "431000001", "seen bunkering at night", INTEL]
    ]
    app.button(key="watch_remove").click().run()
    assert busy.watchlist().empty


def test_the_reports_page_offers_the_five_downloads(app: AppTest) -> None:
    _open(_as(app, "analyst"), "page_reports.py")
    buttons = app.get("download_button")
    labels = [b.proto.label for b in buttons]
    assert labels == ["GeoPackage", "GeoJSON", "KML", "CSV", "PDF brief"]
    assert "**2 alerts** in the report." in [m.value for m in app.markdown]
    preview = _frame(app, "summary")
    assert preview["id"].tolist() == [STS_ID, "loi-dash-0001"]


def test_the_sources_page_shows_each_source_and_its_rejections(app: AppTest) -> None:
    _open(_as(app, "admin"), "page_sources.py")
    activity = _frame(app, "positions_per_min").set_index("source")
    assert activity.loc["rx-kochi", "positions"] == 240
    assert activity.loc["rx-kochi", "vessels_last_hour"] == 2
    assert activity.loc["rx-muroto", "positions_per_min"] == 1.0  # one a minute, last hour
    rejected = _frame(app, "reason")
    assert rejected[["source", "reason", "records"]].values.tolist() == [
        ["rx-kochi", "bad_checksum", 2]
    ]


def test_the_sources_page_counts_the_scenes_and_what_was_found_in_them(
    app: AppTest, imaged: StoredScene
) -> None:
    _open(_as(app, "admin"), "page_sources.py")
    shown = {m.label: m.value for m in app.metric}
    assert (shown["Scenes"], shown["Detections"], shown["Dark"]) == ("1", "2", "1")
    assert shown["Last acquisition"] == "2026-11-26 22:30 UTC"
    scenes = _frame(app, "pixel_spacing_m")
    assert scenes[["id", "mode", "detections", "dark"]].values.tolist() == [[imaged.id, "IW", 2, 1]]


def test_the_bare_address_with_an_alert_id_opens_that_alert(app: AppTest) -> None:
    app.query_params["alert"] = STS_ID
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == "sts transfer · score 62 · new"


def test_the_sidebar_window_and_live_mode_drive_the_map(app: AppTest) -> None:
    app.run()
    assert "2026-11-26 00:00 to 2026-11-27 00:00 UTC" in [c.value for c in app.sidebar.caption]
    app.radio(key="window_choice").set_value("Last hour").run()
    assert {m.label: m.value for m in app.metric}["Positions drawn"] == "180"  # 60 min x 3, whole

    app.radio(key="window_choice").set_value("Custom").run()
    app.date_input(key="window_from_day").set_value(T0.date() - timedelta(days=3))
    app.date_input(key="window_to_day").set_value(T0.date() - timedelta(days=2)).run()
    assert {m.label: m.value for m in app.metric}["Vessels"] == "0"
    assert "No positions in this window" in app.info[0].value

    app.toggle(key="live").set_value(True).run()
    assert not app.exception, [e.value for e in app.exception]


@pytest.mark.parametrize(
    ("page", "role"),
    [
        ("page_map.py", "monitor"),
        ("page_alerts.py", "monitor"),
        ("page_alert.py", "intel"),
        ("page_vessel.py", "intel"),
        ("page_leads.py", "intel"),
        ("page_reports.py", "analyst"),
        ("page_sources.py", "admin"),
        ("page_users.py", "admin"),
        ("page_audit.py", "admin"),
        ("page_missions.py", "drone_operator"),
    ],
)
def test_every_page_opens_on_an_empty_store(
    store: Store, monkeypatch: pytest.MonkeyPatch, page: str, role: str
) -> None:
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(False))
    add_role_users(store)
    at = _as(AppTest.from_file(str(APP), default_timeout=60), role)
    try:
        _open(at, page, alert="no-such-alert", mmsi="431999999")
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


DRONE_HOME = (133.56, 33.50)  # lon, lat: a beach east of Kochi


@pytest.fixture
def flying(busy: Store) -> int:
    """A five-waypoint mission uploaded to system 7 and drone ``mav7`` flying it: three
    samples, the last at its third item with 64 % battery. Returns the mission's id."""
    lon, lat = DRONE_HOME
    legs = [MissionItem.at(Cmd.NAV_WAYPOINT, lat + 0.01 * k, lon + 0.01, 60.0) for k in range(3)]
    plan = finish_plan("Kochi bay patrol", "patrol", legs, FlightSetup(Point(lat, lon)))
    plan = replace(plan, planned_start=T0, stats=PlanStats(0.0, 7400.0, 600.0, 0, None, 5))
    mission_id = busy.store_mission(mission_record(plan, created_by="officer.kato"))
    busy.set_mission_status(mission_id, "uploaded", uploaded_to="udpout:127.0.0.1:1", system_id=7)
    busy.write_telemetry(
        pd.DataFrame(
            {
                "drone_id": "mav7",
                "ts": [T0 + timedelta(minutes=m) for m in (30, 31, 32)],
                "lon": [lon, lon + 0.005, lon + 0.01],
                "lat": [lat, lat + 0.005, lat + 0.01],
                "altitude_m": 60.0,
                "groundspeed_mps": 12.0,
                "heading_deg": 45.0,
                "battery_pct": [70.0, 67.0, 64.0],
                "system_id": 7,
                "mission_seq": [1, 2, 3],
                "reached_seq": pd.array([None, 1, 2], dtype="Int64"),
                "mode": "AUTO.MISSION",
                "armed": True,
                "link": "udpin:127.0.0.1:1",
            }
        )
    )
    return mission_id


def test_the_missions_page_lists_missions_opens_one_and_follows_the_drone(
    app: AppTest, flying: int
) -> None:
    _open(app, "page_missions.py")
    listed = _frame(app, "kind")
    assert listed[["id", "name", "status", "items"]].values.tolist() == [
        [flying, "Kochi bay patrol", "uploaded", 5]
    ]
    drones = _frame(app, "drone_id")
    row = drones.iloc[0]
    assert (row.drone_id, row.progress, row.battery_pct) == ("mav7", "item 3 of 5", 64.0)
    assert (row["done_pct"], row["mode"]) == (pytest.approx(60.0), "AUTO.MISSION")
    line = "Drone mav7 · Kochi bay patrol · item 3 of 5 · battery 64 % · AUTO.MISSION"
    assert any(t.value.startswith(line) for t in app.text), [t.value for t in app.text]
    live = _layers(_deck(app, -1))  # the drones' map, last on the page
    (drone,) = live["drones"]["data"]
    assert drone["title"] == "Drone mav7" and "battery 64 %" in drone["line1"]
    assert drone["lon"] == pytest.approx(DRONE_HOME[0] + 0.01)
    (trail,) = live["drone_trails"]["data"]
    assert len(trail["path"]) == 3
    (route,) = live["missions"]["data"]  # the mission it flies
    assert route["id"] == flying and route["colour"][:3] == [213, 94, 0]  # uploaded
    _assert_plain_tooltips(live)

    app.selectbox(key="mission_open").set_value(flying).run()
    assert not app.exception, [e.value for e in app.exception]
    opened = _layers(_deck(app, 0))  # read back from its stored .plan
    assert len(opened["plan_waypoints"]["data"]) == 4  # takeoff, 3 legs (RTL has no place)
    assert {m.label: m.value for m in app.metric}["Distance"] == "7.40 km"
    labels = [d.proto.label for d in app.get("download_button")]
    assert labels == [f"Download {s}" for s in (".plan", ".waypoints", ".kml", ".geojson")]


def test_the_map_draws_drone_missions_and_drones(app: AppTest, flying: int) -> None:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    layers = _layers(_deck(app))
    assert {"missions", "missions_waypoints", "drones", "drone_trails"} <= set(layers)
    assert layers["missions"]["data"][0]["title"] == "Kochi bay patrol"
    order = [layer["id"] for layer in _deck(app)["layers"]]
    assert order.index("vessels") < order.index("missions") < order.index("drones")


def test_send_a_drone_opens_the_intercept_form_for_the_alert(app: AppTest) -> None:
    _open(_as(app, "drone_operator"), "page_alert.py", alert=STS_ID)
    app.button(key="alert_send_drone").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert app.header[0].value == "Missions"
    assert app.radio(key="mission_source").value == "From an alert (intercept)"
    assert app.text_input(key="mission_alert").value == STS_ID


_BOWTIE = (
    b'{"type": "Polygon", "coordinates": [[[133, 33], [134, 34], [134, 33], [133, 34], [133, 33]]]}'
)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (
            b'{"type": "Point", "coordinates": [133.5, 33.4]}',
            "a Polygon or MultiPolygon is wanted, not a Point",
        ),
        (_BOWTIE, "polygon 1 is not valid: Self-intersection[133.5 33.5]"),
        (
            _BOWTIE.replace(b"133,", b"400,"),
            "polygon 1 is broken: lon 400, lat 33 is outside lon -180..180, lat -90..90",
        ),
        (_BOWTIE.replace(b"[134, 33]", b"[NaN, 33]"), "not GeoJSON (NaN is not a number in JSON)"),
        (b"[" * 50_000 + b"]" * 50_000, "not GeoJSON (nested too deeply)"),
        (b" " * (5 * 2**20 + 1), "5.0 MB, larger than the 5.0 MB a geojson file may be"),
    ],
)
def test_a_bad_area_file_is_refused_as_text(app: AppTest, data: bytes, says: str) -> None:
    _open(_as(app, "drone_operator"), "page_missions.py")
    app.file_uploader(key="mission_area_file").set_value(
        ("bay.geojson", data, "application/json")
    ).run()
    app.button(key="mission_plan_button").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert [as_read(e.value).split("\n")[0] for e in app.error] == [f"bay.geojson: {says}"]


SURVEY_AREA = [[133.600, 33.420], [133.604, 33.420], [133.604, 33.424], [133.600, 33.424]]


def _survey(app: AppTest) -> None:
    """On the Missions page, the drone operator plans a survey of :data:`SURVEY_AREA`
    uploaded as GeoJSON."""
    _open(_as(app, "drone_operator"), "page_missions.py")
    area = {"type": "Polygon", "coordinates": [[*SURVEY_AREA, SURVEY_AREA[0]]]}
    app.file_uploader(key="mission_area_file").set_value(
        ("bay.geojson", json.dumps(area).encode(), "application/geo+json")
    ).run()
    app.text_input(key="mission_home").input("33.418, 133.598").run()
    app.button(key="mission_plan_button").click().run()
    assert not app.exception, [e.value for e in app.exception]


def test_the_form_plans_a_survey_from_an_uploaded_area_and_saves_it(
    app: AppTest, busy: Store
) -> None:
    _survey(app)
    assert not app.error, [e.value for e in app.error]
    shown = {m.label: m.value for m in app.metric}
    assert set(shown) == {"Area", "Distance", "Flight time", "Photos", "GSD", "Items"}
    assert shown["GSD"] == "1.64 cm/px"  # 60 m with the 1-inch camera, as QGroundControl says
    assert int(shown["Photos"]) > 0 and float(shown["Area"].split()[0]) > 0.15
    layers = _layers(_deck(app, 0))
    (surveyed,) = layers["plan_area"]["data"]
    np.testing.assert_allclose(surveyed["polygon"], SURVEY_AREA)
    assert len(layers["plan_waypoints"]["data"]) > 4
    _assert_plain_tooltips(layers)

    app.button(key="mission_save").click().run()
    (stored,) = busy.missions().itertuples()
    assert (stored.kind, stored.created_by, stored.status) == ("survey", PILOT, "planned")
    assert _button(app, f"Saved as mission {stored.id}").disabled


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_saved_plan_uploads_to_the_simulated_vehicle_and_the_store_records_it(
    app: AppTest, busy: Store
) -> None:
    from simulator.vehicle import Vehicle

    _survey(app)
    app.button(key="mission_save").click().run()
    plan = app.session_state["mission_current"]
    url = f"udpout:127.0.0.1:{_free_udp_port()}"
    with Vehicle(url.replace("udpout", "udpin"), system_id=5) as vehicle:
        app.text_input(key="made_connect").input(url).run()
        app.button(key="made_upload").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    received = [(i.command, i.x, i.y, i.z) for i in vehicle.lists[0]]
    assert received == [(i.command, i.x, i.y, i.z) for i in plan.mission_items()]  # integers
    (stored,) = busy.missions().itertuples()
    assert (stored.status, stored.system_id, stored.uploaded_to) == ("uploaded", 5, url)


def test_the_vehicles_refusal_is_shown_in_words(app: AppTest, busy: Store) -> None:
    from simulator.vehicle import Vehicle

    _survey(app)
    app.button(key="mission_save").click().run()
    url = f"udpout:127.0.0.1:{_free_udp_port()}"
    with Vehicle(url.replace("udpout", "udpin"), system_id=5, max_items=3):
        app.text_input(key="made_connect").input(url).run()
        app.button(key="made_upload").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (refusal,) = [as_read(e.value) for e in app.error]
    assert "refused the mission" in refusal and "\n" not in refusal.strip()
    assert busy.missions().iloc[0].status == "planned"


def test_the_alert_page_shows_the_drone_sightings_that_answer_it(app: AppTest, busy: Store) -> None:
    note = "<script>alert(1)</script> grey hull, no name"
    photo = solid_png((10, 200, 10))
    sighting = SightingRecord(
        lon=OPEN_SEA[0],
        lat=OPEN_SEA[1],
        ts=T0 + timedelta(minutes=40),
        key="sighting-dash-1",
        note=note,
        photo=photo,
        photo_name="IMG_0001.png",
        alert_id=STS_ID,
        drone_id="mav7",
        reported_by="pilot.sato",
        identified_mmsi=TANKER,
    )
    sighting_id, _ = busy.store_sighting(sighting)
    _open(app, "page_alert.py", alert=STS_ID)
    table = _frame(app, "photo_name")
    assert table[["id", "mmsi", "reported_by"]].values.tolist() == [
        [sighting_id, TANKER, "pilot.sato"]
    ]
    (shown,) = [i for i in _images(app) if "drone sighting" in i.caption]
    assert shown.caption == f"Photo of drone sighting {sighting_id}"
    assert [t.value for t in app.text if note in t.value] == [f"Sighting {sighting_id}: {note}"]


def test_the_intercept_of_an_alert_is_planned_and_a_refusal_is_one_line(app: AppTest) -> None:
    _open(_as(app, "drone_operator"), "page_missions.py", alert=STS_ID)  # "Send a drone"
    app.text_input(key="mission_home").input("33.45, 133.60").run()  # Kochi: 150 km away
    app.button(key="mission_plan_button").click().run()
    assert not app.exception, [e.value for e in app.exception]
    (refusal,) = [as_read(e.value) for e in app.error]
    assert refusal.startswith("plan refused: ") and "\n" not in refusal.strip()

    near = f"{OPEN_SEA[1] + 0.02}, {OPEN_SEA[0]}"  # a ship's deck 2 km north of the pair
    app.text_input(key="mission_home").input(near).run()
    app.date_input(key="mission_start_day").set_value((T0 + timedelta(hours=2)).date()).run()
    app.time_input(key="mission_start_time").set_value((T0 + timedelta(hours=2)).time()).run()
    app.button(key="mission_plan_button").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    plan = app.session_state["mission_current"]
    assert plan.kind == "intercept" and plan.meta.get("alert_id") == STS_ID
    assert "Distance" in {m.label for m in app.metric}


def test_a_sighting_reported_on_the_alert_page_is_stored_and_attached(
    app: AppTest, busy: Store
) -> None:
    _open(_as(app, "drone_operator"), "page_alert.py", alert=STS_ID)
    app.text_input(key="alert_sight_at").input("30.45, 134.95")  # a form: sent together
    app.text_input(key="alert_sight_when").input("2026-11-26T22:30:00Z")
    app.text_area(key="alert_sight_note").input("<b>two hulls</b>, hoses out")
    _button(app, "Report the sighting").click().run()
    assert not app.exception, [e.value for e in app.exception]
    assert not app.error, [e.value for e in app.error]
    (said,) = [s.value for s in app.success]
    (row,) = busy.sightings(alert_id=STS_ID).itertuples()
    assert said.startswith(f"stored as detection {row.id}, attached to alert {STS_ID}: ")
    assert (row.note, row.reported_by) == ("<b>two hulls</b>, hoses out", PILOT)
    app.text_input(key="alert_sight_at").input("north of here")
    _button(app, "Report the sighting").click().run()
    assert [e.value for e in app.error] and len(busy.sightings(alert_id=STS_ID)) == 1


def test_an_alert_changed_by_someone_else_is_said_and_the_typed_reason_kept(
    app: AppTest, busy: Store
) -> None:
    _open(app, "page_alert.py", alert=STS_ID)
    app.text_input(key="alert_dismiss_reason").input("a fishing pair, known")
    busy.act_on_alert(STS_ID, "ack", "mona")  # another desk, while the page is open

    _button(app, "Dismiss").click().run()
    assert not app.exception
    said = as_read(app.error[0].value)
    assert "changed since you opened it: acknowledged by mona at " in said
    assert "your dismiss was not recorded" in said
    assert app.text_input(key="alert_dismiss_reason").value == "a fishing pair, known"
    assert app.header[0].value == "sts transfer · score 62 · acknowledged"
    assert busy.alert_events(STS_ID)["actor"].tolist() == ["mona"]

    _button(app, "Dismiss").click().run()  # looked again: the same reason, now it lands
    assert busy.alert(STS_ID)["status"] == "dismissed"  # type: ignore[index]
    assert busy.alert_events(STS_ID)["note"].tolist()[-1] == "a fishing pair, known"
