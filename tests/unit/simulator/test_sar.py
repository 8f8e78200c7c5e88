"""Simulated SAR scenes, read back as the scene ingest reads them: time, georeferencing,
clutter statistics, land, and ships standing out where they are."""

from __future__ import annotations

import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from satellite.raster import open_scene
from simulator.georef import Georef
from simulator.sar import SEA_TEXTURE_SHAPE, SPECKLE_LOOKS, SceneDtype, write_scene
from surveillance.errors import InputError

TIME = datetime(2026, 11, 26, 1, 30, 15, tzinfo=UTC)
UTM = Georef.affine(from_origin(500_000.0, 3_700_000.0, 10.0, 10.0), 32652)
NO_SHIPS = pd.DataFrame(columns=["lon", "lat", "length_m", "width_m", "heading_deg"])


def _ships(
    georef: Georef, rows: list[float], cols: list[float], **columns: list[float]
) -> pd.DataFrame:
    lon, lat = georef.lonlat(np.array(rows), np.array(cols))
    return pd.DataFrame({"lon": lon, "lat": lat, **columns})


def _write(path: Path, ships: pd.DataFrame = NO_SHIPS, **options: Any) -> Path:
    settings: dict[str, Any] = dict(
        width=600, height=500, georef=UTM, time=TIME, ships=ships, land=None, seed=7, spacing_m=10.0
    )
    settings.update(options)
    write_scene(path, **settings)
    return path


def test_the_file_is_a_tiled_compressed_geotiff_carrying_its_time(tmp_path: Path) -> None:
    path = _write(tmp_path / "s.tif")
    with rasterio.open(path) as scene:
        assert (scene.width, scene.height, scene.dtypes[0]) == (600, 500, "uint16")
        assert scene.profile["tiled"] and scene.compression is not None
        assert scene.tags()["TIFFTAG_DATETIME"] == "2026:11:26 01:30:15"
        assert scene.tags()["ACQUISITION_START_TIME"].startswith("2026-11-26T01:30:15")
    with open_scene(path) as scene:
        assert scene.meta.acquired_at == TIME
        assert scene.spacing_m == pytest.approx(10.0, rel=0.01)


@pytest.mark.parametrize("dtype", ["uint16", "uint8", "float32-dB"])
def test_a_ship_stands_out_of_the_clutter_at_its_position(
    tmp_path: Path, dtype: SceneDtype
) -> None:
    ships = _ships(UTM, [200.5], [300.5], length_m=[120.0], width_m=[20.0], heading_deg=[0.0])
    with open_scene(_write(tmp_path / "s.tif", ships, dtype=dtype)) as scene:
        (row,), (col,) = scene.pixels(ships["lon"].to_numpy(), ships["lat"].to_numpy())
        assert (row, col) == pytest.approx((200.5, 300.5), abs=0.01)
        image = scene.read(0, 0, 500, 600)
    sea = np.median(image)
    hull = image[194:207, 299:302]  # 120 m north-south is 12 rows, 20 m is 2 columns
    assert np.median(hull) > 8 * sea
    assert np.median(image[185:216, 290:296]) < 1.5 * sea  # beside it: sea (and faint sidelobes)
    lit = image[150:250, 300] > 4 * sea
    assert 10 <= lit.sum() <= 20  # its length along azimuth, a pixel or two of sidelobe either end


def test_a_ship_s_heading_and_length_show_in_the_pixels(tmp_path: Path) -> None:
    ships = _ships(UTM, [250.0], [300.0], length_m=[200.0], width_m=[30.0], heading_deg=[45.0])
    with open_scene(_write(tmp_path / "s.tif", ships)) as scene:
        image = scene.read(0, 0, 500, 600)
    bright = np.argwhere(image > 6 * np.median(image))
    centred = bright - bright.mean(axis=0)
    _, _, axes = np.linalg.svd(centred, full_matrices=False)
    long_axis = axes[0] * np.sign(axes[0][1])  # (rows, cols), pointing east
    assert long_axis[0] == pytest.approx(-np.sqrt(0.5), abs=0.08)  # north-east: rows decrease
    extent_px = np.ptp(centred @ axes[0])
    assert 17 <= extent_px <= 24  # 200 m at 10 m


def test_sea_clutter_is_k_distributed_gamma_texture_times_speckle(tmp_path: Path) -> None:
    with open_scene(_write(tmp_path / "s.tif", width=800, height=800)) as scene:
        intensity = scene.read(0, 300, 800, 200).astype(float) ** 2
    ratio = intensity.var() / intensity.mean() ** 2
    expected = (1 + 1 / SEA_TEXTURE_SHAPE) * (1 + 1 / SPECKLE_LOOKS) - 1
    assert ratio == pytest.approx(expected, rel=0.1)
    assert ratio > 1.3 / SPECKLE_LOOKS  # spikier than speckle alone


def test_land_is_brighter_and_more_varied_than_the_sea(tmp_path: Path) -> None:
    lon, lat = UTM.lonlat(np.array([0.0, 500.0]), np.array([0.0, 200.0]))
    land = shapely.box(lon.min(), lat.min(), lon.max(), lat.max())  # the western third
    with open_scene(_write(tmp_path / "s.tif", land=land)) as scene:
        image = scene.read(0, 0, 500, 600).astype(float)
    on_land, at_sea = image[:, 10:190] ** 2, image[:, 400:590] ** 2
    assert on_land.mean() > 4 * at_sea.mean()
    assert on_land.var() / on_land.mean() ** 2 > 2 * at_sea.var() / at_sea.mean() ** 2


