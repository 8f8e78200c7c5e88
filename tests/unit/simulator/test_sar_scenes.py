"""SAR scenes over a scenario on the real coast: taken during the dark transfer, showing
every vessel where it is, with vessels that send no AIS, and the truth they add."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import shapely
import shapely.geometry

from satellite.raster import open_scene
from simulator.builder import Scenario
from simulator.scenario import _Builder
from simulator.scenes import ScenePlan, plan_scenes, scene_events, write_scenes
from simulator.world import World
from surveillance.reference import area_of_operations
from surveillance.settings import Settings
from tests.builders.clock import MIDNIGHT_S


@pytest.fixture(scope="module")
def world() -> World:
    return World(area_of_operations(Settings()), np.random.default_rng(5))


@pytest.fixture(scope="module")
def scenario(world: World) -> Scenario:
    day = _Builder(world, MIDNIGHT_S, 24)
    day.sts(dark_partner=True)
    day.anchorage(4)
    day.transits(6)
    names = [f"rx{k:02d}" for k in range(len(day.receivers_m))]
    return Scenario(day.start_s, day.end_s, day.vessels, day.truth, day.receivers_m, names)


@pytest.fixture(scope="module")
def plans(scenario: Scenario, world: World) -> list[ScenePlan]:
    return plan_scenes(scenario, world, 2, np.random.default_rng(1))


def test_the_first_scene_shows_the_dark_partner_beside_the_ais_tanker(
    scenario: Scenario, plans: list[ScenePlan]
) -> None:
    (meeting,) = scenario.truth
    first = plans[0]
    assert meeting["start"] < first.time_s < meeting["end"]
    ships = first.ships.set_index("mmsi", drop=False)
    ais, partner = ships.loc[meeting["mmsi"][0]], ships.loc[meeting["dark_mmsi"][0]]
    assert not ais["dark"] and partner["dark"] and ais["length_m"] == 180
    assert abs(ais["lon"] - partner["lon"]) < 0.005 and abs(ais["lat"] - partner["lat"]) < 0.005
    no_ais = first.ships[first.ships["mmsi"].isna()]
    assert 2 <= len(no_ais) <= 4 and no_ais["dark"].all()
    assert (no_ais["coast_distance_m"] >= 1500).all()


def test_the_scenes_add_dark_vessels_and_the_rendezvous_at_the_image_time(
    scenario: Scenario, plans: list[ScenePlan]
) -> None:
    (meeting,) = scenario.truth
    events = scene_events(plans[:1])
    rendezvous = [e for e in events if e["type"] == "dark_rendezvous"]
    assert [e["mmsi"] for e in rendezvous] == [meeting["mmsi"]]
    dark = [e for e in events if e["type"] == "dark_vessel"]
    ships = plans[0].ships
    assert len(dark) == (ships["dark"] & (ships["coast_distance_m"] >= 1000)).sum()
    assert all(e["mmsi"] == [] and e["start"] == e["end"] == plans[0].time_s for e in dark)


def test_every_ship_lies_in_its_scene_and_the_second_is_placed_by_gcps(
    plans: list[ScenePlan],
) -> None:
    assert plans[0].georef.transform is not None
    assert plans[1].georef.transform is None and len(plans[1].georef.gcps) == 36
    for plan in plans:
        truth = json.loads(json.dumps(plan.truth()))  # plain JSON, as truth.json holds it
        footprint = shapely.geometry.shape(truth["footprint"])
        assert truth["ships"] and truth["file"] == f"scenes/{plan.file}"
        for ship in truth["ships"]:
            assert footprint.contains(shapely.Point(ship["lon"], ship["lat"]))
            assert (ship["mmsi"] is None) <= ship["dark"]  # no AIS: dark


def test_the_same_generator_plans_the_same_scenes(
    scenario: Scenario, world: World, plans: list[ScenePlan]
) -> None:
    again = plan_scenes(scenario, world, 2, np.random.default_rng(1))
    assert [p.truth() for p in again] == [p.truth() for p in plans]
    other = plan_scenes(scenario, world, 2, np.random.default_rng(2))
    assert [p.truth() for p in other] != [p.truth() for p in plans]


def test_a_written_scene_shows_its_ships_where_the_truth_puts_them(
    plans: list[ScenePlan], world: World, tmp_path: Path
) -> None:
    (path,) = write_scenes(plans[:1], world, tmp_path)
    ships = plans[0].ships
    with open_scene(path) as scene:
        rows, cols = scene.pixels(ships["lon"].to_numpy(float), ships["lat"].to_numpy(float))
        sea = float(np.median(scene.read(0, 0, 400, 400)))
        for row, col, length_m in zip(rows, cols, ships["length_m"], strict=True):
            around = scene.read(int(row) - 3, int(col) - 3, 7, 7)
            assert np.nanmax(around) > 3 * sea, length_m  # sea: 4 px in a million
