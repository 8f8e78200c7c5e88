"""The harder day's look-alikes and its shared MMSI, checked on the real coast: what each
vessel does, and what the receivers hear of it."""

from __future__ import annotations

import numpy as np
import pytest
from pyais import decode

from simulator.builder import HOUR, along_path
from simulator.emit import _static_lines
from simulator.motion import positions
from simulator.scenario import _Builder
from simulator.world import World
from surveillance.reference import area_of_operations
from surveillance.settings import Settings
from tests.builders.clock import MIDNIGHT_S


@pytest.fixture(scope="module")
def world() -> World:
    return World(area_of_operations(Settings()), np.random.default_rng(5))


@pytest.fixture
def day(world: World) -> _Builder:
    return _Builder(world, MIDNIGHT_S, 24)


def test_points_along_a_path_are_evenly_spaced_inside_the_margin() -> None:
    d, xy = along_path(np.array([[0.0, 0.0], [3000.0, 0.0], [3000.0, 4000.0]]), 1000.0, 500.0)
    assert d.tolist() == [500.0, 1500.0, 2500.0, 3500.0, 4500.0, 5500.0]
    assert xy[3].tolist() == [3000.0, 500.0]


def test_pair_trawlers_tow_side_by_side_then_haul_nearly_stopped(day: _Builder) -> None:
    day.pair_trawlers(1)
    a, b = day.vessels
    assert a.ship_type == b.ship_type == 30
    t = np.arange(day.start_s, day.end_s, 60.0)
    (xa, sa, _), (xb, sb, _) = (positions(v.legs, t, day.rng) for v in (a, b))
    assert np.linalg.norm(xa - xb, axis=1).max() < 500  # all day within an STS distance
    hauls = day.lookalikes
    assert len(hauls) >= 3 and {h["mimics"] for h in hauls} == {"sts_transfer"}
    hauling = np.zeros(len(t), bool)
    for h in hauls:
        assert h["end"] - h["start"] >= 2.2 * HOUR - 1
        hauling |= (t >= h["start"]) & (t < h["end"])
    assert (sa[hauling] < 1.2).all() and (sb[hauling] < 1.2).all()
    assert ((sa[~hauling] >= 2.5) & (sa[~hauling] <= 3.9)).all()  # trawling speed otherwise


def test_a_hole_crossing_is_unheard_for_hours_and_heard_either_side(day: _Builder) -> None:
    day.hole_crossings(2)
    assert len(day.lookalikes) == 2
    for crossing, ship in zip(day.lookalikes, day.vessels, strict=True):
        assert crossing["mimics"] == "ais_gap" and crossing["silent_h"] >= 6.5
        t = np.arange(crossing["start"] + 60, crossing["end"] - 60, 300.0)
        assert not day.heard(positions(ship.legs, t, day.rng)[0]).any()
        edges = np.array([crossing["start"] - 600, crossing["end"] + 600])  # 1 km at 7 kn: heard
        xy, sog, _ = positions(ship.legs, edges, day.rng)
        assert day.heard(xy).all() and (sog >= 7).all()
        assert day.world.inside(xy).all()


def test_two_ships_sharing_an_mmsi_each_send_their_own_static_data(day: _Builder) -> None:
    day.shared_mmsi()
    first, twin = day.vessels
    assert first.mmsi == twin.mmsi
    sent = [decode(*line.split(b"\n")) for ship in (first, twin) for line in _static_lines(ship)]
    assert sent[0].mmsi == sent[1].mmsi == first.mmsi
    assert sent[0].shipname != sent[1].shipname and sent[0].imo != sent[1].imo
    assert sent[0].callsign != sent[1].callsign
    (event,) = day.truth
    assert event["kind"] == "shared_mmsi" and event["mmsi"] == [first.mmsi]
    t = np.array([day.start_s + HOUR])
    apart = positions(first.legs, t, day.rng)[0] - positions(twin.legs, t, day.rng)[0]
    assert np.linalg.norm(apart) > 100_000 - 2 * 2500  # far apart: jumps no ship could make


def test_sparse_offshore_traffic_stays_under_way(day: _Builder) -> None:
    day.offshore_traffic(3)
    t = np.arange(day.start_s + 13 * HOUR, day.end_s, 600.0)
    for ship in day.vessels:
        xy, sog, _ = positions(ship.legs, t, day.rng)
        assert (sog > 8).all() and (day.world.distance_to_land_m(xy) > 1852).all()