def test_a_scene_placed_by_gcps_puts_its_ship_at_the_same_lon_lat(tmp_path: Path) -> None:
    gcps = UTM.gcp_grid(600, 500, per_side=5)
    ships = _ships(UTM, [120.5], [420.5], length_m=[150.0], width_m=[25.0], heading_deg=[90.0])
    path = _write(tmp_path / "g.tif", ships, georef=gcps)
    with rasterio.open(path) as raw:
        assert raw.transform.is_identity and len(raw.gcps[0]) == 25
    with open_scene(path) as scene:
        (row,), (col,) = scene.pixels(ships["lon"].to_numpy(), ships["lat"].to_numpy())
        image = scene.read(0, 0, 500, 600)
        assert shapely.hausdorff_distance(scene.footprint, UTM.footprint(600, 500)) < 1e-5
    assert (row, col) == pytest.approx((120.5, 420.5), abs=0.05)
    assert image[120, 414:427].min() > 4 * np.median(image)  # 150 m east-west


def test_the_georeference_may_be_a_transform_and_crs_or_a_list_of_gcps(tmp_path: Path) -> None:
    assert UTM.transform is not None
    gcps = list(UTM.gcp_grid(600, 500).gcps)
    for name, georef in (("a", (UTM.transform, "EPSG:32652")), ("g", gcps)):
        with open_scene(_write(tmp_path / f"{name}.tif", georef=georef)) as scene:
            assert shapely.hausdorff_distance(scene.footprint, UTM.footprint(600, 500)) < 1e-5
    with pytest.raises(InputError, match="georeference"):
        _write(tmp_path / "x.tif", georef=[(1.0, 2.0)])


def test_a_scene_renders_a_strip_at_a_time_in_bounded_memory(tmp_path: Path) -> None:
    width, height = 1500, 4000
    whole_intensity_bytes = width * height * 4
    tracemalloc.start()
    try:
        _write(tmp_path / "big.tif", width=width, height=height, strip_rows=200)
        _, peak_bytes = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak_bytes < whole_intensity_bytes / 4
    with rasterio.open(tmp_path / "big.tif") as scene:
        assert scene.read(1, window=((3990, 4000), (0, width))).min() > 0  # the last strip too


def test_the_texture_and_ships_do_not_depend_on_the_strip_height(tmp_path: Path) -> None:
    ships = _ships(UTM, [255.0], [300.0], length_m=[300.0], width_m=[45.0], heading_deg=[20.0])
    images = []
    for strip_rows in (64, 1024):
        with open_scene(_write(tmp_path / f"{strip_rows}.tif", ships, strip_rows=strip_rows)) as s:
            images.append(s.read(0, 0, 500, 600).astype(float))
    cells = [image.reshape(125, 4, 150, 4).mean(axis=(1, 3)) for image in images]
    assert np.corrcoef(cells[0].ravel(), cells[1].ravel())[0, 1] > 0.5
    ship_box = (slice(235, 275), slice(285, 315))
    assert images[0][ship_box].sum() == pytest.approx(images[1][ship_box].sum(), rel=0.1)


def test_bad_arguments_are_refused_clearly(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="UTC-aware"):
        _write(tmp_path / "a.tif", time=datetime(2026, 11, 26, 1, 0))
    with pytest.raises(InputError, match="heading_deg"):
        _write(tmp_path / "b.tif", NO_SHIPS.drop(columns="heading_deg"))
    with pytest.raises(InputError, match="positive size"):
        _write(tmp_path / "c.tif", width=0)
    lost = _ships(UTM, [10.0], [10.0], length_m=[50.0], width_m=[8.0], heading_deg=[0.0])
    with pytest.raises(InputError, match="every ship"):
        _write(tmp_path / "d.tif", lost.assign(lon=np.nan))
    with pytest.raises(InputError, match="every ship"):
        _write(tmp_path / "e.tif", lost.assign(length_m=5_000.0))


def test_ships_beyond_the_raster_are_left_out(tmp_path: Path) -> None:
    far = _ships(
        UTM,
        [-5_000.0, 250.0],
        [300.0, 300.0],
        length_m=[100.0, 100.0],
        width_m=[15.0, 15.0],
        heading_deg=[0.0, 0.0],
    )
    with open_scene(_write(tmp_path / "f.tif", far)) as scene:
        image = scene.read(0, 0, 500, 600)
    assert image[250, 300] > 4 * np.median(image)


def test_a_boat_narrower_than_a_pixel_keeps_its_hull_brightness(tmp_path: Path) -> None:
    # eight 22 m fishing boats, 4 m in beam, at 10 m: their return is not averaged with the sea
    # by the beam's fraction of a pixel (a boat's strong scatterers sit in the pixels it lies on)
    rows = [60.3 + 50 * i for i in range(8)]
    cols = [100.0 + 40 * i + 0.13 * i for i in range(8)]
    ships = _ships(
        UTM, rows, cols, length_m=[22.0] * 8, width_m=[4.0] * 8, heading_deg=[0.0, 90.0] * 4
    )
    with open_scene(_write(tmp_path / "s.tif", ships)) as scene:
        intensity = scene.read(0, 0, 500, 600) ** 2
    sea = np.mean(intensity[:, 450:])
    peaks = [
        intensity[int(r) - 3 : int(r) + 4, int(c) - 3 : int(c) + 4].max()
        for r, c in zip(rows, cols, strict=True)
    ]
    assert np.median(peaks) > 20 * sea  # ~14 dB of hull brightness for 22 m, its brightest pixel
