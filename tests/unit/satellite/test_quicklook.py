"""Quicklooks: small PNGs on a lon/lat grid over the footprint, transparent without data."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import rasterio
from PIL import Image
from rasterio.transform import from_origin

from satellite.quicklook import QUICKLOOK_PX, quicklook_png
from satellite.raster import open_scene
from tests.builders.samples import shared_data, without_data


def _pixels(png: bytes) -> np.ndarray:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG" and image.mode == "RGBA"
    return np.asarray(image)


def _utm_scene(path: Path, data: np.ndarray, count: int = 1) -> Path:
    """A scene in UTM: on a lon/lat grid it is turned a little, so its corners are empty."""
    profile = {
        "driver": "GTiff",
        "width": data.shape[-1],
        "height": data.shape[-2],
        "count": count,
        "dtype": data.dtype.name,
        "crs": "EPSG:32633",
        "transform": from_origin(700_000.0, 4_400_000.0, 10.0, 10.0),
        "nodata": 0,
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data.reshape(count, *data.shape[-2:]))
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    return path


def test_a_quicklook_is_small_warped_and_transparent_where_there_is_no_data(
    tmp_path: Path,
) -> None:
    data = np.random.default_rng(5).gamma(4.0, 50.0, (1500, 3000)).astype(np.uint16) + 1
    data[:, :300] = 0  # no data along the west edge
    with open_scene(_utm_scene(tmp_path / "wide.tif", data)) as scene:
        pixels = _pixels(quicklook_png(scene))
    height, width, _ = pixels.shape
    assert width == QUICKLOOK_PX and 200 < height < 300  # wide as the scene is on the ground
    alpha = pixels[..., 3]
    assert set(np.unique(alpha)) == {0, 255}
    assert alpha[height // 2, width // 2] == 255 and alpha[height // 2, 10] == 0
    assert alpha[0, 0] == 0 or alpha[0, -1] == 0  # the grid is lon/lat, the scene is not
    seen = pixels[alpha == 255][:, 0]
    assert seen.min() < 30 and seen.max() > 225  # stretched between percentiles


def test_an_optical_quicklook_keeps_its_colours(tmp_path: Path) -> None:
    rgb = np.zeros((3, 200, 200), np.uint8)
    rgb[0], rgb[1, :, :100], rgb[2] = 200, 120, 10
    with open_scene(_utm_scene(tmp_path / "rgb.tif", rgb, count=3), sensor="optical") as scene:
        pixels = _pixels(quicklook_png(scene, long_side_px=64))
    assert max(pixels.shape[:2]) == 64
    inside = pixels[pixels[..., 3] == 255]
    assert len(inside) and (inside[:, 0] > inside[:, 2]).all()  # red stays red


def test_the_empty_real_product_gives_a_clear_quicklook() -> None:
    found = sorted(shared_data("s1-safe").glob("*.SAFE"))
    if not found:
        without_data(shared_data("s1-safe"))
    with open_scene(found[0]) as scene:
        pixels = _pixels(quicklook_png(scene))
    assert max(pixels.shape[:2]) == QUICKLOOK_PX
    assert (pixels[..., 3] == 0).all()  # every digital number is 0: no data anywhere
