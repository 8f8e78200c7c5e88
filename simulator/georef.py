"""Where a simulated raster's pixels lie on the Earth: an affine transform in a projected
CRS, or ground control points in EPSG:4326 (as Sentinel-1 GRD measurement TIFFs carry).

Pixel positions are fractional, with the centre of pixel ``(0, 0)`` at ``(0.5, 0.5)``, the
same convention as ``satellite.raster``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from affine import Affine
from pyproj import Transformer
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.transform import AffineTransformer, GCPTransformer

from surveillance.errors import InputError

__all__ = ["Georef"]

WGS84 = CRS.from_epsg(4326)


@dataclass(frozen=True)
class Georef:
    """An affine ``transform`` in ``crs``, or ``gcps`` (then ``crs`` is EPSG:4326)."""

    crs: CRS
    transform: Affine | None = None
    gcps: tuple[GroundControlPoint, ...] = ()

    def __post_init__(self) -> None:
        if (self.transform is None) == (not self.gcps):
            raise InputError("a georeference is an affine transform or GCPs, exactly one")

    @classmethod
    def affine(cls, transform: Affine, crs: CRS | str | int) -> Georef:
        """Pixels placed by an affine transform in a (projected) CRS."""
        return cls(CRS.from_user_input(crs), transform=transform)

    @classmethod
    def from_gcps(cls, gcps: list[GroundControlPoint]) -> Georef:
        """Pixels placed by ground control points in longitude and latitude."""
        return cls(WGS84, gcps=tuple(gcps))

    def gcp_grid(self, width: int, height: int, per_side: int = 6) -> Georef:
        """The same placement as GCPs in EPSG:4326 on a ``per_side`` x ``per_side`` grid
        (how a GRD product describes itself: no transform, a grid of tie points)."""
        rows, cols = np.meshgrid(np.linspace(0, height, per_side), np.linspace(0, width, per_side))
        lon, lat = self.lonlat(rows.ravel(), cols.ravel())
        points = [
            GroundControlPoint(row=float(r), col=float(c), x=float(x), y=float(y), z=0.0)
            for r, c, x, y in zip(rows.ravel(), cols.ravel(), lon, lat, strict=True)
        ]
        return Georef.from_gcps(points)

    def _pixel(self) -> AffineTransformer | GCPTransformer:
        return AffineTransformer(self.transform) if self.transform else GCPTransformer(self.gcps)

    def pixels(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fractional pixel positions (rows, cols) of longitudes and latitudes."""
        to_crs = Transformer.from_crs(WGS84, self.crs, always_xy=True)
        x, y = to_crs.transform(np.asarray(lon, float), np.asarray(lat, float))
        rows, cols = self._pixel().rowcol(np.atleast_1d(x), np.atleast_1d(y), op=lambda v: v)
        return np.asarray(rows, float), np.asarray(cols, float)

    def lonlat(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of fractional pixel positions."""
        rows, cols = np.atleast_1d(np.asarray(rows, float)), np.atleast_1d(np.asarray(cols, float))
        x, y = self._pixel().xy(rows, cols, offset="ul")
        to_deg = Transformer.from_crs(self.crs, WGS84, always_xy=True)
        lon, lat = to_deg.transform(np.asarray(x), np.asarray(y))
        return np.asarray(lon, float), np.asarray(lat, float)

    def footprint(self, width: int, height: int) -> shapely.Polygon:
        """The raster's outline in EPSG:4326, from points along its four edges."""
        n = 16
        along_w, along_h = np.linspace(0, width, n), np.linspace(0, height, n)
        rows = np.concatenate([np.zeros(n), along_h, np.full(n, height), along_h[::-1]])
        cols = np.concatenate([along_w, np.full(n, width), along_w[::-1], np.zeros(n)])
        lon, lat = self.lonlat(rows, cols)
        return shapely.Polygon(np.column_stack([lon, lat])).normalize()

    def to_pixel_space(self, geometry: shapely.Geometry) -> shapely.Geometry:
        """A lon/lat geometry in pixel coordinates (x = column, y = row)."""

        def flip(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            rows, cols = self.pixels(lon, lat)
            return cols, rows

        return shapely.transform(geometry, flip, interleaved=False)
