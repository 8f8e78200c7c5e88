"""Scenes opened through rasterio: pixels to lon/lat and back (affine and GCPs), windows as
linear amplitude whatever the radiometry, time and sensor from the file."""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
import rasterio
import rasterio.shutil
import shapely
from rasterio.control import GroundControlPoint
from rasterio.crs import CRS
from rasterio.transform import from_origin

from satellite.raster import open_scene
from surveillance.errors import InputError
from tests.builders.samples import shared_data, without_data


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


def _gcp_geotiff(path: Path, size: int = 400) -> tuple[Path, list[GroundControlPoint]]:
    """A 16-bit scene georeferenced by a 5 x 5 grid of GCPs in lon/lat, gently curved (as a
    radar scene's are), so no affine fits it."""
    gcps = []
    for row in np.linspace(0, size, 5):
        for col in np.linspace(0, size, 5):
            lon = 12.0 + col * 1e-4 + (row / size) ** 2 * 0.01
            lat = 40.0 - row * 8e-5 + (col / size) ** 2 * 0.004
            gcps.append(GroundControlPoint(row=row, col=col, x=lon, y=lat))
    profile = {"driver": "GTiff", "width": size, "height": size, "count": 1, "dtype": "uint16"}
    with rasterio.open(path, "w", **profile) as out:
        out.write(np.full((size, size), 300, np.uint16), 1)
        out.gcps = (gcps, CRS.from_epsg(4326))
        out.update_tags(ACQUISITION_START_TIME="2026-11-26T01:02:03.5")
    return path, gcps


def test_gcps_are_met_exactly_and_pixels_round_trip(tmp_path: Path) -> None:
    path, gcps = _gcp_geotiff(tmp_path / "gcps.tif")
    with open_scene(path) as scene:
        assert scene.meta.acquired_at == datetime(2026, 11, 26, 1, 2, 3, 500000, tzinfo=UTC)
        assert scene.meta.time_source == "ACQUISITION_START_TIME"
        lon, lat = scene.lonlat([g.row for g in gcps], [g.col for g in gcps])
        np.testing.assert_allclose(lon, [g.x for g in gcps], atol=1e-9)
        np.testing.assert_allclose(lat, [g.y for g in gcps], atol=1e-9)
        rows, cols = np.random.default_rng(3).uniform(0, 400, (2, 50))
        back_rows, back_cols = scene.pixels(*scene.lonlat(rows, cols))
        np.testing.assert_allclose(back_rows, rows, atol=0.01)
        np.testing.assert_allclose(back_cols, cols, atol=0.01)
        assert scene.spacing_m == pytest.approx(8.5, rel=0.1)  # 8.5 m across, 8.9 m down
        assert scene.footprint.contains(shapely.Point(12.02, 39.985))


def _one_band(path: Path, data: np.ndarray, **options: object) -> Path:
    profile = {
        "driver": "GTiff",
        "width": data.shape[1],
        "height": data.shape[0],
        "count": 1,
        "dtype": data.dtype.name,
        "crs": "EPSG:32652",
        "transform": from_origin(500_000.0, 3_700_000.0, 10.0, 10.0),
        **options,
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data, 1)
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    return path


def test_every_radiometry_reads_as_linear_amplitude(tmp_path: Path) -> None:
    db = np.full((20, 20), -20.0, np.float32)
    db[0, 0] = -99.0  # the nodata value
    intensity = np.full((20, 20), 0.25, np.float32)
    cases = {
        "db.tif": (_one_band(tmp_path / "sigma.tif", db, nodata=-99.0), "db", 0.1),
        "intensity": (_one_band(tmp_path / "sigma0.tif", intensity), "intensity", 0.5),
        "8-bit": (
            _one_band(tmp_path / "chip.tif", np.full((20, 20), 90, np.uint8)),
            "amplitude",
            90,
        ),
        "16-bit": (
            _one_band(tmp_path / "grd.tif", np.full((20, 20), 900, np.uint16)),
            "amplitude",
            900,
        ),
    }
    for name, (path, radiometry, amplitude) in cases.items():
        with open_scene(path) as scene:
            assert scene.meta.radiometry == radiometry, name
            window = scene.read(0, 0, 20, 20)
            assert window[5, 5] == pytest.approx(amplitude, rel=1e-5), name
    with open_scene(cases["db.tif"][0]) as scene:
        assert np.isnan(scene.read(0, 0, 2, 2)[0, 0])
    named = _one_band(tmp_path / "scene_db.tif", np.full((20, 20), 3.0, np.float32))
    with open_scene(named) as scene:  # the name says dB, though the values are positive
        assert scene.meta.radiometry == "db"


