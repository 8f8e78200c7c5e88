"""A scene scanned tile by tile: ships found once, on the right spot, never on land."""

from pathlib import Path

import numpy as np
import pandas as pd
import rasterio
import shapely
from rasterio.transform import from_origin

from satellite.raster import open_scene
from satellite.scan import SCAN_COLUMNS, scan_scene

ORIGIN_X, ORIGIN_Y, SPACING = 500_000.0, 3_700_000.0, 10.0


def _scene(path: Path, targets: list[tuple[int, int]], size: int = 700) -> Path:
    rng = np.random.default_rng(7)
    data = rng.gamma(16.0, 6.25, (size, size)).astype(np.float32)
    for row, col in targets:  # a 12 x 3 px ship (120 m x 30 m), along the columns
        data[row - 1 : row + 2, col - 6 : col + 6] = 4000.0
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "uint16",
        "crs": "EPSG:32652",
        "transform": from_origin(ORIGIN_X, ORIGIN_Y, SPACING, SPACING),
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(np.clip(data, 0, 65535).astype(np.uint16), 1)
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    return path


def test_each_ship_is_found_once_across_tiles_and_georeferenced(tmp_path: Path) -> None:
    targets = [(100, 100), (255, 300), (256, 600), (600, 256)]  # two of them on tile edges
    with open_scene(_scene(tmp_path / "s.tif", targets)) as scene:
        ships = scan_scene(scene, None, key_prefix="s", learned=False, tile_px=256)
        assert list(ships.columns) == list(SCAN_COLUMNS)
        assert len(ships) == len(targets)
        found = np.array(sorted(zip(ships["pixel_row"], ships["pixel_col"], strict=True)))
        np.testing.assert_allclose(found, sorted((r + 0.5, c) for r, c in targets), atol=0.3)
        lon, lat = scene.lonlat(np.array([100.5]), np.array([100.0]))
        first = ships.loc[(ships["pixel_row"] - 100.5).abs().idxmin()]
        assert abs(first["lon"] - lon[0]) < 1e-5 and abs(first["lat"] - lat[0]) < 1e-5
        assert ((ships["heading_deg"] - 90).abs() < 5).all()  # long axis east-west
        assert ships["length_m"].between(90, 160).all()
        assert all(png.startswith(b"\x89PNG") for png in ships["chip_png"])
        assert ships["key"].is_unique and np.isinf(ships["coast_distance_m"]).all()


def test_land_never_detects_and_sets_the_coast_distance(tmp_path: Path) -> None:
    with open_scene(_scene(tmp_path / "s.tif", [(100, 100), (500, 500)])) as scene:
        lon, lat = scene.lonlat(np.array([0.0, 300.0]), np.array([0.0, 300.0]))
        land = shapely.box(lon[0] - 0.01, lat[1], lon[1], lat[0] + 0.01)  # the top-left quarter
        ships = scan_scene(scene, land, key_prefix="s", learned=False, tile_px=256)
        assert len(ships) == 1
        ship = ships.iloc[0]
        assert abs(ship["pixel_row"] - 500.5) < 0.3
        assert 2750 < ship["coast_distance_m"] < 2900  # 200 px down and across from its corner
        assert isinstance(ships, pd.DataFrame)
