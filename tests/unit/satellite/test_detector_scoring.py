"""The rule that scores the detector on SSDD: centres in boxes and IoU, one-to-one."""

from __future__ import annotations

import numpy as np
import pandas as pd

from satellite.ssdd import Chip, Tally, coarser, is_validation, match_boxes, match_centres

BOXES = np.array([[10.0, 10.0, 20.0, 40.0], [50.0, 50.0, 60.0, 60.0]])  # r0, c0, r1, c1


def detections(*rows: tuple[float, float, float, tuple[int, int, int, int]]) -> pd.DataFrame:
    """Detections from (row, col, confidence, box)."""
    return pd.DataFrame(
        [
            {"row": r, "col": c, "confidence": p, "r0": b[0], "c0": b[1], "r1": b[2], "c1": b[3]}
            for r, c, p, b in rows
        ]
    )


def test_a_ship_found_twice_is_one_true_and_one_false_positive() -> None:
    found = detections(
        (15.0, 20.0, 0.9, (10, 10, 20, 30)),
        (15.0, 35.0, 0.8, (12, 30, 18, 40)),
        (55.0, 55.0, 0.7, (50, 50, 60, 60)),
        (90.0, 90.0, 0.99, (85, 85, 95, 95)),
    )
    assert match_centres(found, BOXES) == 2
    tally = Tally()
    tally.add(match_centres(found, BOXES), len(found), len(BOXES))
    assert (tally.tp, tally.fp, tally.fn) == (2, 2, 0)
    assert tally.precision == 0.5 and tally.recall == 1.0


def test_boxes_match_from_an_iou_of_one_half() -> None:
    found = detections(
        (15.0, 25.0, 0.9, (10, 10, 20, 30)),  # IoU 200 / 300 with the first box
        (55.0, 55.0, 0.8, (50, 50, 60, 55)),  # IoU 50 / 100: just enough
        (55.0, 55.0, 0.7, (50, 50, 54, 60)),  # the second box is taken already
    )
    assert match_boxes(found, BOXES) == 2
    assert match_boxes(found.iloc[:0], BOXES) == 0


def test_the_split_keeps_one_chip_in_five_for_validation() -> None:
    numbers = [n for n in range(1, 1161) if n % 10 not in (1, 9)]
    share = np.mean([is_validation(n) for n in numbers])
    assert 0.2 <= share <= 0.26


def test_a_coarser_chip_averages_intensity_and_scales_its_boxes() -> None:
    image = np.zeros((7, 8), dtype=np.float32)
    image[0:3, 0:3] = 3.0  # one 3 x 3 block of amplitude 3 (intensity 9)
    image[3, 3] = 3.0  # one pixel of nine: intensity 1, amplitude 1
    chip = coarser(Chip(5, image, np.array([[3.0, 6.0, 6.0, 9.0]])), 3)
    assert chip.image.shape == (2, 2)
    assert np.allclose(chip.image, [[3.0, 0.0], [0.0, 1.0]])
    assert np.allclose(chip.boxes, [[1.0, 2.0, 2.0, 3.0]])
