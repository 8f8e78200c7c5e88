"""A scene's quicklook for the map: a small RGBA PNG on a lon/lat grid over the bounds of
its footprint, transparent where the scene has no data, so the dashboard lays it on the
map as a BitmapLayer over ``footprint.bounds`` (west, south, east, north).

The raster is read decimated (its overviews when it has them), never at full resolution;
the grid is warped with the scene's own pixel transform (affine or GCPs), the same one
that places its detections. SAR is stretched in dB between percentiles, optical bands
together.
"""

from __future__ import annotations

import io
import math

import numpy as np
import numpy.typing as npt
from PIL import Image

from satellite.raster import SceneRaster

__all__ = ["QUICKLOOK_PX", "quicklook_png", "png_bytes"]

#: the quicklook's long side in pixels
QUICKLOOK_PX = 512
_READ_OVERSAMPLE = 2  # source pixels read per quicklook pixel along each axis
_STRETCH_PERCENTILES = (2.0, 98.0)


def quicklook_png(scene: SceneRaster, long_side_px: int = QUICKLOOK_PX) -> bytes:
    """The scene's quicklook PNG: at most ``long_side_px`` on its long side."""
    west, south, east, north = scene.footprint.bounds
    wide_m = (east - west) * math.cos(math.radians((south + north) / 2))
    ratio = wide_m / max(north - south, 1e-12)
    width = max(1, round(long_side_px * min(ratio, 1.0)))
    height = max(1, round(long_side_px * min(1.0 / ratio, 1.0)))
    bands = 3 if scene.meta.sensor == "optical" and scene.bands >= 3 else 1
    scale = max(1.0, max(scene.height, scene.width) / (long_side_px * _READ_OVERSAMPLE))
    small = scene.overview(
        max(1, round(scene.height / scale)), max(1, round(scene.width / scale)), bands
    )
    lon = west + (np.arange(width) + 0.5) * (east - west) / width
    lat = north - (np.arange(height) + 0.5) * (north - south) / height
    grid_lon, grid_lat = np.meshgrid(lon, lat)
    rows, cols = scene.pixels(grid_lon.ravel(), grid_lat.ravel())
    inside = (rows >= 0) & (rows < scene.height) & (cols >= 0) & (cols < scene.width)
    r = np.clip((rows * small.shape[1] / scene.height).astype(int), 0, small.shape[1] - 1)
    c = np.clip((cols * small.shape[2] / scene.width).astype(int), 0, small.shape[2] - 1)
    values = small[:, r, c]
    values[:, ~inside] = np.nan
    if scene.meta.sensor == "sar":
        with np.errstate(divide="ignore", invalid="ignore"):
            values = 20.0 * np.log10(values)
    valid = np.isfinite(values).all(axis=0)
    stretched = _stretched(values, valid)
    colour = np.repeat(stretched, 3, axis=0) if bands == 1 else stretched
    alpha = np.where(valid, 255, 0).astype(np.uint8)[None]
    return png_bytes(np.concatenate([colour, alpha]).reshape(4, height, width))


def _stretched(values: npt.NDArray[np.floating], valid: npt.NDArray[np.bool_]) -> np.ndarray:
    """``values`` (bands, rows, cols) mapped to 0..255 between the percentiles of the valid
    ones, one stretch for all bands so that colours keep their balance."""
    out = np.zeros(values.shape, np.uint8)
    if not valid.any():
        return out
    seen = values[:, valid]
    low, high = np.percentile(seen, _STRETCH_PERCENTILES)
    spread = high - low if high > low else 1.0
    out[:, valid] = np.clip((seen - low) / spread * 255.0, 0, 255).astype(np.uint8)
    return out


def png_bytes(bands: npt.NDArray[np.uint8]) -> bytes:
    """``bands`` as a PNG: ``(4, rows, cols)`` uint8 (red, green, blue, alpha), or
    ``(rows, cols)`` for grey."""
    out = io.BytesIO()
    pixels = bands if bands.ndim == 2 else np.moveaxis(bands, 0, -1)
    Image.fromarray(pixels).save(out, format="PNG", optimize=True)
    return out.getvalue()
