"""Train the detector's learned stage on SSDD and write ``satellite/model/ship_classifier.*``.

    .venv/bin/pip install -e '.[train]'   # LightGBM, for training only
    .venv/bin/python scripts/train_ship_detector.py [--data DIR]

Reads ``$COASTWATCH_SHARED_DATA/ssdd-train`` (or ``../shared/data/ssdd-train``), runs the
detector's candidate CFAR over the training chips (number not a multiple of 5), as they are
(3 m nominal) and 3 times coarser (9 m: ships of a few pixels, as Sentinel-1 GRD shows them),
labels each candidate (a ship when it is the largest candidate whose centre lies in a ship's
box; the other fragments of that ship and everything else are clutter, so the model learns to
keep one detection per ship), fits LightGBM with fixed seeds on one thread (deterministic),
exports the trees to ``.npz``, checks that the numpy walk gives LightGBM's probabilities, picks the
cheapest cascade exit that changes no training decision, and scores the full detector and the
plain CFAR on the validation chips (at 3 and 9 m) for the metadata. It takes a little over a
minute of CPU on one core (most of it the CFAR and features over the chips); the same data
give the same model file, byte for byte.
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from satellite.cfar import cfar_candidates
from satellite.classifier import METADATA_FILE, MODEL_FILE, TreeEnsemble, from_lightgbm_dump
from satellite.detector import CANDIDATES, SHIP_PROBABILITY
from satellite.features import FEATURES, candidate_features
from satellite.ssdd import (
    CITATION,
    NOMINAL_SPACING_M,
    Chip,
    chips,
    coarser,
    default_folder,
    evaluate,
)

REPOSITORY = Path(__file__).resolve().parents[1]
ROUNDS = 400
#: the cascade exits tried (trees walked, margin below which a candidate stops there)
CASCADE_TREES = (20, 40, 60, 80, 120)
CASCADE_MARGINS = (-3.0, -4.0, -5.0, -6.0, -7.0)
#: the chips are learnt as they are and this many times coarser
COARSER = (1, 3)
PARAMETERS = {
    "objective": "binary",
    "learning_rate": 0.05,
    "num_leaves": 31,
    "min_data_in_leaf": 20,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "feature_fraction": 0.8,
    "seed": 11,
    "num_threads": 1,
    "deterministic": True,
    "verbose": -1,
}


def labels_for(
    rows: npt.NDArray[np.float64],
    cols: npt.NDArray[np.float64],
    area_px: npt.NDArray[np.int64],
    boxes: npt.NDArray[np.float64],
) -> npt.NDArray[np.bool_]:
    """True for the largest candidate whose centre lies in each ship's box."""
    label = np.zeros(rows.size, dtype=bool)
    if rows.size == 0 or boxes.size == 0:
        return label
    r, c = rows[:, None], cols[:, None]
    inside = (r >= boxes[:, 0]) & (r <= boxes[:, 2]) & (c >= boxes[:, 1]) & (c <= boxes[:, 3])
    size = np.where(inside, area_px[:, None], -1)
    found = inside.any(axis=0)
    label[size.argmax(axis=0)[found]] = True
    return label


def training_set(data: Path) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """The features and labels of every candidate on the training chips, as they are (3 m)
    and 3 times coarser (9 m, ships of a few pixels as Sentinel-1 GRD shows them)."""
    features, labels = [], []
    for original in chips(data, validation=False):
        for factor in COARSER:
            chip = coarser(original, factor) if factor > 1 else original
            spacing_m = NOMINAL_SPACING_M * factor
            found = cfar_candidates(
                chip.image, spacing_m, np.ones(chip.image.shape, bool), CANDIDATES
            )
            features.append(candidate_features(found, spacing_m))
            labels.append(_labels(found.frame, chip))
    return np.vstack(features), np.concatenate(labels)


def _labels(frame: pd.DataFrame, chip: Chip) -> npt.NDArray[np.bool_]:
    """:func:`labels_for` of one chip's candidates."""
    return labels_for(
        frame["row"].to_numpy(), frame["col"].to_numpy(), frame["area_px"].to_numpy(), chip.boxes
    )


