"""A whole scene through the detector, tile by tile and in parallel: land masked from the
reference coastline, ships georeferenced, each with an evidence chip.

Tiles (:mod:`satellite.tiling`) overlap by a halo wider than the detector's windows and the
longest ship, and a tile keeps only the ships whose centre falls in its own core, so a ship on
a tile edge is found once. A tile that is all land is skipped from geometry alone, one that
holds no data (or only zeros, as a placeholder product) right after its read, before any
filter. With ``workers > 1`` the tiles run in worker processes, each of which opens the file
itself and reads its own windows: the parent never holds a pixel, only the small frames of
ships that come back. Memory is bounded by the tile size, not the scene's; the result is the
same, in the same order, whatever the number of workers.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
import shapely
from pyproj import Geod
from rasterio.transform import Affine

from satellite.chips import chip_png
from satellite.detector import detect_ships
from satellite.landmask import coast_distance_m, scene_land, sea_mask, tile_land, window_affine
from satellite.raster import SceneRaster
from satellite.tiling import Tile, plan_tiles
from surveillance.errors import CoastwatchError
from surveillance.store.scenes import DETECTION_COLUMNS

__all__ = ["scan_scene", "SCAN_COLUMNS", "Progress"]

#: what a scan gives per ship: the store's detection columns (``store.store_scene``)
SCAN_COLUMNS = ("lon", "lat", *DETECTION_COLUMNS)
#: what a tile gives back: the detector's measures in scene pixels, and the chip
_TILE_COLUMNS = (
    "pixel_row",
    "pixel_col",
    "length_m",
    "width_m",
    "heading_deg",
    "confidence",
    "chip_png",
)
#: a worker's GDAL block cache holds the blocks of a tile, so that the next tile along the row
#: decodes none twice (with full-width strips, the whole row of tiles)
_MAX_CACHE_MB = 512
#: GDAL's SAFE driver caches each block twice, in its virtual band and in the TIFF's
_CACHE_COPIES = 2.2
#: arrays up to this size come from the worker's heap, and this much freed heap is kept
_KEEP_FREED_BYTES = 512 * 2**20
_GEOD = Geod(ellps="WGS84")

Progress = Callable[[int, int], None]  # tiles done, tiles in all


@dataclass(frozen=True)
class _Task:
    """One tile to scan, with what the parent worked out for it: its land and its affine."""

    tile: Tile
    land: shapely.Geometry | None
    transform: Affine
    learned: bool


def _read(raster: SceneRaster, tile: Tile) -> npt.NDArray[np.float32]:
    """The tile's window as linear amplitude, NaN outside the scene; only the part inside
    the scene is read from the file."""
    row0, col0, rows, cols = tile.window
    top, left = max(row0, 0), max(col0, 0)
    bottom, right = min(row0 + rows, raster.height), min(col0 + cols, raster.width)
    inside = raster.read(top, left, bottom - top, right - left)
    if (top, left, bottom, right) == (row0, col0, row0 + rows, col0 + cols):
        return inside
    window = np.full((rows, cols), np.nan, dtype=np.float32)
    window[top - row0 : bottom - row0, left - col0 : right - col0] = inside
    return window


def _holds_data(amplitude: npt.NDArray[np.float32]) -> bool:
    """Whether any pixel is a positive number (one pass; NaN is ignored)."""
    return bool(np.fmax.reduce(amplitude, axis=None) > 0)


def _scan_tile(raster: SceneRaster, task: _Task) -> pd.DataFrame | None:
    """The ships whose centre is in the tile's core (:data:`_TILE_COLUMNS`), or None for a
    tile with no data or no sea."""
    tile = task.tile
    amplitude = _read(raster, tile)
    if not _holds_data(amplitude):
        return None
    sea = sea_mask(task.land, task.transform, amplitude.shape)
    if not sea.any():
        return None
    ships = detect_ships(amplitude, raster.spacing_m, sea, learned=task.learned)
    h = tile.halo
    core = ships["row"].between(h, h + tile.rows, inclusive="left") & ships["col"].between(
        h, h + tile.cols, inclusive="left"
    )
    ships = ships[core]
    if ships.empty:
        return None
    row0, col0, _, _ = tile.window
    return pd.DataFrame(
        {
            "pixel_row": ships["row"] + row0,
            "pixel_col": ships["col"] + col0,
            "length_m": ships["length_m"],
            "width_m": ships["width_m"],
            "heading_deg": ships["heading_deg"],
            "confidence": ships["confidence"],
            "chip_png": [
                chip_png(amplitude, r, c) for r, c in zip(ships["row"], ships["col"], strict=True)
            ],
        }
    )


# A worker process keeps its scene open between tiles (and so GDAL's cache of decoded strips).
_WORKER_SCENE: list[SceneRaster] = []


def _worker_context() -> multiprocessing.context.BaseContext:
    """Workers forked from this process: they start in a fraction of a second, where a fresh
    interpreter (spawn, forkserver) pays every import again, tens of seconds on a loaded
    machine. A worker inherits this process's open dataset but never touches it (it opens
    the file itself and leaves through ``os._exit``), and the pool forks all its workers
    before it starts a thread of its own."""
    return multiprocessing.get_context("fork")


def _reuse_freed_arrays() -> None:
    """Let glibc's malloc keep a tile's large arrays for the next tile instead of handing them
    back to the kernel: fresh pages fault and are zeroed, a quarter of the CPU time of a tile
    (nothing to do on another C library)."""
    try:
        libc = ctypes.CDLL(None)
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return
    m_trim_threshold, m_mmap_threshold = -1, -3
    mallopt(m_mmap_threshold, _KEEP_FREED_BYTES)
    mallopt(m_trim_threshold, 2 * _KEEP_FREED_BYTES)


def _start_worker(raster: SceneRaster, cache_mb: int) -> None:
    """Open the scene again in a new (forked) worker, with a block cache of ``cache_mb``."""
    _reuse_freed_arrays()
    _WORKER_SCENE.append(raster.reopen(cache_mb))


def _scan_in_worker(task: _Task) -> pd.DataFrame | None:
    """One tile of the scene this worker opened."""
    return _scan_tile(_WORKER_SCENE[0], task)


def _cache_mb(raster: SceneRaster, tile: Tile) -> int:
    """A block cache that holds the blocks one tile's window meets, in MB: a few tens for a
    tiled file, a row of tiles for a striped one (at most :data:`_MAX_CACHE_MB`)."""
    block_rows, block_cols = raster.block_shape
    width = raster.width
    _, _, rows, cols = tile.window
    across = min(math.ceil(cols / block_cols) + 1, math.ceil(width / block_cols))
    blocks = (math.ceil(rows / block_rows) + 1) * across
    cache_bytes = blocks * block_rows * block_cols * np.dtype(raster.dtype).itemsize
    return min(_MAX_CACHE_MB, max(32, math.ceil(cache_bytes * _CACHE_COPIES / 2**20)))


def _scanned(
    raster: SceneRaster, tasks: list[_Task], workers: int
) -> Iterator[tuple[_Task, pd.DataFrame | None]]:
    """Each task with its ships, in the order they finish; in this process for one worker."""
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            yield task, _scan_tile(raster, task)
        return
    with ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_worker_context(),
        initializer=_start_worker,
        initargs=(raster, _cache_mb(raster, tasks[0].tile)),
    ) as pool:
        running = {pool.submit(_scan_in_worker, task): task for task in tasks}
        try:
            for future in as_completed(running):
                yield running[future], future.result()
        except BrokenProcessPool:
            raise CoastwatchError(
                "a scan worker died (out of memory?)", hint="scan with fewer workers"
            ) from None
        finally:
            for future in running:
                future.cancel()


def _true_heading(
    raster: SceneRaster,
    rows: npt.NDArray[np.float64],
    cols: npt.NDArray[np.float64],
    image_deg: npt.NDArray[np.float64],
) -> npt.NDArray[np.float64]:
    """Headings clockwise from the image's up turned into headings from true north."""
    theta = np.radians(image_deg)
    step = 5.0  # pixels along the long axis: up is decreasing row
    lon0, lat0 = raster.lonlat(rows, cols)
    lon1, lat1 = raster.lonlat(rows - step * np.cos(theta), cols + step * np.sin(theta))
    azimuth, _, _ = _GEOD.inv(lon0, lat0, lon1, lat1)
    return np.mod(np.asarray(azimuth, dtype=np.float64), 180.0)


