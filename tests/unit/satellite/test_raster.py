"""Scenes opened through rasterio: pixels to lon/lat and back, windows as amplitude."""

from pathlib import Path

import numpy as np
import pytest
import rasterio
from rasterio.transform import from_origin

from satellite.raster import open_scene
from surveillance.errors import InputError


def _geotiff(path: Path, data: np.ndarray, *, tags: dict[str, str] | None = None) -> Path:
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype.name,
        "crs": "EPSG:32652",
        "transform": from_origin(500_000.0, 3_700_000.0, 10.0, 10.0),
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data, 1)
        out.update_tags(**(tags or {}))
    return path


def test_pixels_and_lonlat_are_inverse_and_spacing_is_metres(tmp_path: Path) -> None:
    path = _geotiff(tmp_path / "s.tif", np.full((200, 300), 40, np.uint16))
    with open_scene(path, time="2026-11-26T01:00:00Z") as scene:
        assert (scene.width, scene.height) == (300, 200)
        assert scene.spacing_m == pytest.approx(10.0, rel=0.01)
        lon, lat = scene.lonlat(np.array([0.5, 150.5]), np.array([0.5, 250.5]))
        assert 128.9 < lon[0] < 129.1 and 33.3 < lat[0] < 33.5
        rows, cols = scene.pixels(lon, lat)
        np.testing.assert_allclose(rows, [0.5, 150.5], atol=1e-6)
        np.testing.assert_allclose(cols, [0.5, 250.5], atol=1e-6)
        assert scene.footprint.contains(scene.footprint.centroid)
        window = scene.read(190, 290, 20, 20)
        assert window.dtype == np.float32 and np.isnan(window[15, 15]) and window[0, 0] == 40


def test_a_scene_without_time_or_georeferencing_or_raster_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no acquisition time"):
        open_scene(_geotiff(tmp_path / "t.tif", np.zeros((8, 8), np.uint8)))
    plain = tmp_path / "plain.tif"
    with rasterio.open(plain, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as o:
        o.write(np.zeros((8, 8), np.uint8), 1)
    with pytest.raises(InputError, match="no georeferencing"):
        open_scene(plain, time="2026-11-26T01:00:00Z")
    text = tmp_path / "notes.txt"
    text.write_text("not an image")
    with pytest.raises(InputError, match="not a raster"):
        open_scene(text, time="2026-11-26T01:00:00Z")
