"""Ships seen by SAR matched to AIS on a real store, and the dark ones raised by ``detect``.

One scene over the open sea at ``T0`` + 1 h: a ship sailing with AIS (matched), a tanker
drifting with AIS (matched) and a ship beside it that sends nothing (a dark rendezvous),
and a ship alone 20 km off with no AIS at all (a dark vessel).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from surveillance.store import SceneRecord, Store
from tests.builders.cli import Ran, as_user
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, drifting, load_positions
from tests.builders.users import add_user

SAILING, TANKER, LATE = 431000001, 431000002, 431000003
IMAGE = T0 + timedelta(hours=1)
EAST_M = 111_195.0 * np.cos(np.radians(OPEN_SEA[1]))  # metres in a degree of longitude
DARK_AT = (OPEN_SEA[0] + 20_000 / EAST_M, OPEN_SEA[1] + 0.05)
WINDOW = ("--since", "2026-11-26T22:00Z", "--until", "2026-11-27T01:00Z")


def sailing(mmsi: int, start_lon: float, lat: float, hours: float = 3.0) -> pd.DataFrame:
    """Eastward at 10 kn from ``T0``, reporting every 10 s."""
    ts = pd.date_range(T0, T0 + timedelta(hours=hours), freq="10s")
    run_m = 10 * 1852 / 3600 * (ts - T0).total_seconds().to_numpy()
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "ts": ts,
            "lon": start_lon + run_m / EAST_M,
            "lat": lat,
            "sog_knots": 10.0,
            "cog_deg": 90.0,
        }
    )


def east_of(where: tuple[float, float], metres: float) -> tuple[float, float]:
    return where[0] + metres / EAST_M, where[1]


def scene_with(
    *ships: tuple[tuple[float, float], float, float],
) -> tuple[SceneRecord, pd.DataFrame]:
    """A scene at ``IMAGE`` over the open sea holding ships (where, length, confidence)."""
    footprint = shapely.box(
        OPEN_SEA[0] - 0.3, OPEN_SEA[1] - 0.3, OPEN_SEA[0] + 0.5, OPEN_SEA[1] + 0.3
    )
    record = SceneRecord(
        sha256="d" * 64,
        uri="/scenes/open-sea.tif",
        sensor="sar",
        acquired_at=IMAGE,
        footprint=footprint,
        pixel_spacing_m=10.0,
    )
    n = len(ships)
    detections = pd.DataFrame(
        {
            "lon": [s[0][0] for s in ships],
            "lat": [s[0][1] for s in ships],
            "length_m": [s[1] for s in ships],
            "width_m": 15.0,
            "heading_deg": 90.0,
            "confidence": [s[2] for s in ships],
            "pixel_row": 100.5,
            "pixel_col": [100.5 + 50 * i for i in range(n)],
            "coast_distance_m": 150_000.0,
            "chip_png": [b"\x89PNG-chip-%d" % i for i in range(n)],
            "key": [f"{'d' * 64}:{i}" for i in range(n)],
        }
    )
    return record, detections


def the_day(store: Store) -> dict[str, int]:
    """The AIS of the day and the scene; the detection ids by what they are."""
    sailing_lon = OPEN_SEA[0] - 0.2
    load_positions(store, sailing(SAILING, sailing_lon, OPEN_SEA[1] - 0.1))
    load_positions(store, drifting(TANKER, T0, 3, every_s=30))
    store.write_identities(
        pd.DataFrame({"mmsi": [SAILING, TANKER], "ts": [T0] * 2, "length_m": [110.0, 180.0]})
    )
    at_image_m = 10 * 1852 / 3600 * 3600
    scene, ships = scene_with(
        (east_of((sailing_lon, OPEN_SEA[1] - 0.1), at_image_m + 40), 100.0, 0.95),
        (OPEN_SEA, 170.0, 0.9),
        (east_of(OPEN_SEA, 350), 60.0, 0.8),
        (DARK_AT, 70.0, 0.9),
    )
    scene_id, _ = store.store_scene(scene, ships)
    ids = store.detections(scene_id=scene_id).set_index("key")["id"]
    names = ("sailing", "tanker", "partner", "dark")
    return {name: int(ids[f"{'d' * 64}:{i}"]) for i, name in enumerate(names)}


def test_detect_matches_the_scene_and_raises_the_dark_ships(
    store: Store, coastwatch: Callable[..., Ran]
) -> None:
    ids = the_day(store)
    ran = coastwatch("detect", *WINDOW)
    assert ran.code == 0, ran.stderr
    assert "4 detections (2 matched to AIS, 2 dark)" in ran.stdout
    found = store.detections().set_index("id")
    assert found.loc[ids["sailing"], "matched_mmsi"] == SAILING
    assert found.loc[ids["tanker"], "matched_mmsi"] == TANKER
    assert found.loc[ids["sailing"], "match_distance_m"] < 100
    assert pd.isna(found.loc[ids["partner"], "matched_mmsi"])
    assert found.loc[ids["dark"], "dark"] and not found.loc[ids["sailing"], "dark"]
    (reported,) = [v for v in found.loc[ids["tanker"], "near_vessels"] if v["matched"]]
    assert (reported["ais_length_m"], reported["sar_length_m"]) == (180.0, 170.0)

    intel = as_user(coastwatch, add_user(store, "ines", "intel").username)
    listed = json.loads(intel("alerts", "list", "--format", "json").stdout)
    dark = [a for a in listed if a["type"] == "dark_vessel"]
    assert len(dark) == 2 and all(a["mmsi"] == [] for a in dark)
    stored = store.alerts(types=["dark_vessel"])
    dark_ids = sorted(e["detection_id"] for e in stored["evidence"])
    assert dark_ids == sorted([ids["partner"], ids["dark"]])  # never the matched ships
    (meeting,) = [a for a in listed if a["type"] == "dark_rendezvous"]
    assert meeting["mmsi"] == [TANKER]
    assert abs(meeting["lon"] - east_of(OPEN_SEA, 350)[0]) < 1e-4
    (evidence,) = store.alerts(types=["dark_rendezvous"])["evidence"]
    assert evidence["detection_id"] == ids["partner"] and evidence["tracks"][str(TANKER)]


def test_alerts_on_no_vessel_show_list_and_report_like_any_other(
    store: Store, coastwatch: Callable[..., Ran], tmp_path: Path
) -> None:
    ids = the_day(store)
    assert coastwatch("detect", *WINDOW).code == 0
    intel = as_user(coastwatch, add_user(store, "ines", "intel").username)
    analyst = as_user(coastwatch, add_user(store, "alice", "analyst").username)
    table = intel("alerts", "list", "--type", "dark_vessel")
    assert table.code == 0 and table.stdout.count("dark_vessel") == 2
    (alert,) = [
        a["id"]
        for a in store.alerts(types=["dark_vessel"]).to_dict("records")
        if a["evidence"]["detection_id"] == ids["dark"]
    ]
    shown = intel("alerts", "show", alert[:12])
    assert shown.code == 0 and f"detection_id: {ids['dark']}" in shown.stdout
    report = tmp_path / "brief.csv"
    ran = analyst("report", *WINDOW, "--format", "csv", "-o", str(report))
    assert ran.code == 0, ran.stderr
    rows = pd.read_csv(report)
    assert sorted(rows["type"]) == ["dark_rendezvous", "dark_vessel", "dark_vessel"]


def test_late_ais_explains_a_dark_ship_and_its_alert_is_withdrawn(
    store: Store, coastwatch: Callable[..., Ran]
) -> None:
    ids = the_day(store)
    assert coastwatch("detect", *WINDOW).code == 0
    again = coastwatch("detect", *WINDOW)
    assert "0 new or changed" in again.stdout  # running twice changes nothing
    (before,) = [
        a
        for a in store.alerts(types=["dark_vessel"]).to_dict("records")
        if a["evidence"]["detection_id"] == ids["dark"]
    ]
    late = sailing(LATE, DARK_AT[0] - 10 * 1852 / EAST_M, DARK_AT[1])  # there at the image time
    load_positions(store, late)
    assert coastwatch("detect", *WINDOW).code == 0
    found = store.detections().set_index("id")
    assert found.loc[ids["dark"], "matched_mmsi"] == LATE and not found.loc[ids["dark"], "dark"]
    after = store.alerts(types=["dark_vessel"]).set_index("id")
    assert pd.notna(after.loc[before["id"], "withdrawn_at"])


def test_matching_reads_each_vessels_reports_either_side_of_the_image(store: Store) -> None:
    load_positions(store, sailing(SAILING, OPEN_SEA[0] - 0.2, OPEN_SEA[1]))
    load_positions(store, drifting(TANKER, T0, 0.5, every_s=30))  # silent before the image
    box = (OPEN_SEA[0] - 1, OPEN_SEA[1] - 1, OPEN_SEA[0] + 1, OPEN_SEA[1] + 1)
    near = store.reports_around(IMAGE + timedelta(seconds=5), timedelta(hours=1), box)
    times = near.groupby("mmsi")["ts"].apply(lambda ts: sorted(pd.Timestamp(t) for t in ts))
    assert times[SAILING] == [pd.Timestamp(IMAGE), pd.Timestamp(IMAGE + timedelta(seconds=10))]
    assert times[TANKER] == [pd.Timestamp(T0 + timedelta(minutes=30))]
    assert {"lon", "lat", "sog_knots", "cog_deg"} <= set(near.columns)
    far = (OPEN_SEA[0] + 2, OPEN_SEA[1] + 2, OPEN_SEA[0] + 3, OPEN_SEA[1] + 3)
    assert store.reports_around(IMAGE, timedelta(hours=1), far).empty
