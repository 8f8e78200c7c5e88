"""Simulated SAR scenes: sea clutter, land and ships written as a GeoTIFF, a strip at a time.

The radar brightness is built as intensity relative to the mean sea: K-distributed clutter
(a gamma texture, correlated over ~40 m cells, times gamma speckle of 4.4 looks, as a
Sentinel-1 IW GRD has), a mild fall-off across range, land brighter and more textured, and
ships as a bright hull with azimuth and range sidelobes (a cross) at their pixel positions.
It is then written as 16-bit amplitude digital numbers (as a GRD), 8-bit amplitude (a
quicklook) or float sigma0 in dB. Strips keep a full-size scene (26,102 x 16,705 px) within
a few hundred MB; the texture and ships do not depend on the strip height, the speckle does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
import rasterio
import shapely
from affine import Affine
from rasterio.features import rasterize
from rasterio.windows import Window

from simulator.georef import Georef
from simulator.sar_ships import ShipPatch, ship_patches
from surveillance.errors import InputError

__all__ = ["SceneDtype", "write_scene", "SPECKLE_LOOKS", "SEA_TEXTURE_SHAPE"]

#: how pixel values are written: GRD amplitude numbers, an 8-bit quicklook, sigma0 in dB
SceneDtype = Literal["uint16", "uint8", "float32-dB"]

SPECKLE_LOOKS = 4.4  # equivalent number of looks of Sentinel-1 IW GRD high resolution
SEA_TEXTURE_SHAPE = 8.0  # gamma shape of the sea texture: moderately spiky clutter
LAND_TEXTURE_SHAPE = 1.5  # fields, slopes and towns: far more varied than the sea
LAND_GAIN = 6.0  # land's mean intensity over the sea's (~ +8 dB)
TEXTURE_CELL_M = 40.0  # the size of a texture cell (swell, wind patches)
RANGE_FALLOFF_DB_PER_KM = 0.04  # sea sigma0 falls ~10 dB across a 250 km swath
SEA_AMPLITUDE_DN = {"uint16": 100.0, "uint8": 24.0}  # the sea's mean amplitude as written
SEA_SIGMA0_DB = -20.0  # the sea's mean sigma0 in the dB product
BLOCK_PX = 256  # GeoTIFF tile side


@dataclass
class _Render:
    """What a scene needs to render any strip: its size, land in pixel space, ships."""

    width: int
    height: int
    seed: int
    spacing_m: float
    land_px: shapely.Geometry | None
    ships: list[ShipPatch]

    @property
    def cell_px(self) -> int:
        return max(1, round(TEXTURE_CELL_M / self.spacing_m))

    def strip(self, row0: int, rows: int) -> np.ndarray:
        """Intensity relative to the mean sea for rows ``row0 .. row0 + rows``."""
        speckle_rng = np.random.default_rng([self.seed, 0, row0])
        speckle = speckle_rng.standard_gamma(SPECKLE_LOOKS, (rows, self.width), np.float32)
        speckle *= np.float32(1.0 / SPECKLE_LOOKS)
        texture = self._texture(row0, rows, SEA_TEXTURE_SHAPE, salt=1)
        land = self._land(row0, rows)
        if land is not None:
            land_texture = self._texture(row0, rows, LAND_TEXTURE_SHAPE, salt=2)
            land_texture *= np.float32(LAND_GAIN)
            np.copyto(texture, land_texture, where=land)
            del land_texture
        intensity = speckle  # in place from here on: a strip holds few full-width arrays
        intensity *= texture
        intensity *= self._range_falloff()[None, :]
        for ship in self.ships:
            ship.add_to(intensity, row0)
        return intensity

    def _texture(self, row0: int, rows: int, shape: float, salt: int) -> np.ndarray:
        """A gamma texture of mean 1 on square cells; each cell row has its own generator,
        so the texture is the same whatever the strip height."""
        cell = self.cell_px
        first, last = row0 // cell, (row0 + rows - 1) // cell
        columns = -(-self.width // cell)
        coarse = np.stack(
            [
                np.random.default_rng([self.seed, salt, k]).standard_gamma(
                    shape, columns, np.float32
                )
                for k in range(first, last + 1)
            ]
        ) * np.float32(1.0 / shape)
        fine = np.repeat(np.repeat(coarse, cell, axis=0), cell, axis=1)
        skip = row0 - first * cell
        return np.ascontiguousarray(fine[skip : skip + rows, : self.width])

    def _range_falloff(self) -> np.ndarray:
        km = (np.arange(self.width, dtype=np.float32) - self.width / 2) * self.spacing_m / 1000
        return np.power(np.float32(10.0), -RANGE_FALLOFF_DB_PER_KM * km / 10, dtype=np.float32)

    def _land(self, row0: int, rows: int) -> np.ndarray | None:
        if self.land_px is None:
            return None
        part = shapely.clip_by_rect(self.land_px, 0, row0, self.width, row0 + rows)
        if part.is_empty:
            return None
        mask = rasterize(
            [part],
            out_shape=(rows, self.width),
            transform=Affine.translation(0, row0),
            fill=0,
            default_value=1,
            dtype="uint8",
        )
        return mask.astype(bool)


def _encode(intensity: np.ndarray, dtype: SceneDtype) -> np.ndarray:
    """Intensity relative to the sea as the file's pixel values."""
    if dtype == "float32-dB":
        db = np.log10(np.maximum(intensity, np.float32(1e-8), out=intensity), out=intensity)
        db *= np.float32(10.0)
        db += np.float32(SEA_SIGMA0_DB)
        return db
    amplitude = np.sqrt(intensity, out=intensity)
    amplitude *= np.float32(SEA_AMPLITUDE_DN[dtype])
    np.minimum(amplitude, np.iinfo(dtype).max, out=amplitude)
    return np.rint(amplitude, out=amplitude).astype(dtype)


