"""The xView3-style figures of ships found in simulated scenes, on a hand-made truth."""

from __future__ import annotations

import pandas as pd
import pytest

from simulator.scene_score import score_scenes, truth_ships

METRE_DEG = 1 / 111_320.0  # a metre of latitude, in degrees


def _ship(
    lon: float, lat: float, length_m: float, mmsi: int | None, dark: bool, shore_m: float
) -> dict[str, object]:
    return {
        "lon": lon,
        "lat": lat,
        "length_m": length_m,
        "mmsi": mmsi,
        "dark": dark,
        "coast_distance_m": shore_m,
    }


TRUTH = {
    "scenes": [
        {
            "file": "scenes/a.tif",
            "ships": [
                _ship(140.0, 36.0, 180.0, 1, False, 30_000),  # an AIS tanker offshore
                _ship(140.0, 36.0 + 150 * METRE_DEG, 180.0, 2, True, 30_000),  # its dark partner
                _ship(140.1, 36.1, 40.0, None, True, 12_000),  # a boat with no AIS, far out
                _ship(140.2, 36.2, 100.0, 3, False, 800),  # a ship by the coast
                _ship(140.3, 36.3, 100.0, 4, False, 0),  # moored on the (coarse) land
            ],
        },
        {"file": "scenes/b.tif", "ships": [_ship(140.0, 36.0, 50.0, None, True, 5_000)]},
    ]
}


def _found(*rows: tuple[str, float, float, float, float, bool | None]) -> pd.DataFrame:
    columns = ["scene", "lon", "lat", "length_m", "coast_distance_m", "dark"]
    return pd.DataFrame(rows, columns=columns)


def test_detections_match_one_to_one_within_200_m_scene_by_scene() -> None:
    found = _found(
        ("scenes/a.tif", 140.0, 36.0 + 20 * METRE_DEG, 200.0, 30_000, False),  # the tanker
        ("scenes/a.tif", 140.0, 36.0 + 130 * METRE_DEG, 150.0, 30_000, True),  # its partner
        ("scenes/a.tif", 140.2, 36.2 + 250 * METRE_DEG, 90.0, 800, False),  # 250 m off: a miss
        ("scenes/a.tif", 140.1, 36.1, 40.0, 12_000, True),  # the dark boat
        ("scenes/b.tif", 140.1, 36.1, 40.0, 12_000, True),  # scene b: nothing there
    )
    score = score_scenes(truth_ships(TRUTH), found)
    assert (score.truth, score.detections, score.matched) == (5, 5, 3)  # moored one left out
    assert score.precision == pytest.approx(3 / 5) and score.recall == pytest.approx(3 / 5)
    assert score.f1 == pytest.approx(0.6)
    assert score.close_truth == 1 and score.close_f1 == 0.0  # near the coast: only the miss
    assert score.length_error_pct == pytest.approx(100 * (20 / 180 + 30 / 180 + 0) / 3)
    assert (score.dark_truth, score.dark_found) == (3, 2)
    assert (score.dark_detections, score.dark_right) == (3, 2)
    assert score.dark_precision == pytest.approx(2 / 3) and score.dark_recall == pytest.approx(
        2 / 3
    )


def test_two_detections_near_one_ship_count_one_hit_and_one_false_alarm() -> None:
    found = _found(
        ("scenes/b.tif", 140.0, 36.0 + 10 * METRE_DEG, 50.0, 5_000, None),
        ("scenes/b.tif", 140.0, 36.0 - 30 * METRE_DEG, 50.0, 5_000, None),
    )
    truth = truth_ships(TRUTH)
    score = score_scenes(truth[truth["scene"] == "scenes/b.tif"], found)
    assert (score.truth, score.detections, score.matched) == (1, 2, 1)
    assert score.dark_detections == 0 and score.dark_precision is None  # never matched to AIS
    assert score.length_error_pct == 0.0


def test_nothing_found_scores_zero_recall_and_no_precision() -> None:
    score = score_scenes(truth_ships(TRUTH), _found().drop(columns="dark"))
    assert score.recall == 0.0 and score.precision is None and score.f1 == 0.0
    assert score.length_error_pct is None
