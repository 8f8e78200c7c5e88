"""The simulator: deterministic, realistic enough to ingest, with every event in the feed."""

from __future__ import annotations

import json
import socket
import subprocess
from collections import Counter
from datetime import datetime
from pathlib import Path

import pytest
import rasterio
import shapely
import shapely.geometry

from ais_ingest.pipeline import ingest_files
from satellite.raster import open_scene
from surveillance.geodesy import haversine_m
from surveillance.store import Store
from tests.builders import cli
from tests.builders.cli import Coastwatch

EVENTS = {
    "sts_transfer",
    "dark_rendezvous",
    "suspicious_landing",
    "ais_gap",
    "loitering",
    "zone_entry",
    "identity_anomaly",
    "watchlist",
    "dark_vessel",
}
SCENE_EVENTS = {"dark_vessel", "dark_rendezvous"}  # seen at one instant, in a SAR scene


def simulate(out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return cli.run("simulate", "--out", str(out), *args)


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("day")
    result = simulate(out, "--seed", "3", "--vessels", "30", "--hours", "24")
    assert result.returncode == 0, result.stderr
    return out


def test_the_same_seed_gives_the_same_scenario(tmp_path: Path) -> None:
    runs = {}
    for name in ("a", "b"):
        runs[name] = simulate(tmp_path / name, "--seed", "7", "--vessels", "5", "--hours", "0.5")
        assert runs[name].returncode == 0
    assert (tmp_path / "a" / "feed.nmea").read_bytes() == (
        tmp_path / "b" / "feed.nmea"
    ).read_bytes()
    scenes = sorted((tmp_path / "a" / "scenes").iterdir())
    printed = "".join(runs["a"].stderr.split())  # the console (stderr) may wrap its lines
    assert len(scenes) == 3 and all(path.name in printed for path in scenes)
    for path in scenes:
        assert path.read_bytes() == (tmp_path / "b" / "scenes" / path.name).read_bytes()
    pages = sorted((tmp_path / "a" / "web").rglob("*.html"))
    assert len(pages) >= 4
    for path in pages:
        assert path.read_bytes() == (tmp_path / "b" / path.relative_to(tmp_path / "a")).read_bytes()
    other = simulate(
        tmp_path / "c", "--seed", "8", "--vessels", "5", "--hours", "0.5", "--scenes", "0"
    )
    assert other.returncode == 0
    assert (tmp_path / "c" / "feed.nmea").read_bytes() != (
        tmp_path / "a" / "feed.nmea"
    ).read_bytes()
    assert not (tmp_path / "c" / "scenes").exists()
    assert json.loads((tmp_path / "c" / "truth.json").read_text())["scenes"] == []


def test_a_day_holds_every_kind_of_event_with_its_truth(day: Path) -> None:
    truth = json.loads((day / "truth.json").read_text())
    assert {event["type"] for event in truth["events"]} == EVENTS
    for event in truth["events"]:
        if event.get("scene"):
            assert event["type"] in SCENE_EVENTS and event["start"] == event["end"]
        else:
            assert event["start"] < event["end"] and event["mmsi"]
        assert 122 <= event["lon"] <= 150 and 24 <= event["lat"] <= 46
    (sts,) = [e for e in truth["events"] if e["type"] == "sts_transfer"]
    leads = [
        lead
        for lead in truth["leads"]
        if lead["event"] == {"type": "sts_transfer", "mmsi": sts["mmsi"]}
    ]
    assert {lead["source"] for lead in leads} == {"harbour-talk", "paste-mirror"}
    assert all((day / lead["page"]).is_file() for lead in truth["leads"])
    assert (day / "web" / "sources.toml").is_file()


def test_the_feed_ingests_cleanly_and_shows_the_events(day: Path, store: Store) -> None:
    stats = ingest_files([day / "feed.nmea"], store)
    assert stats.positions > 10_000 and not stats.rejected
    truth = json.loads((day / "truth.json").read_text())
    seen = set(store.positions(mmsi=[m for e in truth["events"] for m in e["mmsi"]])["mmsi"])
    for event in truth["events"]:
        assert set(event["mmsi"]) <= seen, event
    (meeting,) = [e for e in truth["events"] if "dark_mmsi" in e]
    window = tuple(datetime.fromisoformat(meeting[k]) for k in ("start", "end"))
    assert store.positions(window, mmsi=meeting["dark_mmsi"]).empty  # its AIS is off
    assert store.table_counts()["vessels"] > 10  # static messages were decoded too


def test_a_day_s_drone_flights_ingest_and_pass_over_their_events(
    day: Path, coastwatch: Coastwatch, store: Store
) -> None:
    truth = json.loads((day / "truth.json").read_text())
    flights = truth["drones"]
    assert [f["file"] for f in flights] == ["drone/flight-1.tlog", "drone/flight-2.tlog"]
    ran = coastwatch("ingest", "drone", str(day / "drone"))
    assert ran.code == 0, ran.stderr
    assert "rejected" not in ran.stdout
    for flight in flights:
        rows = store.telemetry(drone_id=f"mav{flight['system_id']}")
        assert rows["ts"].min() >= datetime.fromisoformat(flight["start"])
        assert rows["ts"].max() <= datetime.fromisoformat(flight["end"])
        (event, *_) = [
            e
            for e in truth["events"]
            if (e["type"], e["mmsi"]) == (flight["event"], flight["mmsi"])
        ]
        closest_m = haversine_m(rows.geometry.x, rows.geometry.y, event["lon"], event["lat"]).min()
        assert closest_m < 25.0  # over the spot (a sample a second at 25 m/s)
        assert rows["reached_seq"].max() == 6  # the box's last corner
        assert (rows["mode"] == "MISSION").all()


def test_a_day_s_first_scene_shows_the_dark_partner_beside_the_ais_ship(day: Path) -> None:
    truth = json.loads((day / "truth.json").read_text())
    scenes = truth["scenes"]
    (meeting,) = [e for e in truth["events"] if "dark_mmsi" in e]
    first = scenes[0]
    assert meeting["start"] <= first["time"] <= meeting["end"]
    ship = {s["mmsi"]: s for s in first["ships"]}
    ais, partner = ship[meeting["mmsi"][0]], ship[meeting["dark_mmsi"][0]]
    assert not ais["dark"] and partner["dark"]
    assert abs(ais["lat"] - partner["lat"]) < 0.005 and abs(ais["lon"] - partner["lon"]) < 0.005
    assert sum(s["mmsi"] is None and s["dark"] for s in first["ships"]) >= 2  # no AIS at all
    seen = [e for e in truth["events"] if e.get("scene") == first["file"]]
    rendezvous = [e for e in seen if e["type"] == "dark_rendezvous"]
    assert [e["mmsi"] for e in rendezvous] == [meeting["mmsi"]]
    assert rendezvous[0]["start"] == rendezvous[0]["end"] == first["time"]
    dark_offshore = [s for s in first["ships"] if s["dark"] and s["coast_distance_m"] >= 1000]
    assert len([e for e in seen if e["type"] == "dark_vessel"]) == len(dark_offshore)


def test_a_day_s_scenes_read_back_with_their_time_footprint_and_georeferencing(day: Path) -> None:
    truth = json.loads((day / "truth.json").read_text())
    assert 2 <= len(truth["scenes"]) <= 4
    placed_by_gcps = 0
    for scene in truth["scenes"]:
        with open_scene(day / scene["file"]) as raster:
            assert raster.meta.acquired_at == datetime.fromisoformat(scene["time"])
            assert raster.spacing_m == pytest.approx(10.0, rel=0.02)
            footprint = shapely.geometry.shape(scene["footprint"])
            assert shapely.hausdorff_distance(raster.footprint, footprint) < 1e-3
            for ship in scene["ships"]:
                assert footprint.contains(shapely.Point(ship["lon"], ship["lat"]))
        with rasterio.open(day / scene["file"]) as raw:
            placed_by_gcps += bool(raw.gcps[0]) and raw.transform.is_identity
    assert placed_by_gcps == 1


@pytest.fixture(scope="module")
def hard_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("hard")
    result = simulate(out, "--seed", "4", "--vessels", "30", "--scenario", "hard")
    assert result.returncode == 0, result.stderr
    return out


def test_the_hard_day_holds_several_events_of_each_kind_and_its_lookalikes(
    hard_day: Path,
) -> None:
    truth = json.loads((hard_day / "truth.json").read_text())
    kinds = Counter(event["type"] for event in truth["events"])
    assert set(kinds) == EVENTS and not truth["skipped_events"]
    assert min(kinds.values()) >= 2 and kinds["identity_anomaly"] >= 4
    for rule in ("sts_transfer", "loitering", "ais_gap", "zone_entry", "suspicious_landing"):
        mine = [e for e in truth["events"] if e["type"] == rule]
        assert len({(round(e["lon"], 1), round(e["lat"], 1)) for e in mine}) == len(mine)
    assert kinds["sts_transfer"] == kinds["loitering"] == kinds["ais_gap"] == 3
    looks = Counter(entry["kind"] for entry in truth["lookalikes"])
    assert looks["pair_trawling"] >= 4 and looks["coverage_hole"] >= 2


def test_the_hard_day_has_a_scene_over_each_transfer_with_a_dark_partner(hard_day: Path) -> None:
    truth = json.loads((hard_day / "truth.json").read_text())
    meetings = [e for e in truth["events"] if "dark_mmsi" in e]
    assert len(meetings) == 2 and len(truth["scenes"]) == 3
    for meeting, scene in zip(meetings, truth["scenes"], strict=False):
        assert meeting["start"] <= scene["time"] <= meeting["end"]
        dark = {s["mmsi"] for s in scene["ships"] if s["dark"]}
        assert meeting["dark_mmsi"][0] in dark and meeting["mmsi"][0] not in dark


def test_the_hard_day_sends_what_the_world_sends(hard_day: Path, store: Store) -> None:
    stats = ingest_files([hard_day / "feed.nmea"], store)
    assert stats.positions > 10_000 and not stats.rejected
    truth = json.loads((hard_day / "truth.json").read_text())
    (shared,) = [e for e in truth["events"] if e.get("kind") == "shared_mmsi"]
    history = store.identity_history(shared["mmsi"][0])
    assert set(shared["names"]) <= set(history["name"])  # both ships' static data arrive
    assert history["imo"].nunique() == 2
    for crossing in [e for e in truth["lookalikes"] if e["kind"] == "coverage_hole"]:
        times = [datetime.fromisoformat(crossing[k]) for k in ("start", "end")]
        heard = store.positions((times[0], times[1]), mmsi=crossing["mmsi"])
        assert heard.empty  # no receiver hears the hole
        day = (datetime.fromisoformat(truth["start"]), datetime.fromisoformat(truth["end"]))
        assert len(store.positions(day, mmsi=crossing["mmsi"])) > 100  # but either side


def test_bad_arguments_are_refused_clearly(tmp_path: Path) -> None:
    result = simulate(tmp_path, "--start", "yesterday")
    assert result.returncode == 2 and "ISO 8601" in result.stderr


def test_a_scenario_replays_as_a_live_feed(tmp_path: Path, store: Store) -> None:
    import threading

    from ais_ingest.live import Follower
    from ais_ingest.sources import TcpSource
    from simulator.replay import serve_tcp

    assert simulate(tmp_path, "--seed", "1", "--vessels", "4", "--hours", "0.2").returncode == 0
    feed = tmp_path / "feed.nmea"
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    port = server.getsockname()[1]
    server.close()
    threading.Thread(
        target=serve_tcp, args=(feed, port, 0), kwargs={"clients": 1}, daemon=True
    ).start()
    source = TcpSource("127.0.0.1", port, tick_s=0.05)
    follower = Follower(store, source, spool_dir=tmp_path / "spool", flush_s=0.2)
    lines = len(feed.read_bytes().splitlines())

    def stop_when_all_arrived() -> None:
        wait_until(lambda: source.lines >= lines)
        follower.stop.set()

    threading.Thread(target=stop_when_all_arrived, daemon=True).start()
    stats = follower.run()
    assert source.lines == lines and stats.positions > 0 and not stats.rejected


def wait_until(condition, timeout_s: float = 30.0) -> None:
    import time

    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.5)  # the last batch gets flushed
