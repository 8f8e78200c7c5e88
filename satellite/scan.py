"""A whole scene through the detector, a tile at a time: land masked from the reference
coastline, ships georeferenced, each with an evidence chip.

Tiles overlap by a halo wider than the detector's windows and the longest ship, and a tile
keeps only the ships whose centre falls in its own core, so a ship on a tile edge is found
once. Memory is bounded by the tile size, not the scene's.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator

import numpy as np
import pandas as pd
import shapely
from PIL import Image
from pyproj import Geod
from rasterio.features import rasterize
from rasterio.transform import Affine

from satellite.cfar import CfarParams
from satellite.detector import detect_ships
from satellite.raster import SceneRaster

__all__ = ["scan_scene", "SCAN_COLUMNS"]

#: what a scan gives per ship: the store's detection columns (``store.store_scene``)
SCAN_COLUMNS = (
    "lon",
    "lat",
    "length_m",
    "width_m",
    "heading_deg",
    "confidence",
    "pixel_row",
    "pixel_col",
    "coast_distance_m",
    "chip_png",
    "key",
)
TILE_PX = 2048
CHIP_PX = 64
LAND_BUFFER_M = 250.0  # ships moored at a quay are not offshore targets; GSHHS is not exact
LONGEST_SHIP_M = 500.0
_GEOD = Geod(ellps="WGS84")

Progress = Callable[[int, int], None]  # tiles done, tiles in all


def _tiles(raster: SceneRaster, tile_px: int) -> Iterator[tuple[int, int, int, int]]:
    """The cores of the tiles: (row0, col0, rows, cols)."""
    for row0 in range(0, raster.height, tile_px):
        for col0 in range(0, raster.width, tile_px):
            yield row0, col0, min(tile_px, raster.height - row0), min(tile_px, raster.width - col0)


def _local_affine(raster: SceneRaster, row0: int, col0: int, rows: int, cols: int) -> Affine:
    """The pixel -> lon/lat mapping of one tile as an affine (fitted to three corners; a
    tile is small enough that the scene's GCP warp is flat over it)."""
    lon, lat = raster.lonlat(
        np.array([row0, row0, row0 + rows], float), np.array([col0, col0 + cols, col0], float)
    )
    return Affine(
        (lon[1] - lon[0]) / cols,
        (lon[2] - lon[0]) / rows,
        lon[0],
        (lat[1] - lat[0]) / cols,
        (lat[2] - lat[0]) / rows,
        lat[0],
    )


def _sea_mask(
    land: shapely.Geometry | None, transform: Affine, shape: tuple[int, int]
) -> np.ndarray:
    """True where the tile is sea: the land polygons (already buffered) burnt in."""
    if land is None or land.is_empty:
        return np.ones(shape, bool)
    burnt = rasterize(
        [land],
        out_shape=shape,
        transform=transform,
        fill=0,
        default_value=1,
        dtype="uint8",
        all_touched=True,
    )
    return burnt == 0


def _chip(amplitude: np.ndarray, row: float, col: float) -> bytes:
    """An 8-bit PNG of the ship and its surroundings, amplitude in dB stretched over the chip."""
    half = CHIP_PX // 2
    r, c = int(row), int(col)
    window = amplitude[max(r - half, 0) : r + half, max(c - half, 0) : c + half]
    db = 20 * np.log10(np.maximum(np.nan_to_num(window, nan=0.0), 1e-3))
    low, high = np.percentile(db, [2, 99.8]) if db.size else (0.0, 1.0)
    scaled = np.clip((db - low) / max(high - low, 1e-6) * 255, 0, 255).astype(np.uint8)
    out = io.BytesIO()
    Image.fromarray(scaled, mode="L").save(out, format="PNG", optimize=True)
    return out.getvalue()


def _true_heading(
    raster: SceneRaster, rows: np.ndarray, cols: np.ndarray, image_deg: np.ndarray
) -> np.ndarray:
    """Headings clockwise from the image's up turned into headings from true north."""
    theta = np.radians(image_deg)
    step = 5.0  # pixels along the long axis: up is decreasing row
    lon0, lat0 = raster.lonlat(rows, cols)
    lon1, lat1 = raster.lonlat(rows - step * np.cos(theta), cols + step * np.sin(theta))
    azimuth, _, _ = _GEOD.inv(lon0, lat0, lon1, lat1)
    return np.mod(np.asarray(azimuth), 180.0)


def _coast_distance_m(
    land: shapely.Geometry | None, lon: np.ndarray, lat: np.ndarray
) -> np.ndarray:
    """Distance from each point to the nearest land, in metres (inf without land)."""
    if land is None or land.is_empty or len(lon) == 0:
        return np.full(len(lon), np.inf)
    points = shapely.points(lon, lat)
    nearest = shapely.shortest_line(points, land)
    coords = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
    _, _, dist = _GEOD.inv(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
    inside = shapely.contains_xy(land, lon, lat)
    return np.where(inside, 0.0, np.asarray(dist))


def _buffered(land: shapely.Geometry | None, lat: float) -> shapely.Geometry | None:
    """The land polygons grown by :data:`LAND_BUFFER_M` (in degrees at the scene's latitude)."""
    if land is None or land.is_empty:
        return None
    deg = LAND_BUFFER_M / (111_320.0 * max(np.cos(np.radians(lat)), 0.1))
    return shapely.buffer(land, deg)


def scan_scene(
    raster: SceneRaster,
    land: shapely.Geometry | None,
    *,
    key_prefix: str,
    learned: bool = True,
    tile_px: int = TILE_PX,
    progress: Progress | None = None,
) -> pd.DataFrame:
    """Every ship in the scene: one row per ship with :data:`SCAN_COLUMNS` (``key`` is
    ``key_prefix`` and the ship's pixel)."""
    spacing = raster.spacing_m
    params = CfarParams()
    halo = int(np.ceil((params.background_m + LONGEST_SHIP_M) / spacing))
    coast = _buffered(land, raster.footprint.centroid.y)
    tiles = list(_tiles(raster, tile_px))
    found = []
    for done, (row0, col0, rows, cols) in enumerate(tiles, start=1):
        r0, c0 = row0 - halo, col0 - halo
        amplitude = raster.read(r0, c0, rows + 2 * halo, cols + 2 * halo)
        if not np.isfinite(amplitude).any() or not np.nanmax(amplitude) > 0:
            if progress:
                progress(done, len(tiles))
            continue
        sea = _sea_mask(coast, _local_affine(raster, r0, c0, *amplitude.shape), amplitude.shape)
        ships = detect_ships(amplitude, spacing, sea, learned=learned) if sea.any() else None
        if ships is not None and not ships.empty:
            core = (ships["row"].between(halo, halo + rows, inclusive="left")) & (
                ships["col"].between(halo, halo + cols, inclusive="left")
            )
            ships = ships[core].copy()
            ships["chip_png"] = [
                _chip(amplitude, r, c) for r, c in zip(ships["row"], ships["col"], strict=True)
            ]
            ships["pixel_row"], ships["pixel_col"] = ships["row"] + r0, ships["col"] + c0
            found.append(ships)
        if progress:
            progress(done, len(tiles))
    if not found:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in SCAN_COLUMNS})
    ships = pd.concat(found, ignore_index=True)
    rows_px, cols_px = ships["pixel_row"].to_numpy(), ships["pixel_col"].to_numpy()
    ships["lon"], ships["lat"] = raster.lonlat(rows_px, cols_px)
    ships["heading_deg"] = _true_heading(raster, rows_px, cols_px, ships["heading_deg"].to_numpy())
    ships["coast_distance_m"] = _coast_distance_m(
        land, ships["lon"].to_numpy(), ships["lat"].to_numpy()
    )
    ships["key"] = [
        f"{key_prefix}:{int(r)}:{int(c)}" for r, c in zip(rows_px, cols_px, strict=True)
    ]
    return ships.loc[:, list(SCAN_COLUMNS)].reset_index(drop=True)