def _georeferenced(
    raster: SceneRaster, ships: pd.DataFrame, land: shapely.Geometry | None, key_prefix: str
) -> pd.DataFrame:
    """The tiles' ships with lon/lat, true headings, coast distances and keys."""
    rows_px, cols_px = ships["pixel_row"].to_numpy(), ships["pixel_col"].to_numpy()
    lon, lat = raster.lonlat(rows_px, cols_px)
    return ships.assign(
        lon=lon,
        lat=lat,
        heading_deg=_true_heading(raster, rows_px, cols_px, ships["heading_deg"].to_numpy()),
        coast_distance_m=coast_distance_m(land, lon, lat),
        key=[f"{key_prefix}:{int(r)}:{int(c)}" for r, c in zip(rows_px, cols_px, strict=True)],
    ).loc[:, list(SCAN_COLUMNS)]


def scan_scene(
    raster: SceneRaster,
    land: shapely.Geometry | None,
    *,
    key_prefix: str,
    learned: bool = True,
    tile_px: int | None = None,
    workers: int = 1,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Every ship in the scene: one row per ship with :data:`SCAN_COLUMNS` (``key`` is
    ``key_prefix`` and the ship's pixel), ordered by pixel row then column.

    ``land`` is the coastline's polygons in EPSG:4326 (None: all sea). ``workers`` processes
    scan the tiles (1: in this process). ``progress`` is called with (tiles done, tiles in
    all) as tiles finish. ``tile_px`` forces the tiles' core side (tests use small tiles).
    """
    tiles = plan_tiles(
        raster.height,
        raster.width,
        raster.spacing_m,
        block_shape=raster.block_shape,
        tile_px=tile_px,
    )
    coast = scene_land(land, raster.footprint)
    tasks = []
    for tile in tiles:
        transform = window_affine(raster, *tile.window)
        here = tile_land(coast, transform, tile.window[2:], tile.halo)
        if not here.all_land:
            tasks.append(_Task(tile, here.polygons, transform, learned))
    done = len(tiles) - len(tasks)
    if progress and done:
        progress(done, len(tiles))
    found: dict[int, pd.DataFrame] = {}
    for task, ships in _scanned(raster, tasks, workers):
        done += 1
        if ships is not None:
            found[task.tile.index] = ships
        if progress:
            progress(done, len(tiles))
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SCAN_COLUMNS})
    ships = pd.concat([found[i] for i in sorted(found)], ignore_index=True)
    ships = ships.sort_values(["pixel_row", "pixel_col"], kind="stable", ignore_index=True)
    return _georeferenced(raster, ships, land, key_prefix).reset_index(drop=True)
