"""Tiles cover a scene once, with halos in metres and cores that grow with them."""

import numpy as np
import pytest

from satellite.tiling import CORE_PER_HALO, TILE_PX, Tile, halo_px, plan_tiles


def _covers_once(height: int, width: int, tiles: list[Tile]) -> bool:
    """Whether the cores are a grid whose rows and columns each run edge to edge, no gap and
    no overlap."""
    rows = sorted({(t.row0, t.rows) for t in tiles})
    cols = sorted({(t.col0, t.cols) for t in tiles})

    def contiguous(cuts: list[tuple[int, int]], length: int) -> bool:
        ends = [start + size for start, size in cuts]
        return [start for start, _ in cuts] == [0, *ends[:-1]] and ends[-1] == length

    return (
        len(tiles) == len(rows) * len(cols) and contiguous(rows, height) and contiguous(cols, width)
    )


def test_the_cores_cover_a_full_sentinel1_scene_once_in_even_tiles() -> None:
    tiles = plan_tiles(16_705, 26_102, 10.0, block_shape=(1, 26_102))
    assert _covers_once(16_705, 26_102, tiles)
    assert [t.index for t in tiles] == list(range(len(tiles)))
    sides = {t.rows for t in tiles} | {t.cols for t in tiles}
    assert max(sides) <= TILE_PX and min(sides) > TILE_PX * 0.8  # no sliver at the end
    halo = tiles[0].halo
    assert 80 <= halo <= 90  # 850 m at 10 m
    row0, col0, rows, cols = tiles[0].window
    assert (row0, col0) == (-halo, -halo) and rows == tiles[0].rows + 2 * halo


@pytest.mark.parametrize("spacing_m", [1.0, 3.0, 10.0, 20.0, 40.0])
def test_the_halo_is_metres_and_the_core_grows_with_it(spacing_m: float) -> None:
    halo = halo_px(spacing_m)
    assert halo * spacing_m >= 750 or halo == 32  # half the ring and half the longest ship
    tiles = plan_tiles(20_000, 20_000, spacing_m)
    assert all(t.halo == halo for t in tiles)
    assert min(t.rows for t in tiles) >= min(TILE_PX, CORE_PER_HALO * halo) * 0.8
    wasted = np.mean([(t.window[2] * t.window[3]) / (t.rows * t.cols) for t in tiles])
    assert wasted < 2.3


def test_core_edges_fall_on_the_files_blocks() -> None:
    tiles = plan_tiles(5_000, 5_000, 10.0, block_shape=(512, 512))
    assert all(t.row0 % 512 == 0 and t.col0 % 512 == 0 for t in tiles)
    assert _covers_once(5_000, 5_000, tiles)
