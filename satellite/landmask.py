"""Land for the scan: the reference coastline buffered, cut to each tile and burnt into a mask.

Land pixels never detect and never count as clutter. The coastline is buffered by
:data:`LAND_BUFFER_M` (quays and a coastline that is not exact), clipped once to the scene and
then to each tile before rasterizing, so a tile burns in only the few polygons it meets; a tile
that is all land is known from geometry alone and is never read.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import Geod
from rasterio.features import rasterize
from rasterio.transform import Affine

from satellite.raster import SceneRaster
from surveillance.geodesy import DEG_M

__all__ = [
    "LAND_BUFFER_M",
    "TileLand",
    "coast_distance_m",
    "reference_land",
    "scene_land",
    "sea_mask",
    "tile_land",
    "window_affine",
]

#: the coast is read this far around a scene, so that ships near its edge know their coast
LAND_MARGIN_DEG = 0.1
LAND_BUFFER_M = 250.0  # ships moored at a quay are not offshore targets; GSHHS is not exact
_GEOD = Geod(ellps="WGS84")


def reference_land(footprint: shapely.Polygon) -> shapely.Geometry | None:
    """The reference land (GSHHS) around a scene's footprint, as one geometry; None at sea."""
    from surveillance.geography import read_land

    west, south, east, north = footprint.bounds
    m = LAND_MARGIN_DEG
    land = read_land((west - m, south - m, east + m, north + m))
    return None if land.empty else shapely.union_all(land.geometry.to_numpy())


@dataclass(frozen=True)
class TileLand:
    """The land of one tile: ``all_land`` when the tile holds no sea; else its polygons, or
    None when it holds no land."""

    all_land: bool
    polygons: shapely.Geometry | None


def window_affine(raster: SceneRaster, row0: int, col0: int, rows: int, cols: int) -> Affine:
    """The pixel -> lon/lat mapping of one window as an affine (fitted to three corners; a
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


def scene_land(
    land: shapely.Geometry | None, footprint: shapely.Polygon
) -> shapely.Geometry | None:
    """The land near the scene grown by :data:`LAND_BUFFER_M` (in degrees at the scene's
    latitude), prepared for the tiles' tests; None when the scene meets no land."""
    if land is None or land.is_empty:
        return None
    lat = footprint.centroid.y
    deg = LAND_BUFFER_M / (DEG_M * max(np.cos(np.radians(lat)), 0.1))
    west, south, east, north = footprint.bounds
    near = shapely.clip_by_rect(
        land, west - 2 * deg, south - 2 * deg, east + 2 * deg, north + 2 * deg
    )
    if near.is_empty:
        return None
    grown = shapely.buffer(near, deg)
    shapely.prepare(grown)
    return grown


def tile_land(
    coast: shapely.Geometry | None, transform: Affine, shape: tuple[int, int], halo_px: int
) -> TileLand:
    """The land of the tile whose window (``shape``, its core ``halo_px`` inside the edges)
    ``transform`` maps to lon/lat: all land when its core is."""
    if coast is None:
        return TileLand(False, None)
    rows, cols = shape
    h = halo_px
    core = shapely.Polygon(
        [
            transform @ (c, r)
            for c, r in ((h, h), (cols - h, h), (cols - h, rows - h), (h, rows - h))
        ]
    )
    if shapely.contains(coast, core):
        return TileLand(True, None)
    window = shapely.Polygon(
        [transform @ (c, r) for c, r in ((0, 0), (cols, 0), (cols, rows), (0, rows))]
    )
    clipped = shapely.clip_by_rect(coast, *window.bounds)
    return TileLand(False, None if clipped.is_empty else clipped)


def sea_mask(
    polygons: shapely.Geometry | None, transform: Affine, shape: tuple[int, int]
) -> npt.NDArray[np.bool_]:
    """True where the tile is sea: the tile's land polygons burnt in."""
    if polygons is None:
        return np.ones(shape, bool)
    burnt = rasterize(
        [polygons],
        out_shape=shape,
        transform=transform,
        fill=0,
        default_value=1,
        dtype="uint8",
        all_touched=True,
    )
    return np.asarray(burnt == 0)


def coast_distance_m(
    land: shapely.Geometry | None, lon: npt.NDArray[np.float64], lat: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Distance from each point to the nearest land (not buffered), in metres (inf without
    land)."""
    if land is None or land.is_empty or len(lon) == 0:
        return np.full(len(lon), np.inf)
    points = shapely.points(lon, lat)
    nearest = shapely.shortest_line(points, land)
    coords = shapely.get_coordinates(nearest).reshape(-1, 2, 2)
    _, _, dist = _GEOD.inv(coords[:, 0, 0], coords[:, 0, 1], coords[:, 1, 0], coords[:, 1, 1])
    inside = shapely.contains_xy(land, lon, lat)
    return np.where(inside, 0.0, np.asarray(dist, dtype=np.float64))
