"""A scene scanned tile by tile: ships found once, on the right spot, never on land, the same
whatever the number of workers."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rasterio
import shapely
from pyproj import Geod
from rasterio.control import GroundControlPoint
from rasterio.transform import from_origin

from satellite.raster import open_scene
from satellite.scan import SCAN_COLUMNS, scan_scene
from satellite.tiling import plan_tiles
from tests.builders.samples import shared_data, without_data

ORIGIN_X, ORIGIN_Y, SPACING = 500_000.0, 3_700_000.0, 10.0
SIZE = 700
TILE = 256  # small tiles, so that a small scene has tile edges to cross
STRIP_ROWS = 4  # the test files' strips: tile edges fall on their multiples


def _pixels(targets: list[tuple[int, int]], *, zeros: bool = False) -> np.ndarray:
    """Gamma clutter with a 12 x 3 px ship (120 m x 30 m, along the columns) at each target."""
    if zeros:
        return np.zeros((SIZE, SIZE), np.uint16)
    data = np.random.default_rng(7).gamma(16.0, 6.25, (SIZE, SIZE)).astype(np.float32)
    for row, col in targets:
        data[row - 1 : row + 2, col - 6 : col + 6] = 4000.0
    return np.clip(data, 0, 65535).astype(np.uint16)


def _write(path: Path, data: np.ndarray, **georef: object) -> Path:
    profile = {
        "driver": "GTiff",
        "width": SIZE,
        "height": SIZE,
        "count": 1,
        "dtype": "uint16",
        "blockysize": STRIP_ROWS,
        **georef,
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data, 1)
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    return path


def _scene(path: Path, targets: list[tuple[int, int]], *, zeros: bool = False) -> Path:
    """A UTM scene, affine at 10 m."""
    georef = {"crs": "EPSG:32652", "transform": from_origin(ORIGIN_X, ORIGIN_Y, SPACING, SPACING)}
    return _write(path, _pixels(targets, zeros=zeros), **georef)


#: a GCP scene turned 20 degrees, as a descending pass is: lon/lat of a pixel (row, col)
LON0, LAT0, TURN = 14.0, 41.0, np.radians(20.0)
DEG_LAT = SPACING / 111_320.0
DEG_LON = DEG_LAT / np.cos(np.radians(LAT0))


def _gcp_lonlat(row: np.ndarray, col: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    east = col * np.cos(TURN) + row * np.sin(TURN)
    north = col * np.sin(TURN) - row * np.cos(TURN)
    return LON0 + east * DEG_LON, LAT0 + north * DEG_LAT


def _gcp_scene(path: Path, targets: list[tuple[int, int]]) -> Path:
    rows, cols = np.meshgrid(np.linspace(0, SIZE, 5), np.linspace(0, SIZE, 5))
    lon, lat = _gcp_lonlat(rows.ravel(), cols.ravel())
    gcps = [
        GroundControlPoint(row=r, col=c, x=x, y=y)
        for r, c, x, y in zip(rows.ravel(), cols.ravel(), lon, lat, strict=True)
    ]
    return _write(path, _pixels(targets), gcps=gcps, crs="EPSG:4326")


def _edges() -> tuple[int, int]:
    """The first inner tile edges of the test scenes (row, col)."""
    tiles = plan_tiles(SIZE, SIZE, SPACING, block_shape=(STRIP_ROWS, SIZE), tile_px=TILE)
    inner = tiles[-1]
    return inner.row0, inner.col0


def test_each_ship_is_found_once_across_tiles_and_georeferenced(tmp_path: Path) -> None:
    edge_row, edge_col = _edges()
    # one ship in a core, one across a row edge, one across a column edge, one on both
    targets = [(100, 100), (edge_row, 300), (450, edge_col), (edge_row, edge_col + 1)]
    with open_scene(_scene(tmp_path / "s.tif", targets)) as scene:
        ships = scan_scene(scene, None, key_prefix="s", learned=False, tile_px=TILE)
        assert list(ships.columns) == list(SCAN_COLUMNS)
        assert len(ships) == len(targets)
        found = np.array(list(zip(ships["pixel_row"], ships["pixel_col"], strict=True)))
        np.testing.assert_allclose(found, sorted((r + 0.5, c) for r, c in targets), atol=0.3)
        lon, lat = scene.lonlat(np.array([100.5]), np.array([100.0]))
        assert abs(ships["lon"][0] - lon[0]) < 1e-5 and abs(ships["lat"][0] - lat[0]) < 1e-5
        assert ((ships["heading_deg"] - 90).abs() < 5).all()  # long axis east-west
        assert ships["length_m"].between(90, 160).all()
        assert all(png.startswith(b"\x89PNG") for png in ships["chip_png"])
        assert ships["key"].is_unique and np.isinf(ships["coast_distance_m"]).all()


def test_two_workers_give_the_same_ships_in_the_same_order(tmp_path: Path) -> None:
    edge_row, edge_col = _edges()
    targets = [(600, 600), (edge_row, 300), (100, 100), (450, edge_col), (300, 650)]
    seen: list[tuple[int, int]] = []
    with open_scene(_scene(tmp_path / "s.tif", targets)) as scene:
        alone = scan_scene(scene, None, key_prefix="s", learned=False, tile_px=TILE)
        shared = scan_scene(
            scene,
            None,
            key_prefix="s",
            learned=False,
            tile_px=TILE,
            workers=2,
            progress=lambda done, total: seen.append((done, total)),
        )
    assert len(alone) == len(targets)
    pd.testing.assert_frame_equal(alone, shared)
    total = len(plan_tiles(SIZE, SIZE, SPACING, block_shape=(STRIP_ROWS, SIZE), tile_px=TILE))
    assert seen == [(done, total) for done in range(1, total + 1)]


def test_land_never_detects_and_sets_the_coast_distance(tmp_path: Path) -> None:
    with open_scene(_scene(tmp_path / "s.tif", [(100, 100), (500, 500)])) as scene:
        lon, lat = scene.lonlat(np.array([0.0, 300.0]), np.array([0.0, 300.0]))
        land = shapely.box(lon[0] - 0.01, lat[1], lon[1], lat[0] + 0.01)  # the top-left quarter
        ships = scan_scene(scene, land, key_prefix="s", learned=False, tile_px=TILE)
        assert len(ships) == 1
        ship = ships.iloc[0]
        assert abs(ship["pixel_row"] - 500.5) < 0.3
        assert 2750 < ship["coast_distance_m"] < 2900  # 200 px down and across from its corner


def test_a_scene_all_land_or_all_zero_gives_no_ship_and_reports_every_tile(
    tmp_path: Path,
) -> None:
    seen: list[tuple[int, int]] = []
    with open_scene(_scene(tmp_path / "land.tif", [(100, 100), (500, 500)])) as scene:
        land = scene.footprint.buffer(0.1)
        on_land = scan_scene(
            scene,
            land,
            key_prefix="s",
            learned=False,
            tile_px=TILE,
            progress=lambda *p: seen.append(p),
        )
    assert on_land.empty and list(on_land.columns) == list(SCAN_COLUMNS)
    total = len(plan_tiles(SIZE, SIZE, SPACING, block_shape=(STRIP_ROWS, SIZE), tile_px=TILE))
    assert seen == [(total, total)]  # every tile counted at once: none of them was read
    with open_scene(_scene(tmp_path / "zero.tif", [], zeros=True)) as scene:
        zeros = scan_scene(scene, None, key_prefix="z", learned=False, tile_px=TILE, workers=2)
    assert zeros.empty and list(zeros.columns) == list(SCAN_COLUMNS)


def test_a_gcp_scene_gets_the_ships_lon_lat_and_true_heading(tmp_path: Path) -> None:
    targets = [(200, 200), (500, 450)]
    with open_scene(_gcp_scene(tmp_path / "gcp.tif", targets)) as scene:
        assert scene.spacing_m == pytest.approx(SPACING, rel=0.02)
        ships = scan_scene(scene, None, key_prefix="g", learned=False, tile_px=TILE)
    assert len(ships) == len(targets)
    rows = np.array([r + 0.5 for r, _ in targets])
    cols = np.array([float(c) for _, c in targets])
    lon, lat = _gcp_lonlat(rows, cols)
    np.testing.assert_allclose(ships["lon"], lon, atol=2e-6)  # about 0.2 m
    np.testing.assert_allclose(ships["lat"], lat, atol=2e-6)
    # the ships lie along the image's columns, which run 20 degrees north of east: 70 true
    azimuth, _, _ = Geod(ellps="WGS84").inv(*_gcp_lonlat(rows, cols), *_gcp_lonlat(rows, cols + 5))
    np.testing.assert_allclose(ships["heading_deg"], np.mod(azimuth, 180), atol=3)
    assert ((ships["heading_deg"] - 70).abs() < 4).all()


def test_the_real_safe_placeholder_passes_without_a_ship() -> None:
    """The real S1 product's full-size measurement is all zeros: every tile read, none
    filtered, nothing found (through GDAL's SAFE driver and its 210 GCPs)."""
    folder = shared_data("s1-safe")
    manifests = sorted(folder.glob("*.SAFE/manifest.safe"))
    if not manifests:
        without_data(folder)
    seen: list[tuple[int, int]] = []
    with open_scene(manifests[0], time="2021-12-23T05:11:22Z") as scene:
        assert (scene.width, scene.height) == (26_102, 16_705)
        ships = scan_scene(
            scene, None, key_prefix="safe", workers=2, progress=lambda *p: seen.append(p)
        )
    assert ships.empty and list(ships.columns) == list(SCAN_COLUMNS)
    assert seen[-1] == (len(seen), len(seen))
