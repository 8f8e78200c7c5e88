"""A scene's raster as the detector reads it: windows of linear amplitude, and pixels to
longitude and latitude, whether the file is georeferenced by an affine transform or GCPs.

:func:`open_scene` opens a file with rasterio and says what it is (:class:`SceneMeta`);
:class:`SceneRaster` reads it a window at a time, so a full Sentinel-1 scene never has to
fit in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Literal

import numpy as np
import rasterio
import shapely
from pyproj import Transformer
from rasterio.errors import RasterioIOError
from rasterio.transform import AffineTransformer, GCPTransformer
from rasterio.windows import Window

from surveillance.errors import InputError
from surveillance.times import parse_time

__all__ = ["SceneMeta", "SceneRaster", "open_scene", "Radiometry"]

#: how a band's values relate to radar brightness: linear amplitude (GRD digital numbers,
#: 8-bit chips), linear intensity (sigma0), or intensity in decibels
Radiometry = Literal["amplitude", "intensity", "db"]


@dataclass
class SceneMeta:
    """What a scene is, as read from its file (or given on the command line)."""

    acquired_at: datetime
    sensor: str  # sar | optical
    radiometry: Radiometry = "amplitude"
    platform: str | None = None
    mode: str | None = None
    polarisations: str | None = None
    orbit_number: int | None = None
    orbit_pass: str | None = None
    product: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class SceneRaster:
    """An open scene: its size, pixel spacing, footprint, and windows of its first band."""

    def __init__(self, dataset: Any, meta: SceneMeta) -> None:
        self._ds = dataset
        self.meta = meta
        self.width, self.height = int(dataset.width), int(dataset.height)
        gcps, gcp_crs = dataset.gcps
        if gcps:
            self._pixel = GCPTransformer(gcps)
            crs = gcp_crs
        elif dataset.crs is not None and not dataset.transform.is_identity:
            self._pixel = AffineTransformer(dataset.transform)
            crs = dataset.crs
        else:
            raise InputError(f"{dataset.name}: no georeferencing (no transform and no GCPs)")
        self._to_lonlat = Transformer.from_crs(crs, 4326, always_xy=True)
        self._from_lonlat = Transformer.from_crs(4326, crs, always_xy=True)
        self.spacing_m = self._spacing_m()
        self.footprint = self._footprint()

    def lonlat(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of pixel positions (pixel centres at .5)."""
        x, y = self._pixel.xy(np.asarray(rows, float), np.asarray(cols, float), offset="ul")
        lon, lat = self._to_lonlat.transform(np.asarray(x), np.asarray(y))
        return np.asarray(lon, float), np.asarray(lat, float)

    def pixels(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Fractional pixel positions (rows, cols) of longitudes and latitudes."""
        x, y = self._from_lonlat.transform(np.asarray(lon, float), np.asarray(lat, float))
        rows, cols = self._pixel.rowcol(np.asarray(x), np.asarray(y), op=lambda v: v)
        return np.asarray(rows, float), np.asarray(cols, float)

    def read(self, row0: int, col0: int, rows: int, cols: int) -> np.ndarray:
        """A window of the first band as float32 linear amplitude; NaN where there is no
        data (the nodata value, or outside the raster)."""
        window = Window(col0, row0, cols, rows)
        # a boundless read goes through a VRT, some 15x slower: only when it must
        outside = min(row0, col0) < 0 or row0 + rows > self.height or col0 + cols > self.width
        data = self._ds.read(1, window=window, boundless=outside, masked=True).astype(np.float32)
        values = np.ma.filled(data, np.nan)
        if self.meta.radiometry == "db":
            values = np.power(10.0, values / 20.0, dtype=np.float32)
        elif self.meta.radiometry == "intensity":
            values = np.sqrt(np.maximum(values, 0.0), dtype=np.float32)
        return values

    def _spacing_m(self) -> float:
        """Metres per pixel, measured on the ground across the scene's centre."""
        r, c = self.height / 2, self.width / 2
        lon, lat = self.lonlat(np.array([r, r, r + 1]), np.array([c, c + 1, c]))
        metres_per_deg = 111_320.0
        dx = np.hypot(
            (lon[1] - lon[0]) * metres_per_deg * np.cos(np.radians(lat[0])),
            (lat[1] - lat[0]) * metres_per_deg,
        )
        dy = np.hypot(
            (lon[2] - lon[0]) * metres_per_deg * np.cos(np.radians(lat[0])),
            (lat[2] - lat[0]) * metres_per_deg,
        )
        return float((dx + dy) / 2)

    def _footprint(self) -> shapely.Polygon:
        """The raster's outline in EPSG:4326, from points along its four edges."""
        n = 16
        along_w, along_h = np.linspace(0, self.width, n), np.linspace(0, self.height, n)
        rows = np.concatenate([np.zeros(n), along_h, np.full(n, self.height), along_h[::-1]])
        cols = np.concatenate([along_w, np.full(n, self.width), along_w[::-1], np.zeros(n)])
        x, y = self._pixel.xy(rows, cols, offset="ul")
        lon, lat = self._to_lonlat.transform(np.asarray(x), np.asarray(y))
        return shapely.Polygon(np.column_stack([lon, lat])).normalize()

    def close(self) -> None:
        self._ds.close()

    def __enter__(self) -> SceneRaster:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def open_scene(path: Path, sensor: str | None = None, time: str | None = None) -> SceneRaster:
    """Open a GeoTIFF (affine or GCPs); its time from ``TIFFTAG_DATETIME`` or ``time``.

    Refuses, with an :class:`InputError`, a file that is not a raster, has no time, or has
    no georeferencing.
    """
    try:
        dataset = rasterio.open(path)
    except RasterioIOError as exc:
        raise InputError(f"{path}: not a raster rasterio can read ({exc})") from None
    try:
        tags = dataset.tags()
        stamp = time or tags.get("TIFFTAG_DATETIME")
        if not stamp:
            raise InputError(f"{path}: the file has no acquisition time; give --time")
        if stamp == tags.get("TIFFTAG_DATETIME"):
            stamp = stamp.replace(":", "-", 2).replace(" ", "T") + "Z"
        radiometry: Radiometry = "db" if dataset.dtypes[0].startswith("float") else "amplitude"
        meta = SceneMeta(
            acquired_at=parse_time(stamp, "--time"),
            sensor=sensor or "sar",
            radiometry=radiometry,
            product=Path(path).name,
        )
        return SceneRaster(dataset, meta)
    except BaseException:
        dataset.close()
        raise
