"""What the learned stage knows of a CFAR candidate: scale-invariant numbers, cheap to compute.

Every feature is computed for the candidates only (``numpy.bincount`` over their pixels, look-ups
in the CFAR's block grid, a k-d tree over their centres), never by a filter over the image, so
a tile with a handful of candidates costs little more than its CFAR. Sizes are in metres (the
spacing given), brightness relative to the local clutter or to the array's typical sea value,
so the same model reads 1 m and 20 m data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import ndimage
from scipy.spatial import cKDTree

from satellite.cfar import Candidates, block_sums

__all__ = ["FEATURES", "candidate_features"]

#: the feature columns, in the model's order
FEATURES: tuple[str, ...] = (
    "log_area_m2",
    "log_length_m",
    "log_width_m",
    "elongation",
    "fill",
    "peak_z",
    "mean_z",
    "peak_contrast",
    "mean_contrast",
    "peak_to_mean",
    "texture_cv",
    "log_ring_level",
    "ring_cv",
    "log_local_level",
    "log_bright_nearby",
    "hit_density_near",
    "hit_density_wide",
    "neighbours_300m",
    "largest_neighbour_ratio",
    "nearest_neighbour_m",
)

#: features are clipped here so that a flat ring (std ~ 0) gives a large, finite number
_MAX_Z = 1000.0
_NEIGHBOUR_RADIUS_M = 300.0


def _log(values: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """log10 of positive values, floored so that zero or NaN gives a finite number."""
    return np.asarray(np.log10(np.clip(np.nan_to_num(values, nan=1e-6), 1e-6, None)))


def candidate_features(found: Candidates, spacing_m: float) -> npt.NDArray[np.float32]:
    """One row of :data:`FEATURES` per row of ``found.frame`` (in its order)."""
    frame = found.frame
    n = len(frame) + 1
    if n == 1:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    flat = found.labels.ravel()
    where = np.flatnonzero(flat)
    ids = flat[where]
    rows, cols = np.divmod(where, found.labels.shape[1])
    amp = found.scaled.ravel()[where].astype(np.float64)
    mean_px, std_px = found.clutter.at(rows, cols)
    z = np.clip((amp - mean_px) / np.maximum(std_px, 1e-6), -_MAX_Z, _MAX_Z)
    z = np.nan_to_num(z, nan=0.0)
    area = np.maximum(np.bincount(ids, minlength=n), 1)
    amp_sum = np.bincount(ids, amp, n)
    amp_mean = amp_sum / area
    amp_sq = np.bincount(ids, amp * amp, n) / area
    amp_peak = np.zeros(n)
    np.maximum.at(amp_peak, ids, amp)
    z_peak = np.full(n, -_MAX_Z)
    np.maximum.at(z_peak, ids, z)
    z_mean = np.bincount(ids, z, n) / area

    centre_r = np.clip(frame["row"].to_numpy().astype(np.intp), 0, found.labels.shape[0] - 1)
    centre_c = np.clip(frame["col"].to_numpy().astype(np.intp), 0, found.labels.shape[1] - 1)
    ring_mean, ring_std = (
        np.asarray(v, dtype=np.float64) for v in found.clutter.at(centre_r, centre_c)
    )
    ring_mean = np.nan_to_num(ring_mean, nan=1.0)
    ring_std = np.nan_to_num(ring_std, nan=0.0)
    block = found.clutter.block_px
    br, bc = centre_r // block, centre_c // block
    # a block with no valid pixel (land, no data) reads as typical sea: SSDD never masks
    local = np.nan_to_num(found.clutter.local, nan=1.0)
    bright = ndimage.maximum_filter(local, size=5, mode="nearest")
    hits = block_sums(found.labels > 0, block) / np.float32(block * block)
    near = ndimage.uniform_filter(hits, size=3, mode="constant")
    wide = ndimage.uniform_filter(hits, size=7, mode="constant")

    sel = slice(1, None)
    length = frame["length_m"].to_numpy()
    width = frame["width_m"].to_numpy()
    box_area = (frame["r1"] - frame["r0"]).to_numpy() * (frame["c1"] - frame["c0"]).to_numpy()
    neighbours, largest, nearest = _neighbourhood(frame, spacing_m)
    columns = [
        _log(area[sel] * spacing_m**2),
        _log(length),
        _log(width),
        length / np.maximum(width, 1e-6),
        area[sel] / np.maximum(box_area, 1),
        z_peak[sel],
        z_mean[sel],
        amp_peak[sel] / np.maximum(ring_mean, 1e-6),
        amp_mean[sel] / np.maximum(ring_mean, 1e-6),
        amp_peak[sel] / np.maximum(amp_mean[sel], 1e-6),
        np.sqrt(np.maximum(amp_sq[sel] - amp_mean[sel] ** 2, 0.0))
        / np.maximum(amp_mean[sel], 1e-6),
        _log(ring_mean),
        ring_std / np.maximum(ring_mean, 1e-6),
        _log(local[br, bc].astype(np.float64)),
        _log(bright[br, bc].astype(np.float64)),
        near[br, bc].astype(np.float64),
        wide[br, bc].astype(np.float64),
        neighbours,
        largest / area[sel],
        nearest,
    ]
    return np.nan_to_num(np.column_stack(columns), nan=0.0, posinf=_MAX_Z).astype(np.float32)


def _neighbourhood(
    frame: pd.DataFrame, spacing_m: float
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Per candidate: how many others lie within 300 m, the largest of them (pixels), and
    the distance to the nearest one (metres, capped at 300 m)."""
    points = frame[["row", "col"]].to_numpy() * spacing_m
    area = frame["area_px"].to_numpy().astype(np.float64)
    tree = cKDTree(points)
    pairs = tree.query_pairs(_NEIGHBOUR_RADIUS_M, output_type="ndarray")
    count = np.zeros(len(frame))
    largest = np.zeros(len(frame))
    if len(pairs):
        a, b = pairs[:, 0], pairs[:, 1]
        np.add.at(count, a, 1.0)
        np.add.at(count, b, 1.0)
        np.maximum.at(largest, a, area[b])
        np.maximum.at(largest, b, area[a])
    distance, _ = tree.query(points, k=2, distance_upper_bound=_NEIGHBOUR_RADIUS_M)
    nearest = np.minimum(
        np.asarray(distance)[:, 1] if len(frame) > 1 else np.full(len(frame), np.inf),
        _NEIGHBOUR_RADIUS_M,
    )
    return count, largest, nearest
