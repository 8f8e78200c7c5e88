"""The Missions page's store reads on a real PostGIS: where a drone launches by default,
which mission a drone flies, drone sightings for the map."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from dashboard.data.mission_areas import nearest_coast
from dashboard.data.missions import drone_sightings, drone_states
from drone_ops.finish import finish_plan
from drone_ops.plan import Cmd, FlightSetup, MissionItem, PlanStats, Point
from drone_ops.records import mission_record
from surveillance.store import Store
from tests.builders.clock import T0

ISLAND = shapely.MultiPolygon([shapely.box(133.50, 33.50, 133.60, 33.60)])


def _land(store: Store) -> None:
    zones = gpd.GeoDataFrame(
        {"kind": ["land"], "name": ["island"], "aoi": ["japan"]}, geometry=[ISLAND], crs=4326
    )
    store.write_geometries("zones", zones, key=("aoi", "kind", "name"))


def test_home_defaults_to_the_nearest_point_of_the_coast(store: Store) -> None:
    assert nearest_coast(store, "japan", 133.55, 33.40) is None  # no land stored
    _land(store)
    assert nearest_coast(store, "japan", 133.55, 33.40) == Point(33.50, 133.55)  # south shore
    assert nearest_coast(store, "japan", 133.70, 33.58) == Point(33.58, 133.60)  # east shore
    assert nearest_coast(store, "japan", 140.0, 33.40) is None  # over a degree away


def _mission(store: Store, name: str, items: int) -> int:
    leg = [MissionItem.at(Cmd.NAV_WAYPOINT, 33.45, 133.55, 60.0)]
    plan = finish_plan(name, "orbit", leg, FlightSetup(Point(33.50, 133.55)))
    stats = PlanStats(0.0, 1000.0, 120.0, 0, None, items)
    return store.store_mission(mission_record(replace(plan, stats=stats, planned_start=T0)))


def _sample(drone: str, system_id: int, seq: int, mission_id: int | None = None) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "drone_id": [drone],
            "ts": [T0],
            "lon": [133.55],
            "lat": [33.45],
            "altitude_m": [60.0],
            "groundspeed_mps": [10.0],
            "heading_deg": [0.0],
            "battery_pct": [None],
            "system_id": [system_id],
            "mission_seq": [seq],
            "reached_seq": pd.array([None], dtype="Int64"),
            "mode": [None],
            "armed": [True],
            "link": ["udpin:127.0.0.1:1"],
            "mission_id": pd.array([mission_id], dtype="Int64"),
        }
    )


def test_a_drone_flies_the_mission_its_telemetry_names_else_the_newest_uploaded_to_it(
    store: Store,
) -> None:
    older = _mission(store, "older", 4)
    newer = _mission(store, "newer", 8)
    named = _mission(store, "named", 10)
    for mission_id in (older, newer):
        store.set_mission_status(mission_id, "uploaded", uploaded_to="udpout:x:1", system_id=3)
    store.write_telemetry(_sample("by-system", 3, 2))
    store.write_telemetry(_sample("by-name", 9, 5, mission_id=named))
    store.write_telemetry(_sample("stray", 4, 1))
    found = drone_states(store, T0 - timedelta(hours=1), T0 + timedelta(minutes=1))
    shown = found.set_index("drone_id")
    assert shown.loc["by-system", "mission"] == "newer"
    assert shown.loc["by-system", "progress"] == "item 2 of 8"
    assert shown.loc["by-name", "mission"] == "named"
    assert shown.loc["by-name", "done_pct"] == pytest.approx(50.0)
    assert shown.loc["stray", "progress"] == "item 1" and shown.loc["stray", "mission"] == ""
    assert shown.loc["stray", "heard_s_ago"] == pytest.approx(60.0)
    assert "battery ? %" in shown.loc["stray", "line1"]


def test_only_drone_detections_are_sightings(store: Store) -> None:
    rows = gpd.GeoDataFrame(
        {
            "source": ["drone", "sar"],
            "ts": [T0, T0],
            "key": ["drone-1", "sar-1"],
            "matched_mmsi": pd.array([431000001, None], dtype="Int64"),
        },
        geometry=[shapely.Point(133.55, 33.45), shapely.Point(133.56, 33.45)],
        crs=4326,
    )
    store.write_geometries("detections", rows, key=("key",))
    (sighting,) = drone_sightings(
        store, (T0 - timedelta(hours=1), T0 + timedelta(hours=1))
    ).itertuples()
    assert (sighting.title, sighting.line2) == ("Drone sighting", "MMSI 431000001")
