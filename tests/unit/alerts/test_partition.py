"""Tiles cover the plane once, halos reach far enough, slices fit the memory budget."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from alerts.partition import BYTES_PER_POSITION, WHOLE, owners, plan_slices, plan_tiles
from surveillance.errors import InputError
from surveillance.geodesy import haversine_m

JAPAN = (122.0, 24.0, 146.0, 46.0)
T0 = datetime(2026, 11, 1, tzinfo=UTC)


def test_one_tile_unless_asked_for_more() -> None:
    assert plan_tiles(JAPAN, None) == (WHOLE,)
    assert WHOLE.read_box(30) is None
    assert len(plan_tiles(JAPAN, None, at_least=8)) >= 8
    assert len(plan_tiles(JAPAN, 2.0)) == 12 * 11


@given(
    st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=50),
    st.sampled_from([0.7, 2.0, 5.0]),
)
def test_every_point_on_earth_has_exactly_one_tile(
    points: list[tuple[float, float]], size: float
) -> None:
    tiles = plan_tiles(JAPAN, size)
    lon, lat = np.array(points).T
    inside = np.zeros(len(lon), int)
    holder = np.full(len(lon), -1)
    for tile in tiles:
        west, south, east, north = tile.core
        mine = (lon >= west) & (lon < east) & (lat >= south) & (lat < north)
        inside += mine
        holder[mine] = tile.index
    assert (inside == 1).all()
    assert (owners(tiles, lon, lat) == holder).all()


def test_a_point_without_a_place_goes_to_the_first_tile() -> None:
    tiles = plan_tiles(JAPAN, 2.0)
    assert owners(tiles, np.array([np.nan]), np.array([np.nan])).tolist() == [0]


@pytest.mark.parametrize("halo_km", [1.0, 30.0, 100.0])
def test_the_read_box_holds_every_point_within_the_halo(halo_km: float) -> None:
    tiles = plan_tiles(JAPAN, 2.0)
    tile = tiles[len(tiles) // 2]  # an inner tile: all four edges finite
    west, south, east, north = tile.core
    box = tile.read_box(halo_km)
    assert box is not None
    # the box's edges lie at least the halo away from the core's
    assert haversine_m(west, north, box[0], north) >= halo_km * 1000 * 0.999
    assert haversine_m(east, south, east, box[1]) >= halo_km * 1000 * 0.999
    assert haversine_m(east, north, box[2], north) >= halo_km * 1000 * 0.999
    assert haversine_m(west, north, west, box[3]) >= halo_km * 1000 * 0.999


def test_a_border_tile_reads_to_the_edge_of_the_globe() -> None:
    corner = plan_tiles(JAPAN, 2.0)[0]
    box = corner.read_box(30)
    assert box is not None and box[0] == -180.0 and box[1] == -90.0


def test_slices_are_at_most_a_day_and_cover_the_window() -> None:
    slices = plan_slices(T0, T0 + timedelta(days=30, hours=5), 24)
    assert len(slices) == 31
    assert slices[0][0] == T0 and slices[-1][1] == T0 + timedelta(days=30, hours=5)
    assert all(a[1] == b[0] for a, b in zip(slices, slices[1:], strict=False))


def test_slices_shrink_to_fit_the_memory_budget() -> None:
    per_day = 10_000_000
    budget_mb = 2 * per_day * BYTES_PER_POSITION / 1e6 / 3  # two thirds of a day
    slices = plan_slices(
        T0, T0 + timedelta(days=3), 24, positions=3 * per_day, budget_mb=budget_mb, context_hours=4
    )
    longest_h = max((b - a).total_seconds() for a, b in slices) / 3600
    assert longest_h + 4 <= 16  # the slice and its context fit
    assert slices[-1][1] == T0 + timedelta(days=3)


def test_a_budget_too_small_for_an_hour_is_refused_in_words() -> None:
    with pytest.raises(InputError, match="more than the budget"):
        plan_slices(T0, T0 + timedelta(days=1), 24, positions=10**9, budget_mb=100)
