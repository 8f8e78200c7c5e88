"""The dashboard's satellite data on a real store: footprints and quicklooks of the scenes
in view, detections by what AIS says of them, one detection's chip, the Sources page's
summary, and the SAR detection behind a dark-vessel alert."""

from __future__ import annotations

import base64
from datetime import timedelta

import pandas as pd
import pytest
import shapely

from dashboard.data.alerts import alert_detail
from dashboard.data.scenes import (
    detection_evidence,
    map_detections,
    quicklooks,
    scene_footprints,
    scene_summary,
)
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, load_positions
from tests.builders.stored_scenes import Ship, StoredScene, match, solid_png, stored_scene

TANKER, HOSTILE_MMSI = 431000001, 431000009
HOSTILE = "<img src=x onerror=alert(1)>"
LON, LAT = OPEN_SEA
FOOTPRINT = shapely.box(LON - 0.2, LAT - 0.15, LON + 0.2, LAT + 0.15)
WINDOW = (T0 - timedelta(hours=1), T0 + timedelta(hours=1))
QUICKLOOK = solid_png((200, 0, 200))


@pytest.fixture
def scene(store: Store) -> StoredScene:
    """A scene at T0 with three ships: one matched to SEA STAR at 85 m, one dark with
    a vessel of a hostile name 800 m off, one not matched yet."""
    store.write_identities(
        pd.DataFrame(
            {"mmsi": [TANKER, HOSTILE_MMSI], "name": ["SEA STAR", HOSTILE], "ts": [T0, T0]}
        )
    )
    found = stored_scene(
        store,
        FOOTPRINT,
        [Ship(LON, LAT, 180.0), Ship(LON + 0.05, LAT, 40.0, 0.95), Ship(LON - 0.05, LAT, 25.0)],
        quicklook=QUICKLOOK,
    )
    matched, dark, _ = found.detection_ids
    match(store, matched, mmsi=TANKER, distance_m=85.0, near=[{"mmsi": TANKER, "distance_m": 85}])
    match(store, dark, dark=True, near=[{"mmsi": HOSTILE_MMSI, "distance_m": 800.0}])
    return found


def test_detections_are_told_apart_by_what_ais_says_of_them(
    store: Store, scene: StoredScene
) -> None:
    found = map_detections(store, WINDOW, None).set_index("id")
    matched, dark, unmatched = (found.loc[i] for i in scene.detection_ids)
    assert (matched["kind"], dark["kind"], unmatched["kind"]) == ("matched", "dark", "unmatched")
    assert matched["line2"] == f"MMSI {TANKER} · SEA STAR · match at 85 m"
    assert dark["title"] == "Dark vessel (no AIS)"
    assert dark["line1"] == "0.95 confidence · 40 m long"
    assert dark["line2"] == f"nearest AIS: {HOSTILE} ({HOSTILE_MMSI}) at 800 m"  # text as sent
    assert dark["warning"].startswith("dark")
    assert unmatched["line2"] == "no AIS vessel near" and unmatched["warning"] == ""
    assert matched["line3"] == "2026-11-26 22:00:00 UTC"
    assert (dark["lon"], dark["lat"]) == pytest.approx((LON + 0.05, LAT))


def test_detections_and_scenes_follow_the_window_and_the_box(
    store: Store, scene: StoredScene
) -> None:
    later = (T0 + timedelta(hours=2), T0 + timedelta(hours=3))
    assert map_detections(store, later, None).empty
    assert scene_footprints(store, later, None).empty
    east = (LON + 0.03, LAT - 1, LON + 1, LAT + 1)
    assert map_detections(store, WINDOW, east)["id"].tolist() == [scene.detection_ids[1]]
    elsewhere = (LON + 1, LAT + 1, LON + 2, LAT + 2)
    assert scene_footprints(store, WINDOW, elsewhere).empty
    assert scene_footprints(store, WINDOW, east)["id"].tolist() == [scene.id]


