"""The learned stage: the shipped model, real SSDD chips, determinism, the tree walk."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from satellite.cfar import DETECTION_COLUMNS, cfar_candidates
from satellite.classifier import from_lightgbm_dump, model_metadata, ship_classifier
from satellite.detector import CANDIDATES, SHIP_PROBABILITY, detect_ships
from satellite.features import FEATURES, candidate_features
from satellite.ssdd import NOMINAL_SPACING_M, Chip, chips, match_centres
from tests.builders.samples import shared_data, without_data
from tests.unit.satellite.test_detector_cfar import add_ship, clutter

SSDD = shared_data("ssdd-train")


def validation_chip(number: int) -> Chip:
    """One chip of the validation part of SSDD (skips when the data is absent)."""
    if not (SSDD / "labels.json").is_file():
        without_data(SSDD)
    return next(chip for chip in chips(SSDD, validation=True) if chip.number == number)


def test_the_model_loads_from_the_installed_package_with_its_metadata() -> None:
    model = ship_classifier()
    assert model.features == FEATURES
    assert model.roots.size > 10 and model.depth >= 1
    metadata = model_metadata()
    assert "Li" in metadata["dataset"] and "SSDD" in metadata["dataset"]
    assert "% 5 == 0" in metadata["split"]
    assert metadata["validation"]["detector"]["f1"] > metadata["validation"]["cfar_baseline"]["f1"]


def test_a_real_ship_scores_above_the_clutter_candidates_of_its_chip() -> None:
    chip = validation_chip(10)
    sea = np.ones(chip.image.shape, dtype=bool)
    found = cfar_candidates(chip.image, NOMINAL_SPACING_M, sea, CANDIDATES)
    probability = ship_classifier().probability(candidate_features(found, NOMINAL_SPACING_M))
    (r0, c0, r1, c1) = chip.boxes[0]
    rows, cols = found.frame["row"].to_numpy(), found.frame["col"].to_numpy()
    on_ship = (rows >= r0) & (rows <= r1) & (cols >= c0) & (cols <= c1)
    assert on_ship.any() and (~on_ship).sum() > 10
    assert probability[on_ship].max() > SHIP_PROBABILITY > probability[~on_ship].max()


def test_the_detector_finds_the_ship_of_a_real_chip_and_nothing_else() -> None:
    chip = validation_chip(45)
    found = detect_ships(chip.image, NOMINAL_SPACING_M)
    assert list(found.columns) == list(DETECTION_COLUMNS)
    assert match_centres(found, chip.boxes) == len(chip.boxes) == len(found)
    assert found["confidence"].between(SHIP_PROBABILITY, 1.0).all()


@pytest.mark.parametrize("spacing_m", [3.0, 10.0])
def test_synthetic_ships_are_found_at_real_spacings(spacing_m: float) -> None:
    image = clutter((400, 400), seed=3)
    ships = [(150.0, 200.0, 150.0, 30.0, 25.0), (300.0, 100.0, 250.0, 100.0, 40.0)]
    for row, col, length_m, heading_deg, width_m in ships:
        add_ship(
            image, row, col, length_m, heading_deg, width_m, brightness=8.0, spacing_m=spacing_m
        )
    found = detect_ships(image, spacing_m)
    for row, col, length_m, *_ in ships:
        near = found[np.hypot(found["row"] - row, found["col"] - col) < 3.0]
        assert len(near) == 1
        assert near.iloc[0]["length_m"] == pytest.approx(length_m, rel=0.2)


def test_the_detector_is_deterministic() -> None:
    image = clutter((300, 300), seed=8)
    add_ship(image, 120.0, 140.0, length_m=180.0, heading_deg=45.0, width_m=30.0, brightness=8.0)
    first = detect_ships(image, 10.0)
    pd.testing.assert_frame_equal(first, detect_ships(image.copy(), 10.0))
    assert len(first) >= 1


def test_the_tree_walk_follows_lightgbm_splits() -> None:
    # one tree: x0 <= 1 -> (x1 <= 0 -> -2 | 0.5); x0 > 1 -> 3; a second tree of one leaf (+1)
    dump = {
        "tree_info": [
            {
                "tree_structure": {
                    "split_index": 0,
                    "split_feature": 0,
                    "threshold": 1.0,
                    "decision_type": "<=",
                    "left_child": {
                        "split_index": 1,
                        "split_feature": 1,
                        "threshold": 0.0,
                        "decision_type": "<=",
                        "left_child": {"leaf_value": -2.0},
                        "right_child": {"leaf_value": 0.5},
                    },
                    "right_child": {"leaf_value": 3.0},
                }
            },
            {"tree_structure": {"leaf_value": 1.0}},
        ]
    }
    model = from_lightgbm_dump(dump, ("a", "b"))
    x = np.array([[0.0, -1.0], [1.0, 2.0], [5.0, -9.0]], dtype=np.float32)
    margin = np.array([-2.0, 0.5, 3.0]) + 1.0
    assert model.depth == 2
    assert np.allclose(model.probability(x), 1.0 / (1.0 + np.exp(-margin)))
    assert model.probability(np.zeros((0, 2), dtype=np.float32)).size == 0
    # a cascade after the first tree: the first row (-2 < -1.5) stops there, the others go on
    cascaded = replace(model, cascade_trees=1, cascade_margin=-1.5)
    assert np.allclose(cascaded.margin(x), [-2.0, 1.5, 4.0])
    assert np.allclose(cascaded.margin(x, cascade=False), margin)


def test_the_model_file_is_the_same_bytes_for_the_same_trees(tmp_path: Path) -> None:
    model = ship_classifier()
    model.save(tmp_path / "a.npz")
    model.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    with np.load(tmp_path / "a.npz", allow_pickle=False) as arrays:
        assert np.array_equal(arrays["threshold"], model.threshold)
        assert tuple(arrays["features"]) == FEATURES
