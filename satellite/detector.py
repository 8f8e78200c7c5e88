"""Ships in a SAR amplitude array: ``detect_ships`` returns one row per ship seen.

The frame's columns (the contract between detector, scan and store): ``row, col`` (the centre
in pixels of the array given; pixel ``i`` spans ``[i, i + 1)``), ``length_m, width_m``,
``heading_deg`` (the long axis in [0, 180), clockwise from the array's up, i.e. decreasing
row), ``confidence`` (0..1), ``area_px`` and the box ``r0, c0, r1, c1`` (end exclusive).

Two stages: a two-parameter CFAR tuned for recall (:data:`CANDIDATES`, low threshold, small
specks kept) proposes candidates, and the learned classifier (:mod:`satellite.classifier`,
trained on SSDD by ``scripts/train_ship_detector.py``) keeps those it scores at least
:data:`SHIP_PROBABILITY` a ship, its probability as the confidence. ``learned=False`` is the
plain CFAR (:data:`BASELINE`) with a contrast-based confidence: the baseline of the figures.

On the validation part of SSDD (chips whose number is a multiple of 5; a detection is right
when its centre lies in a ship's box, one-to-one by falling confidence) it reaches F1 0.90 at
the nominal 3 m and 0.86 on the chips made 3 times coarser, against 0.46 and 0.53 for the
plain CFAR (``bench/ssdd_detection.py``; ``satellite/model/ship_classifier.json``).
Known limit: boats of 2-3 px in 4-look clutter (20-25 m at 10 m) it mostly rejects where the
plain CFAR finds them: SSDD's few ships that small stand out of far smoother clutter.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from satellite.cfar import CfarParams, cfar_candidates, empty_detections
from satellite.classifier import ship_classifier
from satellite.features import candidate_features
from surveillance.errors import InputError

__all__ = ["BASELINE", "CANDIDATES", "SHIP_PROBABILITY", "detect_ships"]

#: the plain two-parameter CFAR: 5 sigma over a 600 m guard / 1 km ring, specks under 100 m2 out
BASELINE = CfarParams()
#: the learned stage's candidates: 2.5 sigma and specks from 40 m2, so that few ships are missed
CANDIDATES = CfarParams(k=2.5, min_area_m2=40.0)
#: a candidate is a ship from this probability on (the logistic model's even odds, not tuned)
SHIP_PROBABILITY = 0.5


def _checked(
    amplitude: npt.ArrayLike, spacing_m: float, sea: npt.ArrayLike | None
) -> tuple[npt.NDArray[np.float32], npt.NDArray[np.bool_]]:
    """The amplitude as float32 and the sea mask as bool, or an InputError saying what is wrong."""
    array = np.asarray(amplitude)
    if array.ndim != 2:
        raise InputError(f"a SAR amplitude array must be 2-D, not {array.ndim}-D {array.shape}")
    if not (np.issubdtype(array.dtype, np.number) and not np.iscomplexobj(array)):
        raise InputError(f"a SAR amplitude array must hold real numbers, not {array.dtype}")
    if not (np.isfinite(spacing_m) and spacing_m > 0.0):
        raise InputError(f"the pixel spacing must be a positive number of metres, not {spacing_m}")
    values = array.astype(np.float32, copy=False)
    finite = np.isfinite(values)
    if not finite.any():
        raise InputError("the SAR amplitude array holds no data (every pixel is NaN)")
    if sea is None:
        return values, finite
    mask = np.asarray(sea)
    if mask.shape != array.shape:
        raise InputError(f"the sea mask is {mask.shape}, the amplitude {array.shape}")
    return values, mask.astype(bool, copy=False) & finite


def detect_ships(
    amplitude: npt.ArrayLike,
    spacing_m: float,
    sea: npt.ArrayLike | None = None,
    *,
    learned: bool = True,
) -> pd.DataFrame:
    """The ships in ``amplitude`` (2-D linear amplitude, any scale, NaN = no data).

    ``sea`` is True where a ship may be (land never detects nor counts as clutter); None means
    all sea. ``learned=False`` gives the plain two-parameter CFAR (the baseline). An array that
    is not 2-D, holds no finite pixel, or a spacing that is not a positive number is an
    :class:`~surveillance.errors.InputError`: a caller tiling a scene skips its empty tiles.
    """
    values, sea_mask = _checked(amplitude, float(spacing_m), sea)
    if not sea_mask.any():
        return empty_detections()
    if not learned:
        return cfar_candidates(values, float(spacing_m), sea_mask, BASELINE).frame
    found = cfar_candidates(values, float(spacing_m), sea_mask, CANDIDATES)
    probability = ship_classifier().probability(candidate_features(found, float(spacing_m)))
    ships = found.frame.assign(confidence=probability)
    return ships[probability >= SHIP_PROBABILITY].reset_index(drop=True)