def test_a_footprint_names_its_scene_and_the_quicklook_travels_as_a_data_url(
    store: Store, scene: StoredScene
) -> None:
    footprints = scene_footprints(store, WINDOW, None)
    (row,) = footprints.itertuples()
    assert row.title == f"Scene {scene.id}"
    assert row.line1 == "2026-11-26 22:00:00 UTC · SAR"
    assert row.line2 == "mode IW · VV+VH · 10.0 m pixels"
    assert row.line3 == "S1A_IW_GRDH_1SDV_TEST"
    (image,) = quicklooks(store, footprints).itertuples()
    prefix = "data:image/png;base64,"
    assert image.image.startswith(prefix)
    assert base64.b64decode(image.image[len(prefix) :]) == QUICKLOOK
    assert image.bounds == pytest.approx(list(FOOTPRINT.bounds))


def test_only_the_newest_scenes_in_view_send_their_quicklook(store: Store) -> None:
    for hour in range(4):
        stored_scene(store, FOOTPRINT, [], acquired_at=T0 + timedelta(hours=hour), name=f"s{hour}")
    footprints = scene_footprints(store, (T0, T0 + timedelta(hours=4)), None)
    assert len(footprints) == 4
    sent = quicklooks(store, footprints, limit=2)
    assert sent["id"].tolist() == footprints["id"].tolist()[-2:]


def test_a_detection_shows_its_chip_time_size_confidence_and_match(
    store: Store, scene: StoredScene
) -> None:
    found = detection_evidence(store, scene.detection_ids[0], scene.id)
    assert found is not None
    assert found.chip_png == scene.chips[0] and found.chip_png.startswith(b"\x89PNG")
    assert found.kind == "matched" and found.length_m == 180.0 and found.confidence == 0.9
    assert found.caption == (
        "SAR detection, AIS vessel · 2026-11-26 22:00:00 UTC · 180 x 30 m · heading 30° · "
        f"confidence 0.90 · MMSI {TANKER} · SEA STAR · match at 85 m"
    )
    assert detection_evidence(store, 10**9, scene.id) is None


def test_the_sources_summary_counts_scenes_detections_and_dark(
    store: Store, scene: StoredScene
) -> None:
    stored_scene(store, FOOTPRINT, [], acquired_at=T0 + timedelta(minutes=30), name="empty")
    summary = scene_summary(store, WINDOW)
    assert (len(summary.scenes), summary.detections, summary.dark) == (2, 3, 1)
    assert summary.last_acquired_at == T0 + timedelta(minutes=30)
    assert summary.scenes[["product", "detections", "dark"]].values.tolist() == [
        ["empty", 0, 0],
        ["S1A_IW_GRDH_1SDV_TEST", 3, 1],
    ]
    nothing = scene_summary(store, (T0 + timedelta(days=1), T0 + timedelta(days=2)))
    assert nothing.scenes.empty and nothing.last_acquired_at is None and nothing.dark == 0


def test_a_dark_vessel_alert_brings_its_detection_and_no_one_elses_tracks(
    store: Store, scene: StoredScene
) -> None:
    load_positions(store, pd.DataFrame({"mmsi": [TANKER], "ts": [T0], "lon": [LON], "lat": [LAT]}))
    dark = scene.detection_ids[1]
    insert_alert(
        store,
        id="dark-dash-0001",
        type="dark_vessel",
        mmsi=(),
        score=70,
        lon=LON + 0.05,
        lat=LAT,
        evidence={"detection_id": dark, "scene_id": scene.id},
    )
    detail = alert_detail(store, "dark-dash-0001")
    assert detail is not None and detail.detection is not None
    assert detail.detection.id == dark and detail.detection.chip_png == scene.chips[1]
    assert detail.detection.on_map["kind"].tolist() == ["dark"]
    assert detail.tracks.empty  # the alert names no vessel: no one's positions are read