def _land_in_pixels(
    land: shapely.Geometry | None, georef: Georef, width: int, height: int
) -> shapely.Geometry | None:
    """The land inside (and just around) the scene, in pixel coordinates."""
    if land is None or land.is_empty:
        return None
    around = georef.footprint(width, height).buffer(0.02)
    near = shapely.intersection(land, around)
    if near.is_empty:
        return None
    in_pixels = georef.to_pixel_space(near)
    inside = shapely.clip_by_rect(in_pixels, -1, -1, width + 1, height + 1)
    return None if inside.is_empty else inside


def write_scene(
    path: Path,
    *,
    width: int,
    height: int,
    georef: Georef,
    time: datetime,
    ships: pd.DataFrame,
    land: shapely.Geometry | None,
    seed: int,
    spacing_m: float,
    dtype: SceneDtype = "uint16",
    strip_rows: int = 1024,
) -> None:
    """Write a simulated SAR scene as a tiled, compressed GeoTIFF, ``strip_rows`` at a time.

    ``ships`` has ``lon, lat, length_m, width_m, heading_deg`` (heading clockwise from true
    north; an unknown width is taken as a sixth of the length); ``land`` is in EPSG:4326.
    The file carries its time in ``TIFFTAG_DATETIME`` and ``ACQUISITION_START_TIME``.
    Deterministic for a ``seed`` and ``strip_rows``.
    """
    if width <= 0 or height <= 0 or strip_rows <= 0 or spacing_m <= 0:
        raise InputError("a scene needs a positive size, strip height and pixel spacing")
    if time.tzinfo is None:
        raise InputError("a scene's time must be UTC-aware")
    render = _Render(
        width=width,
        height=height,
        seed=seed,
        spacing_m=spacing_m,
        land_px=_land_in_pixels(land, georef, width, height),
        ships=ship_patches(ships, georef, spacing_m, np.random.default_rng([seed, 3])),
    )
    with rasterio.open(path, "w", **_profile(width, height, georef, dtype)) as out:
        for row0 in range(0, height, strip_rows):
            rows = min(strip_rows, height - row0)
            out.write(
                _encode(render.strip(row0, rows), dtype), 1, window=Window(0, row0, width, rows)
            )
        out.update_tags(**_time_tags(time))


def _profile(width: int, height: int, georef: Georef, dtype: SceneDtype) -> dict[str, object]:
    profile: dict[str, object] = {
        "driver": "GTiff",
        "width": width,
        "height": height,
        "count": 1,
        "dtype": "float32" if dtype == "float32-dB" else dtype,
        "tiled": True,
        "blockxsize": BLOCK_PX,
        "blockysize": BLOCK_PX,
        "compress": "zstd",
        "zstd_level": 1,  # fast: a full scene is ~0.9 GB of pixels
        "predictor": 3 if dtype == "float32-dB" else 2,
        "bigtiff": "IF_SAFER",
    }
    if georef.transform is not None:
        profile.update(crs=georef.crs, transform=georef.transform)
    else:
        profile.update(crs=georef.crs, gcps=list(georef.gcps))
    return profile


def _time_tags(time: datetime) -> dict[str, str]:
    """The acquisition time as TIFF and as Sentinel-1-like metadata."""
    utc = time.astimezone(UTC)
    return {
        "TIFFTAG_DATETIME": utc.strftime("%Y:%m:%d %H:%M:%S"),
        "ACQUISITION_START_TIME": utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "TIFFTAG_SOFTWARE": "coastwatch simulate",
    }
