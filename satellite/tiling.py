"""How a scene is cut into tiles for the detector: cores that cover it once, halos in metres.

A tile's core is the part whose ships it reports; its halo is the margin read around the core
so that a ship near the core's edge has its whole body and its clutter ring in the array. The
halo comes from the detector's windows in metres, so it is as many pixels as the spacing needs;
the core grows with it (at least :data:`CORE_PER_HALO` halos wide) so that 1 m data does not
spend most of its work on halos, and is otherwise :data:`TILE_PX`, a size whose filter
temporaries stay a few hundred megabytes. Cores are spread evenly over the scene (no sliver
tile at the end) and their edges fall on the file's internal blocks where the blocks are
smaller than a tile, so a tile's read decodes few blocks it does not use.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from satellite.cfar import CfarParams

__all__ = ["Tile", "LONGEST_SHIP_M", "TILE_PX", "halo_px", "plan_tiles"]

#: a tile's core side in pixels when the halo is small (about 10 M pixels with its halo)
TILE_PX = 3072
#: the core is at least this many halos wide: a tile then reads at most 2.25x its core (at 1 m
#: spacing, 26 M pixels a tile: more halos would waste the work, a larger core the memory)
CORE_PER_HALO = 4
LONGEST_SHIP_M = 500.0
#: the chip kept as evidence is this many pixels either side of a ship's centre
CHIP_HALF_PX = 32


@dataclass(frozen=True)
class Tile:
    """One tile: its core (``row0, col0, rows, cols``, scene pixels) and its halo in pixels."""

    index: int
    row0: int
    col0: int
    rows: int
    cols: int
    halo: int

    @property
    def window(self) -> tuple[int, int, int, int]:
        """The pixels read for the tile, halo included: (row0, col0, rows, cols); it may
        reach outside the scene, where the read gives no data."""
        h = self.halo
        return self.row0 - h, self.col0 - h, self.rows + 2 * h, self.cols + 2 * h


def halo_px(spacing_m: float, params: CfarParams | None = None) -> int:
    """The halo in pixels: half the clutter ring, half the longest ship and one clutter block
    (the ring's statistics are taken per block of about a sixth of the guard window), and never
    less than the evidence chip's half."""
    params = params or CfarParams()
    halo_m = params.background_m / 2 + LONGEST_SHIP_M / 2 + params.guard_m / 6
    return max(math.ceil(halo_m / spacing_m), CHIP_HALF_PX)


def _cuts(length: int, target: int, block: int) -> list[tuple[int, int]]:
    """``length`` pixels cut into even parts of about ``target`` (start, size), the starts on
    multiples of ``block`` when a block is smaller than a part."""
    parts = max(1, math.ceil(length / target))
    size = math.ceil(length / parts)
    if block < size:
        size = math.ceil(size / block) * block
    starts = range(0, length, size)
    return [(start, min(size, length - start)) for start in starts]


def plan_tiles(
    height: int,
    width: int,
    spacing_m: float,
    *,
    block_shape: tuple[int, int] = (1, 1),
    tile_px: int | None = None,
) -> list[Tile]:
    """The tiles of a ``height`` x ``width`` scene, row by row (the order a striped file is
    read best in). ``tile_px`` forces the core side (tests use small tiles)."""
    halo = halo_px(spacing_m)
    target = tile_px or max(TILE_PX, CORE_PER_HALO * halo)
    block_rows, block_cols = block_shape
    tiles: list[Tile] = []
    for row0, rows in _cuts(height, target, block_rows):
        for col0, cols in _cuts(width, target, block_cols):
            tiles.append(Tile(len(tiles), row0, col0, rows, cols, halo))
    return tiles