def with_cascade(
    ensemble: TreeEnsemble, x: npt.NDArray[np.float32], full: npt.NDArray[np.float64]
) -> TreeEnsemble:
    """The ensemble with the cascade exit that walks the fewest trees over the training
    candidates among those that change no training decision."""
    best, best_cost = ensemble, float(ensemble.roots.size)
    for trees in CASCADE_TREES:
        partial = replace(ensemble, roots=ensemble.roots[:trees]).margin(x, cascade=False)
        for margin in CASCADE_MARGINS:
            # a candidate that stops keeps a negative margin: only a ship it cuts would change
            stops = partial <= margin
            cost = trees + float(np.mean(~stops)) * (ensemble.roots.size - trees)
            if cost < best_cost and not np.any(stops & (full >= 0.0)):
                best = replace(ensemble, cascade_trees=trees, cascade_margin=margin)
                best_cost = cost
    return best


def main() -> None:
    """Train, export, check and score; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_folder())
    args = parser.parse_args()
    import lightgbm

    started = time.perf_counter()
    x, y = training_set(args.data)
    print(f"{len(y)} candidates on the training chips, {int(y.sum())} ships")
    booster = lightgbm.train(PARAMETERS, lightgbm.Dataset(x, y.astype(np.float64)), ROUNDS)
    ensemble = from_lightgbm_dump(booster.dump_model(), FEATURES)
    full = ensemble.margin(x, cascade=False)
    drift = float(np.max(np.abs(1.0 / (1.0 + np.exp(-full)) - booster.predict(x))))
    if drift > 1e-9:
        raise SystemExit(f"the exported trees disagree with LightGBM by {drift}")
    ensemble = with_cascade(ensemble, x, full)
    changed = int(np.sum((ensemble.margin(x) >= 0.0) != (full >= 0.0)))
    if changed:
        raise SystemExit(f"the cascade changes {changed} training decisions")
    # written into the package, where detect_ships reads it for the figures below
    out = REPOSITORY / "satellite" / "model"
    ensemble.save(out / MODEL_FILE)
    # the figures below read the model just written, through the detector itself
    from satellite.classifier import ship_classifier

    ship_classifier.cache_clear()
    detector = evaluate(args.data, learned=True)
    baseline = evaluate(args.data, learned=False)
    detector_9m = evaluate(args.data, learned=True, factor=3)
    baseline_9m = evaluate(args.data, learned=False, factor=3)
    metadata = {
        "model": "LightGBM binary gradient-boosted trees, exported to flat numpy arrays",
        "trained_at": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "rounds": ROUNDS,
        "parameters": PARAMETERS,
        "features": list(FEATURES),
        "candidates": {
            "k": CANDIDATES.k,
            "guard_m": CANDIDATES.guard_m,
            "background_m": CANDIDATES.background_m,
            "min_area_m2": CANDIDATES.min_area_m2,
        },
        "ship_probability": SHIP_PROBABILITY,
        "cascade": {"trees": ensemble.cascade_trees, "margin": ensemble.cascade_margin},
        "nominal_spacing_m": NOMINAL_SPACING_M,
        "split": "SSDD training part; chip number % 5 == 0 -> validation, the rest -> training",
        "training_candidates": int(len(y)),
        "training_ships": int(y.sum()),
        "matching": "centre inside a ground-truth box, one-to-one by falling confidence",
        "coarser": list(COARSER),
        "validation": {"detector": detector.as_dict(), "cfar_baseline": baseline.as_dict()},
        "validation_3x_coarser": {
            "detector": detector_9m.as_dict(),
            "cfar_baseline": baseline_9m.as_dict(),
        },
        "dataset": CITATION,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    (out / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    print(json.dumps({k: metadata[k] for k in ("validation", "validation_3x_coarser")}, indent=2))
    print(f"wrote {out / MODEL_FILE} in {metadata['training_seconds']} s")


if __name__ == "__main__":
    main()
