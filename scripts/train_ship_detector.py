"""Train the detector's learned stage on SSDD and write ``satellite/model/ship_classifier.*``.

    .venv/bin/pip install -e '.[train]'   # LightGBM, for training only
    .venv/bin/python scripts/train_ship_detector.py [--data DIR] [--out DIR]

Reads ``$COASTWATCH_SHARED_DATA/ssdd-train`` (or ``../shared/data/ssdd-train``), runs the
detector's candidate CFAR over the training chips (number not a multiple of 5), labels each
candidate (a ship when it is the largest candidate whose centre lies in a ship's box; the other
fragments of that ship and everything else are clutter, so the model learns to keep one
detection per ship), fits LightGBM with fixed seeds on one thread (deterministic), exports the
trees to ``.npz``, checks that the numpy walk gives LightGBM's probabilities and that the
cascade of ``satellite.classifier`` changes no training decision, and scores the
full detector and the plain CFAR on the validation chips for the metadata. It takes about a
minute on one core (most of it the CFAR over 928 chips).
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import numpy.typing as npt

from satellite.cfar import cfar_candidates
from satellite.classifier import METADATA_FILE, MODEL_FILE, from_lightgbm_dump
from satellite.detector import CANDIDATES, SHIP_PROBABILITY
from satellite.features import FEATURES, candidate_features
from satellite.ssdd import CITATION, NOMINAL_SPACING_M, chips, default_folder, evaluate

REPOSITORY = Path(__file__).resolve().parents[1]
ROUNDS = 400
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
    """The features and labels of every candidate on the training chips."""
    features, labels = [], []
    for chip in chips(data, validation=False):
        sea = np.ones(chip.image.shape, dtype=bool)
        found = cfar_candidates(chip.image, NOMINAL_SPACING_M, sea, CANDIDATES)
        frame = found.frame
        features.append(candidate_features(found, NOMINAL_SPACING_M))
        labels.append(
            labels_for(
                frame["row"].to_numpy(),
                frame["col"].to_numpy(),
                frame["area_px"].to_numpy(),
                chip.boxes,
            )
        )
    return np.vstack(features), np.concatenate(labels)


def main() -> None:
    """Train, export, check and score; print what was written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=default_folder())
    parser.add_argument("--out", type=Path, default=REPOSITORY / "satellite" / "model")
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
    changed = int(np.sum((ensemble.margin(x) >= 0.0) != (full >= 0.0)))
    if changed:
        raise SystemExit(f"the cascade changes {changed} training decisions: move its exit")
    args.out.mkdir(parents=True, exist_ok=True)
    ensemble.save(args.out / MODEL_FILE)
    # the figures below read the model just written, through the detector itself
    from satellite.classifier import ship_classifier

    ship_classifier.cache_clear()
    detector = evaluate(args.data, learned=True)
    baseline = evaluate(args.data, learned=False)
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
        "nominal_spacing_m": NOMINAL_SPACING_M,
        "split": "SSDD training part; chip number % 5 == 0 -> validation, the rest -> training",
        "training_candidates": int(len(y)),
        "training_ships": int(y.sum()),
        "matching": "centre inside a ground-truth box, one-to-one by falling confidence",
        "validation": {"detector": detector.as_dict(), "cfar_baseline": baseline.as_dict()},
        "dataset": CITATION,
        "training_seconds": round(time.perf_counter() - started, 1),
    }
    (args.out / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")
    print(json.dumps(metadata["validation"], indent=2))
    print(f"wrote {args.out / MODEL_FILE} in {metadata['training_seconds']} s")


if __name__ == "__main__":
    main()