def test_time_given_overrides_the_files_and_is_kept(tmp_path: Path) -> None:
    path = _one_band(tmp_path / "grd.tif", np.ones((8, 8), np.uint16))
    with open_scene(path, time="2026-11-27T05:00:00+02:00") as scene:
        assert scene.meta.acquired_at == datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
        assert scene.meta.time_source == "--time"
        assert scene.meta.extra["file_time"] == "2026-11-26T01:00:00Z"
    with open_scene(path) as scene:
        assert scene.meta.time_source == "TIFFTAG_DATETIME"
        assert scene.meta.acquired_at == datetime(2026, 11, 26, 1, 0, tzinfo=UTC)


def test_rgb_and_sentinel2_images_are_optical(tmp_path: Path) -> None:
    rgb = tmp_path / "photo.tif"
    profile = {
        "driver": "GTiff",
        "width": 8,
        "height": 8,
        "count": 3,
        "dtype": "uint8",
        "crs": "EPSG:4326",
        "transform": from_origin(12.0, 41.0, 1e-4, 1e-4),
        "photometric": "RGB",
    }
    with rasterio.open(rgb, "w", **profile) as out:
        out.write(np.zeros((3, 8, 8), np.uint8))
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    with open_scene(rgb) as scene:
        assert (scene.meta.sensor, scene.bands) == ("optical", 3)
    band = _one_band(tmp_path / "T33TTG_20261126T100031_B04.tif", np.ones((8, 8), np.uint16))
    with open_scene(band) as scene:
        assert scene.meta.sensor == "optical"
    with open_scene(band, sensor="sar") as scene:
        assert scene.meta.sensor == "sar"


def test_the_real_db_crop_reads_in_its_utm_zone() -> None:
    found = sorted(shared_data("s1-safe").glob("*_db.tif"))
    if not found:
        without_data(shared_data("s1-safe"))
    with open_scene(found[0], time="2015-03-09T17:30:17Z") as scene:
        assert scene.meta.radiometry == "db"
        assert scene.spacing_m == pytest.approx(20.0, rel=0.01)
        west, south, east, north = scene.footprint.bounds
        assert 4.4 < west < east < 4.6 and 43.5 < south < north < 43.7
        window = scene.read(0, 0, scene.height, scene.width)
        assert np.isfinite(window).all() and 0.04 < float(np.median(window)) < 0.5


def test_the_real_product_is_placed_by_its_gcps() -> None:
    found = sorted(shared_data("s1-safe").glob("*.SAFE"))
    if not found:
        without_data(shared_data("s1-safe"))
    with rasterio.open(f"{found[0]}/manifest.safe") as dataset:
        gcps = dataset.gcps[0]
    with open_scene(found[0]) as scene:
        lon, lat = scene.lonlat([g.row for g in gcps], [g.col for g in gcps])
        np.testing.assert_allclose(lon, [g.x for g in gcps], atol=1e-7)
        np.testing.assert_allclose(lat, [g.y for g in gcps], atol=1e-7)
        assert np.isnan(scene.read(8000, 8000, 64, 64)).all()  # digital number 0: no data
        assert scene.spacing_m == 10.0 and scene.meta.extra["band"] == "VV"


def test_a_cog_reads_its_overviews_for_a_small_picture(tmp_path: Path) -> None:
    lines = np.zeros((2048, 2048), np.uint16)
    lines[::32] = 1000  # a bright line every 32 rows: 1/32 of the pixels
    cog = tmp_path / "scene_cog.tif"
    rasterio.shutil.copy(
        _one_band(tmp_path / "plain.tif", lines), cog, driver="COG", overview_resampling="average"
    )
    with open_scene(cog) as scene:
        assert scene.meta.time_source == "TIFFTAG_DATETIME"
        small = scene.overview(64, 64)
        assert small.shape == (1, 64, 64)
        # each pixel the average of a 32 x 32 block (from the overviews), not one pixel (0)
        np.testing.assert_allclose(small, 1000 / 32, rtol=0.05)
        assert scene.read(32, 5, 2, 1)[:, 0].tolist() == [1000, 0]
