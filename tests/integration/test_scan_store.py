"""A simulated scene from file to stored detections: the scan's frame is what the store
takes, and each ship comes back where the simulator put it, with its chip."""

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from rasterio.transform import from_origin

from satellite.raster import open_scene
from satellite.scan import scan_scene
from simulator.georef import Georef
from simulator.sar import write_scene
from surveillance.store import SceneRecord, Store

TIME = datetime(2026, 11, 26, 1, 30, 15, tzinfo=UTC)
UTM = Georef.affine(from_origin(500_000.0, 3_700_000.0, 10.0, 10.0), 32652)


def test_a_scanned_scene_is_stored_with_its_ships_and_their_chips(
    store: Store, tmp_path: Path
) -> None:
    georef = UTM.gcp_grid(900, 800)
    lon, lat = georef.lonlat(np.array([150.5, 420.5, 700.5]), np.array([200.5, 610.5, 450.5]))
    ships = pd.DataFrame(
        {"lon": lon, "lat": lat, "length_m": 150.0, "width_m": 25.0, "heading_deg": 30.0}
    )
    path = tmp_path / "scene.tif"
    write_scene(
        path,
        width=900,
        height=800,
        georef=georef,
        time=TIME,
        ships=ships,
        land=None,
        seed=3,
        spacing_m=10.0,
    )
    with open_scene(path) as scene:
        found = scan_scene(scene, None, key_prefix="sim", learned=False, tile_px=300, workers=2)
        record = SceneRecord(
            sha256="c" * 64,
            uri=str(path),
            sensor="sar",
            acquired_at=scene.meta.acquired_at,
            footprint=scene.footprint,
            pixel_spacing_m=scene.spacing_m,
        )
    scene_id, new = store.store_scene(record, found)
    stored = store.detections(scene_id=scene_id)
    assert new and len(stored) == len(found) >= len(ships)
    for ship in ships.itertuples():
        metres = np.hypot(
            (stored.geometry.x - ship.lon) * 111_320 * np.cos(np.radians(ship.lat)),
            (stored.geometry.y - ship.lat) * 111_320,
        )
        nearest = stored.iloc[int(np.argmin(metres))]
        assert metres.min() < 30 and 100 < nearest["length_m"] < 250
        chip = store.detection_chip(int(nearest["id"]))
        assert chip is not None and chip.startswith(b"\x89PNG")
