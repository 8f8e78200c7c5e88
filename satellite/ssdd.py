"""SSDD, the SAR Ship Detection Dataset (Li et al., 2017), as the detector's training and
validation data, and the rule that scores a detector on it.

The chips are read from the shared data folder (``$COASTWATCH_SHARED_DATA/ssdd-train``), never
copied into the repository. The split is fixed: a chip whose number is a multiple of 5 is
validation (232 chips, 479 ships), every other chip training; nothing is tuned on validation.

Matching rule: a detection is a true positive when its centre lies inside a ground-truth box;
detections are taken by falling confidence, each one matching at most one box (the unmatched
box whose centre is nearest), so one ship found twice counts one true and one false positive.
The second figure matches detection boxes to ground-truth boxes at IoU >= 0.5, the same way.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from surveillance.errors import InputError

__all__ = [
    "NOMINAL_SPACING_M",
    "CITATION",
    "Chip",
    "Tally",
    "chips",
    "coarser",
    "default_folder",
    "is_validation",
    "match_centres",
    "match_boxes",
    "Scores",
    "evaluate",
]

#: SSDD gives no pixel spacing (1-15 m across the set). At 3 m its ships' boxes (6-381 px,
#: median 37) are 20-1100 m, median ~110 m: the sizes of real ships, so the metre-scaled
#: windows and features mean on SSDD what they mean on a real scene.
NOMINAL_SPACING_M = 3.0

CITATION = (
    'Li, J., Qu, C., Shao, J.: "Ship detection in SAR images based on an improved faster '
    'R-CNN", BIGSARDATA 2017; Zhang, T. et al., "SAR Ship Detection Dataset (SSDD): official '
    'release and comprehensive data analysis", Remote Sensing 13(18):3690, 2021'
)


@dataclass(frozen=True)
class Chip:
    """One SSDD chip: its number, 8-bit image (as float32) and ship boxes [r0, c0, r1, c1]."""

    number: int
    image: npt.NDArray[np.float32]
    boxes: npt.NDArray[np.float64]


def default_folder() -> Path:
    """``$COASTWATCH_SHARED_DATA/ssdd-train``, else the first ``shared/data/ssdd-train`` found
    in a folder above the working directory (the repository sits beside ``shared/``)."""
    shared = os.environ.get("COASTWATCH_SHARED_DATA")
    if shared:
        return Path(shared) / "ssdd-train"
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        if (folder / "shared" / "data" / "ssdd-train").is_dir():
            return folder / "shared" / "data" / "ssdd-train"
    return here.parent / "shared" / "data" / "ssdd-train"


def is_validation(number: int) -> bool:
    """The fixed split: chips whose number is a multiple of 5 are kept for validation."""
    return number % 5 == 0


def chips(folder: Path, *, validation: bool) -> Iterator[Chip]:
    """The chips of one part of the split, in the order of ``labels.json``."""
    from PIL import Image

    labels = folder / "labels.json"
    if not labels.is_file():
        raise InputError(f"no SSDD labels at {labels}", hint="set COASTWATCH_SHARED_DATA")
    for entry in json.loads(labels.read_text())["chips"]:
        number = int(Path(entry["file"]).stem)
        if is_validation(number) != validation:
            continue
        with Image.open(folder / entry["file"]) as picture:
            image = np.asarray(picture.convert("L"), dtype=np.float32)
        xyxy = np.asarray(entry["boxes"], dtype=np.float64).reshape(-1, 4)
        yield Chip(number, image, xyxy[:, [1, 0, 3, 2]])


def coarser(chip: Chip, factor: int) -> Chip:
    """The chip as a sensor with ``factor`` times coarser pixels would see it: intensity
    averaged over ``factor`` x ``factor`` blocks (the edges cropped), boxes scaled alike."""
    rows = chip.image.shape[0] // factor * factor
    cols = chip.image.shape[1] // factor * factor
    intensity = chip.image[:rows, :cols].astype(np.float64) ** 2
    blocks = intensity.reshape(rows // factor, factor, cols // factor, factor).mean(axis=(1, 3))
    return Chip(chip.number, np.sqrt(blocks).astype(np.float32), chip.boxes / factor)


@dataclass
class Tally:
    """True positives, false positives and false negatives, summed over chips."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, tp: int, detections: int, truths: int) -> None:
        """Add one chip's matches."""
        self.tp += tp
        self.fp += detections - tp
        self.fn += truths - tp

    @property
    def precision(self) -> float:
        return self.tp / max(1, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return self.tp / max(1, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return 2 * self.tp / max(1, 2 * self.tp + self.fp + self.fn)


def _greedy(
    order: npt.NDArray[np.intp], allowed: npt.NDArray[np.bool_], cost: npt.NDArray[np.float64]
) -> int:
    """Matches taken in ``order`` (detections), each to its cheapest allowed free truth."""
    free = np.ones(allowed.shape[1], dtype=bool)
    matched = 0
    for i in order:
        options = np.flatnonzero(allowed[i] & free)
        if options.size:
            free[options[np.argmin(cost[i, options])]] = False
            matched += 1
    return matched


def match_centres(detections: pd.DataFrame, boxes: npt.NDArray[np.float64]) -> int:
    """How many detections are true positives: centre inside a box, one-to-one."""
    if detections.empty or boxes.size == 0:
        return 0
    r = detections["row"].to_numpy()[:, None]
    c = detections["col"].to_numpy()[:, None]
    inside = (r >= boxes[:, 0]) & (r <= boxes[:, 2]) & (c >= boxes[:, 1]) & (c <= boxes[:, 3])
    distance = np.hypot(r - (boxes[:, 0] + boxes[:, 2]) / 2, c - (boxes[:, 1] + boxes[:, 3]) / 2)
    order = np.argsort(-detections["confidence"].to_numpy(), kind="stable")
    return _greedy(order, inside, distance)


def match_boxes(detections: pd.DataFrame, boxes: npt.NDArray[np.float64]) -> int:
    """How many detection boxes overlap a ground-truth box at IoU >= 0.5, one-to-one."""
    if detections.empty or boxes.size == 0:
        return 0
    mine = detections[["r0", "c0", "r1", "c1"]].to_numpy(dtype=np.float64)[:, None, :]
    top = np.maximum(mine[..., 0], boxes[:, 0])
    left = np.maximum(mine[..., 1], boxes[:, 1])
    bottom = np.minimum(mine[..., 2], boxes[:, 2])
    right = np.minimum(mine[..., 3], boxes[:, 3])
    overlap = np.clip(bottom - top, 0, None) * np.clip(right - left, 0, None)
    area_mine = (mine[..., 2] - mine[..., 0]) * (mine[..., 3] - mine[..., 1])
    area_truth = (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])
    iou = overlap / np.maximum(area_mine + area_truth - overlap, 1e-9)
    order = np.argsort(-detections["confidence"].to_numpy(), kind="stable")
    return _greedy(order, iou >= 0.5, -iou)


@dataclass
class Scores:
    """A detector's figures on a set of chips: both matchings and the time per chip."""

    centres: Tally
    boxes: Tally
    chips: int
    seconds: float

    def as_dict(self) -> dict[str, float]:
        """The figures, rounded, for a report or a metadata file."""
        return {
            "chips": self.chips,
            "precision": round(self.centres.precision, 4),
            "recall": round(self.centres.recall, 4),
            "f1": round(self.centres.f1, 4),
            "iou50_f1": round(self.boxes.f1, 4),
            "ms_per_chip": round(1000 * self.seconds / max(1, self.chips), 2),
        }


def evaluate(folder: Path, *, learned: bool, factor: int = 1) -> Scores:
    """``detect_ships`` over the validation chips (all sea), scored; ``factor`` > 1 makes
    the chips that many times coarser first (:func:`coarser`)."""
    from satellite.detector import detect_ships

    scores = Scores(Tally(), Tally(), 0, 0.0)
    for original in chips(folder, validation=True):
        chip = coarser(original, factor) if factor > 1 else original
        started = time.perf_counter()
        found = detect_ships(chip.image, NOMINAL_SPACING_M * factor, learned=learned)
        scores.seconds += time.perf_counter() - started
        scores.chips += 1
        scores.centres.add(match_centres(found, chip.boxes), len(found), len(chip.boxes))
        scores.boxes.add(match_boxes(found, chip.boxes), len(found), len(chip.boxes))
    return scores
