"""Scenes and their detections in a real PostGIS: stored together, once, and matched."""

from datetime import timedelta

import pandas as pd
import pytest
import shapely

from surveillance.errors import InputError
from surveillance.store import SceneRecord, Store
from tests.builders.clock import T0

FOOTPRINT = shapely.box(130.0, 33.0, 130.5, 33.4)


def _scene(sha: str = "a" * 64) -> SceneRecord:
    return SceneRecord(
        sha256=sha,
        uri="/scenes/one.tif",
        sensor="sar",
        acquired_at=T0,
        footprint=FOOTPRINT,
        mode="IW",
        polarisations="VV",
        pixel_spacing_m=10.0,
        quicklook_png=b"\x89PNG-quicklook",
        meta={"radiometry": "amplitude"},
    )


def _ships(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "lon": [130.1 + 0.01 * i for i in range(n)],
            "lat": [33.2] * n,
            "length_m": [120.0 + i for i in range(n)],
            "width_m": [20.0] * n,
            "heading_deg": [45.0] * n,
            "confidence": [0.9] * n,
            "pixel_row": [100.5] * n,
            "pixel_col": [200.5 + 10 * i for i in range(n)],
            "coast_distance_m": [5000.0] * n,
            "chip_png": [b"\x89PNG-chip-%d" % i for i in range(n)],
            "key": [f"{'a' * 64}:{i}" for i in range(n)],
        }
    )


def test_a_scene_and_its_ships_are_stored_together_and_once(store: Store) -> None:
    scene_id, new = store.store_scene(_scene(), _ships(3))
    assert new
    again, new_again = store.store_scene(_scene(), _ships(5))
    assert (again, new_again) == (scene_id, False)
    scenes = store.scenes((T0 - timedelta(hours=1), T0 + timedelta(hours=1)))
    assert scenes["id"].tolist() == [scene_id]
    assert scenes.iloc[0]["pixel_spacing_m"] == 10.0
    assert scenes.geometry.iloc[0].symmetric_difference(FOOTPRINT).area < 1e-12
    assert store.scene_quicklook(scene_id) == b"\x89PNG-quicklook"
    found = store.detections(scene_id=scene_id)
    assert len(found) == 3
    assert found["ts"].iloc[0] == pd.Timestamp(T0)
    assert found["source"].unique().tolist() == ["sar"]
    assert store.detection_chip(int(found["id"].iloc[1])) == b"\x89PNG-chip-1"


def test_matches_are_recorded_on_the_detections(store: Store) -> None:
    scene_id, _ = store.store_scene(_scene(), _ships(2))
    ids = store.detections(scene_id=scene_id)["id"].tolist()
    matches = pd.DataFrame(
        {
            "id": ids,
            "matched_mmsi": [431000001, None],
            "match_distance_m": [85.0, None],
            "dark": [False, True],
            "near_vessels": [[{"mmsi": 431000001, "distance_m": 85.0}], []],
        }
    )
    assert store.set_detection_matches(matches) == 2
    found = store.detections(scene_id=scene_id).set_index("id")
    assert found.loc[ids[0], "matched_mmsi"] == 431000001
    assert pd.isna(found.loc[ids[1], "matched_mmsi"])
    assert found.loc[ids[1], "dark"]
    assert found.loc[ids[0], "near_vessels"] == [{"mmsi": 431000001, "distance_m": 85.0}]


def test_a_scene_without_its_columns_or_zone_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="no column|missing|lacks"):
        store.store_scene(_scene(), _ships(1).drop(columns="chip_png"))
    naive = _scene()
    naive.acquired_at = T0.replace(tzinfo=None)
    with pytest.raises(InputError, match="time zone"):
        store.store_scene(naive, _ships(1))
    assert store.scenes().empty
