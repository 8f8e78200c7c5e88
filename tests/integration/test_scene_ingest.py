"""Scenes through the real CLI into a real store: ships stored and listed as JSON, a scene
stored once, refused files storing nothing, the real Sentinel-1 product with its real time
and footprint."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
import rasterio
import shapely
from rasterio.transform import from_origin

from satellite.raster import open_scene
from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.samples import shared_data, without_data
from tests.builders.users import add_user

#: the open Tyrrhenian Sea, 40 km from any coast (UTM 33N)
CRS, ORIGIN_X, ORIGIN_Y, SPACING_M = "EPSG:32633", 400_000.0, 4_400_000.0, 10.0
SHIPS_PX = [(120, 150), (300, 420), (480, 200)]
TIME = "2026-11-26T01:00:00Z"


def _sea_scene(path: Path, *, time_tag: bool = True, size: int = 600) -> Path:
    """Gamma clutter in 16-bit amplitude with three bright 120 x 30 m ships."""
    data = np.random.default_rng(11).gamma(16.0, 6.25, (size, size))
    for row, col in SHIPS_PX:
        data[row - 1 : row + 2, col - 6 : col + 6] = 4000.0
    profile = {
        "driver": "GTiff",
        "width": size,
        "height": size,
        "count": 1,
        "dtype": "uint16",
        "crs": CRS,
        "transform": from_origin(ORIGIN_X, ORIGIN_Y, SPACING_M, SPACING_M),
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data.astype(np.uint16), 1)
        if time_tag:
            out.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    return path


@pytest.fixture
def monitor(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """Someone who reads the picture (the admin who ingests does not see it)."""
    return as_user(coastwatch, add_user(store, "mona", "monitor").username)


def _json(coastwatch: Coastwatch, *args: str) -> list[dict]:
    ran = coastwatch(*args, "--format", "json")
    assert ran.code == 0, ran.stderr
    return json.loads(ran.stdout)


def test_a_scene_is_stored_with_its_ships_and_listed_as_json(
    coastwatch: Coastwatch, monitor: Coastwatch, tmp_path: Path
) -> None:
    path = _sea_scene(tmp_path / "sea.tif")
    ran = coastwatch("ingest", "scene", str(path))
    assert ran.code == 0, ran.stderr
    assert "1 scene(s) stored, 0 already stored; 3 ship detection(s)" in ran.stdout
    [scene] = _json(monitor, "scenes", "list")
    assert set(scene) == {"id", "time", "sensor", "footprint", "path", "pixel_spacing_m"}
    assert scene["time"] == TIME and scene["sensor"] == "sar"
    assert scene["path"] == str(path.resolve())
    assert scene["pixel_spacing_m"] == pytest.approx(10.0, rel=0.01)
    footprint = shapely.geometry.shape(scene["footprint"])
    ships = _json(monitor, "detections", "list", "--scene", str(scene["id"]))
    assert len(ships) == len(SHIPS_PX)
    with open_scene(path) as raster:
        lon, lat = raster.lonlat(
            np.array([r + 0.5 for r, _ in SHIPS_PX]), np.array([c + 0.5 for _, c in SHIPS_PX])
        )
    for ship, want_lon, want_lat in zip(
        sorted(ships, key=lambda s: s["lat"])[::-1], lon, lat, strict=True
    ):
        assert set(ship) == {
            "id",
            "scene_id",
            "time",
            "lon",
            "lat",
            "length_m",
            "confidence",
            "mmsi",
            "dark",
        }
        assert ship["scene_id"] == scene["id"] and ship["time"] == TIME
        assert abs(ship["lon"] - want_lon) < 2e-4 and abs(ship["lat"] - want_lat) < 2e-4
        assert footprint.contains(shapely.Point(ship["lon"], ship["lat"]))
        # matched against AIS as it was stored: the store holds none, so no MMSI
        assert ship["mmsi"] is None and isinstance(ship["dark"], bool)
    assert _json(monitor, "detections", "list", "--until", "2026-11-26T00:00Z") == []


def test_the_same_scene_twice_is_stored_once(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    path = _sea_scene(tmp_path / "sea.tif")
    copy = shutil.copy(path, tmp_path / "copy.tif")
    assert coastwatch("ingest", "scene", str(path)).code == 0
    again = coastwatch("ingest", "scene", str(copy), str(path))
    assert again.code == 0, again.stderr
    assert "0 scene(s) stored, 2 already stored" in again.stdout
    assert len(store.scenes()) == 1
    assert len(store.detections()) == len(SHIPS_PX)


def test_time_given_overrides_the_files_and_the_summary_says_so(
    coastwatch: Coastwatch, monitor: Coastwatch, tmp_path: Path
) -> None:
    path = _sea_scene(tmp_path / "sea.tif")
    ran = coastwatch("ingest", "scene", str(path), "--time", "2026-11-27T03:30:00+01:00")
    assert ran.code == 0, ran.stderr
    assert "(--time)" in ran.stdout and "--time overrides" in ran.stderr
    [scene] = _json(monitor, "scenes", "list")
    assert scene["time"] == "2026-11-27T02:30:00Z"


def test_refused_files_exit_2_and_nothing_is_stored(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    good = _sea_scene(tmp_path / "good.tif")
    timeless = _sea_scene(tmp_path / "timeless.tif", time_tag=False)
    text = tmp_path / "notes.tif"
    text.write_text("not an image")
    plain = tmp_path / "plain.tif"
    with rasterio.open(plain, "w", driver="GTiff", width=8, height=8, count=1, dtype="uint8") as o:
        o.write(np.ones((8, 8), np.uint8), 1)
        o.update_tags(TIFFTAG_DATETIME="2026:11:26 01:00:00")
    ran = coastwatch("ingest", "scene", str(good), str(timeless), str(text), str(plain))
    assert ran.code == 2
    assert "timeless.tif: the file has no acquisition time; give --time" in ran.stderr
    assert "notes.tif: not a raster" in ran.stderr
    assert "plain.tif" in ran.stderr and "no georeferencing" in ran.stderr
    assert "none of the 4 stored" in ran.stderr
    assert coastwatch("ingest", "scene", str(tmp_path / "missing.tif")).code == 2
    assert store.scenes().empty and store.detections().empty


def test_the_real_sentinel1_product_ingests_from_its_zip_and_folder_once(
    coastwatch: Coastwatch, monitor: Coastwatch, store: Store, tmp_path: Path
) -> None:
    folders = sorted(shared_data("s1-safe").glob("*.SAFE"))
    if not folders:
        without_data(shared_data("s1-safe"))
    safe = folders[0]
    archive = Path(shutil.make_archive(str(tmp_path / safe.stem), "zip", safe.parent, safe.name))
    ran = coastwatch("ingest", "scene", str(archive))
    assert ran.code == 0, ran.stderr
    [scene] = _json(monitor, "scenes", "list")
    assert scene["time"] == "2021-12-23T05:11:22.594441Z"
    manifest = shapely.Polygon(
        [
            (14.925448, 40.876698),
            (11.865704, 41.281048),
            (12.189661, 42.780445),
            (15.321935, 42.376778),
        ]
    )
    footprint = shapely.geometry.shape(scene["footprint"])
    assert footprint.symmetric_difference(manifest).area < 1e-9
    assert scene["pixel_spacing_m"] == 10.0
    row = store.scenes().iloc[0]
    assert (row["mode"], row["polarisations"], row["platform"]) == ("IW", "VV,VH", "Sentinel-1B")
    assert (row["orbit_number"], row["orbit_pass"]) == (30148, "DESCENDING")
    assert store.detections().empty  # an all-zero image has no ships
    again = coastwatch("ingest", "scene", str(safe))
    assert again.code == 0 and "already stored" in again.stdout
    assert len(store.scenes()) == 1


def _rgb_scene(path: Path) -> Path:
    """A small true-colour image (three bands, photometric RGB) in lon/lat."""
    data = np.zeros((3, 64, 64), np.uint8)
    data[2] = 160  # blue sea
    profile = {
        "driver": "GTiff",
        "width": 64,
        "height": 64,
        "count": 3,
        "dtype": "uint8",
        "crs": "EPSG:4326",
        "transform": from_origin(11.8, 39.8, 1e-4, 1e-4),
        "photometric": "RGB",
    }
    with rasterio.open(path, "w", **profile) as out:
        out.write(data)
        out.update_tags(TIFFTAG_DATETIME="2026:11:26 10:00:00")
    return path


def test_a_folder_of_scenes_stores_each_and_optical_ones_without_ships(
    coastwatch: Coastwatch, monitor: Coastwatch, store: Store, tmp_path: Path
) -> None:
    folder = tmp_path / "scenes"
    folder.mkdir()
    _sea_scene(folder / "sar.tif")
    _rgb_scene(folder / "rgb.tif")
    (folder / "notes.txt").write_text("not a scene: passed over in a folder")
    ran = coastwatch("ingest", "scene", str(folder))
    assert ran.code == 0, ran.stderr
    assert "2 scene(s) stored" in ran.stdout
    listed = {Path(s["path"]).name: s for s in _json(monitor, "scenes", "list")}
    assert {n: s["sensor"] for n, s in listed.items()} == {"sar.tif": "sar", "rgb.tif": "optical"}
    assert _json(monitor, "detections", "list", "--scene", str(listed["rgb.tif"]["id"])) == []
    assert len(_json(monitor, "detections", "list")) == len(SHIPS_PX)
    quicklook = store.scene_quicklook(listed["rgb.tif"]["id"])
    assert quicklook is not None and quicklook.startswith(b"\x89PNG")
    [late] = _json(monitor, "scenes", "list", "--since", "2026-11-26T05:00Z")
    assert late["sensor"] == "optical"


def test_the_real_db_crop_ingests_with_the_time_given(
    coastwatch: Coastwatch, monitor: Coastwatch, store: Store
) -> None:
    found = sorted(shared_data("s1-safe").glob("*_db.tif"))
    if not found:
        without_data(shared_data("s1-safe"))
    refused = coastwatch("ingest", "scene", str(found[0]))
    assert refused.code == 2 and "give --time" in refused.stderr
    ran = coastwatch("ingest", "scene", str(found[0]), "--time", "2015-03-09T17:30:17Z")
    assert ran.code == 0, ran.stderr
    [scene] = _json(monitor, "scenes", "list")
    assert scene["time"] == "2015-03-09T17:30:17Z"
    assert scene["pixel_spacing_m"] == pytest.approx(20.0, rel=0.01)
    assert store.scenes().iloc[0]["meta"]["radiometry"] == "db"
    assert store.detections().empty  # land only
