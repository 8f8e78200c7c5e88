"""The two-parameter CFAR: pixels brighter than the mean plus ``k`` standard deviations of the
clutter in a ring around them, grouped into candidate ships.

The ring is the background window minus the guard window, both squares sized in metres and
scaled by the pixel spacing, so the same settings work on 1 m and 20 m data. Land (``sea`` False)
and no-data (NaN) pixels never count as clutter: the ring statistics are normalised
convolutions (sum of the valid values over the count of valid pixels), taken per block of
about a sixth of the guard window (:class:`Clutter`) with box filters over the block sums, so
the cost per pixel is a few passes whatever the window sizes. The components' centre,
length, width and heading come from their intensity-weighted second moments, all through
``numpy.bincount`` over the labels: no Python loop over pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd
from scipy import ndimage

__all__ = [
    "DETECTION_COLUMNS",
    "CfarParams",
    "Candidates",
    "Clutter",
    "cfar_candidates",
    "block_sums",
    "clutter_statistics",
    "empty_detections",
]

Floats = npt.NDArray[np.float32]
Bools = npt.NDArray[np.bool_]

#: the detection frame's columns, in order, with their dtypes (COMMON.md: detector -> scan -> store)
DETECTION_COLUMNS: dict[str, str] = {
    "row": "float64",
    "col": "float64",
    "length_m": "float64",
    "width_m": "float64",
    "heading_deg": "float64",
    "confidence": "float64",
    "area_px": "int64",
    "r0": "int64",
    "c0": "int64",
    "r1": "int64",
    "c1": "int64",
}

#: windows never shrink below these, whatever the spacing (a ring needs pixels to be a ring)
_MIN_GUARD_PX = 3
_MIN_RING_PX = 2


@dataclass(frozen=True)
class CfarParams:
    """The CFAR's settings, in metres where they are distances.

    ``guard_m`` is the side of the square kept out of the clutter estimate around a pixel (it
    must hold the largest ship); ``background_m`` the side of the square whose rest is the ring.
    ``k`` is the threshold in standard deviations of the ring; components (8-connected)
    smaller than ``min_area_m2`` (and than 2 pixels) are specks.
    """

    k: float = 5.0
    guard_m: float = 600.0
    background_m: float = 1000.0
    min_area_m2: float = 100.0

    def min_area_px(self, spacing_m: float) -> int:
        """The smallest component kept, in pixels."""
        return max(2, round(self.min_area_m2 / spacing_m**2))

    def windows_px(self, spacing_m: float, shape: tuple[int, ...]) -> tuple[int, int]:
        """The guard and background window sides in pixels: odd, at least a few pixels, and
        the guard at most half the array's shorter side so that a small array keeps a ring."""
        cap_px = max(_MIN_GUARD_PX, min(shape) // 2)
        # shrinking both windows alike keeps the ring's proportions on a small array
        metres_per_px = max(spacing_m, self.guard_m / cap_px)
        guard = max(_MIN_GUARD_PX, round(self.guard_m / metres_per_px))
        guard += 1 - guard % 2
        background = max(guard + 2 * _MIN_RING_PX, round(self.background_m / metres_per_px))
        background += 1 - background % 2
        return guard, background


@dataclass(frozen=True)
class Clutter:
    """The ring's mean and standard deviation on a grid of ``block_px`` square blocks.

    The clutter varies slowly against a window of hundreds of metres, so the statistics are
    taken per block (every pixel of a block shares its ring), which makes the box filters run
    on an array ``block_px**2`` times smaller than the image. NaN where a ring has too few
    valid pixels.
    """

    mean: Floats
    std: Floats
    block_px: int
    #: the mean of each block's own valid pixels (NaN where it has none): what lies around
    local: Floats

    def at(self, rows: npt.NDArray[np.intp], cols: npt.NDArray[np.intp]) -> tuple[Floats, Floats]:
        """The ring mean and std at the given pixels."""
        r = rows // self.block_px
        c = cols // self.block_px
        return self.mean[r, c], self.std[r, c]


@dataclass(frozen=True)
class Candidates:
    """What the CFAR found: the detection frame, the component labels and the clutter.

    ``labels`` numbers the components 1..n in the frame's order (0 = none); ``scaled`` is the
    amplitude divided by its typical sea value (what ``clutter`` is measured in). Both are kept
    for the learned stage's features.
    """

    frame: pd.DataFrame
    labels: npt.NDArray[np.int32]
    scaled: Floats
    clutter: Clutter


def empty_detections() -> pd.DataFrame:
    """A detection frame with no rows and the columns' dtypes."""
    return pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in DETECTION_COLUMNS.items()})


def block_sums(values: npt.NDArray[np.generic], block_px: int) -> Floats:
    """The float32 sum of each ``block_px`` square block (the last ones may be partial)."""
    if block_px == 1:
        return values.astype(np.float32)
    whole = values.shape[0] // block_px * block_px
    parts = [values[:whole].reshape(-1, block_px, values.shape[1]).sum(axis=1, dtype=np.float32)]
    if whole < values.shape[0]:
        parts.append(values[whole:].sum(axis=0, keepdims=True, dtype=np.float32))
    by_rows = np.concatenate(parts) if len(parts) > 1 else parts[0]
    # the array is block_px times shorter now: reduceat across its columns is cheap
    cols = np.arange(0, values.shape[1], block_px)
    return np.add.reduceat(by_rows, cols, axis=1, dtype=np.float32)


def _box_sum(values: Floats, side: int) -> Floats:
    """The sum over a ``side`` square around every cell (zeros beyond the edges)."""
    mean = ndimage.uniform_filter(values, size=side, mode="constant", cval=0.0)
    return np.asarray(mean, dtype=np.float32) * np.float32(side * side)


def _odd(cells: float) -> int:
    """The nearest odd whole number of cells, at least 1."""
    whole = max(1, round(cells))
    return whole + 1 - whole % 2


def clutter_statistics(
    amplitude: Floats, valid: Bools, guard_px: int, background_px: int
) -> Clutter:
    """The mean and standard deviation of the valid pixels in each block's ring.

    The block is about a sixth of the guard window, so the guard still covers the target
    whichever pixel of its block the target is on.
    """
    block_px = max(1, guard_px // 6)
    values = np.where(valid, amplitude, np.float32(0.0))
    sums = block_sums(values, block_px)
    squares = block_sums(values * values, block_px)
    weight = block_sums(valid, block_px)
    guard = _odd(guard_px / block_px)
    background = max(guard + 2, _odd(background_px / block_px))
    count = _box_sum(weight, background) - _box_sum(weight, guard)
    total = _box_sum(sums, background) - _box_sum(sums, guard)
    total_sq = _box_sum(squares, background) - _box_sum(squares, guard)
    enough = count >= 8.0
    safe = np.where(enough, count, np.float32(1.0))
    mean = total / safe
    variance = np.maximum(total_sq / safe - mean * mean, np.float32(0.0))
    nan = np.float32(np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        local = np.where(weight > 0, sums / weight, nan)
    std = np.sqrt(variance)
    return Clutter(np.where(enough, mean, nan), np.where(enough, std, nan), block_px, local)


def _components(
    hits: Bools, amplitude: Floats, clutter: Clutter, spacing_m: float, params: CfarParams
) -> tuple[pd.DataFrame, npt.NDArray[np.int32]]:
    """One row per component of ``hits`` that is not a speck."""
    labels, count = ndimage.label(hits, structure=np.ones((3, 3), dtype=bool))
    labels = labels.astype(np.int32, copy=False)
    if count == 0:
        return empty_detections(), labels
    flat = labels.ravel()
    where = np.flatnonzero(flat)
    ids = flat[where]
    rows, cols = np.divmod(where, hits.shape[1])
    # the centre of pixel i is i + 0.5 (the rasters' convention)
    r = rows.astype(np.float64) + 0.5
    c = cols.astype(np.float64) + 0.5
    w = amplitude.ravel()[where].astype(np.float64)
    w = np.maximum(w, 1e-12)
    n = count + 1
    area = np.bincount(ids, minlength=n)
    sw = np.bincount(ids, w, n)
    mr = np.bincount(ids, w * r, n) / np.maximum(sw, 1e-300)
    mc = np.bincount(ids, w * c, n) / np.maximum(sw, 1e-300)
    dr = r - mr[ids]
    dc = c - mc[ids]
    safe_sw = np.maximum(sw, 1e-300)
    crr = np.bincount(ids, w * dr * dr, n) / safe_sw
    ccc = np.bincount(ids, w * dc * dc, n) / safe_sw
    crc = np.bincount(ids, w * dr * dc, n) / safe_sw
    half_trace = (crr + ccc) / 2.0
    spread = np.sqrt(((crr - ccc) / 2.0) ** 2 + crc**2)
    major = half_trace + spread
    minor = np.maximum(half_trace - spread, 0.0)
    # a uniform bar of n pixels has variance (n^2 - 1) / 12 along it
    length_px = np.sqrt(12.0 * major + 1.0)
    width_px = np.sqrt(12.0 * minor + 1.0)
    # the major axis makes theta with the row axis (towards +col); heading is clockwise from up
    theta = 0.5 * np.arctan2(2.0 * crc, crr - ccc)
    heading = np.mod(180.0 - np.degrees(theta), 180.0)
    mean, std = clutter.at(rows, cols)
    zscore = (w - mean) / np.maximum(std, 1e-6)
    peak_z = np.full(n, -np.inf)
    np.maximum.at(peak_z, ids, zscore)
    r0 = np.full(n, hits.shape[0], dtype=np.int64)
    c0 = np.full(n, hits.shape[1], dtype=np.int64)
    r1 = np.zeros(n, dtype=np.int64)
    c1 = np.zeros(n, dtype=np.int64)
    np.minimum.at(r0, ids, rows)
    np.minimum.at(c0, ids, cols)
    np.maximum.at(r1, ids, rows + 1)
    np.maximum.at(c1, ids, cols + 1)
    keep = np.flatnonzero(area >= params.min_area_px(spacing_m))
    keep = keep[keep > 0]
    frame = pd.DataFrame(
        {
            "row": mr[keep],
            "col": mc[keep],
            "length_m": length_px[keep] * spacing_m,
            "width_m": width_px[keep] * spacing_m,
            "heading_deg": heading[keep],
            "confidence": _baseline_confidence(peak_z[keep]),
            "area_px": area[keep].astype(np.int64),
            "r0": r0[keep],
            "c0": c0[keep],
            "r1": r1[keep],
            "c1": c1[keep],
        }
    )
    renumber = np.zeros(n, dtype=np.int32)
    renumber[keep] = np.arange(1, keep.size + 1, dtype=np.int32)
    return frame.astype(DETECTION_COLUMNS), renumber[labels]


def _baseline_confidence(peak_z: npt.NDArray[np.float64]) -> npt.NDArray[np.float64]:
    """A 0..1 score rising with the peak's contrast to its clutter (0.5 at 10 sigma)."""
    z = np.maximum(peak_z, 0.0)
    return np.asarray(z / (z + 10.0), dtype=np.float64)


def _typical(values: Floats) -> float:
    """A positive typical value of a sample of the clutter (its median, else its mean)."""
    if values.size == 0:
        return 1.0
    for typical in (np.median(values), np.mean(np.abs(values))):
        if np.isfinite(typical) and typical > 0.0:
            return float(typical)
    return 1.0


def cfar_candidates(
    amplitude: Floats, spacing_m: float, sea: Bools, params: CfarParams | None = None
) -> Candidates:
    """The two-parameter CFAR over one array: its candidates, labels and clutter.

    ``amplitude`` is float32 linear amplitude (NaN = no data), ``sea`` True where ships may be.
    The input is scaled by its typical value first, which changes nothing in the test (it is
    linear) but keeps the float32 sums of squares well inside their precision.
    """
    params = params or CfarParams()
    valid = sea & np.isfinite(amplitude)
    step = max(1, amplitude.size // 100_000)
    sample = amplitude.ravel()[::step][valid.ravel()[::step]]
    scaled = amplitude / np.float32(_typical(sample))
    guard_px, background_px = params.windows_px(spacing_m, amplitude.shape)
    clutter = clutter_statistics(scaled, valid, guard_px, background_px)
    threshold = np.nan_to_num(clutter.mean + np.float32(params.k) * clutter.std, nan=np.inf)
    rows, cols = amplitude.shape
    block = clutter.block_px
    per_pixel = np.repeat(np.repeat(threshold, block, axis=0)[:rows], block, axis=1)[:, :cols]
    hits = valid & (scaled > per_pixel)
    frame, labels = _components(hits, scaled, clutter, spacing_m, params)
    return Candidates(frame, labels, scaled, clutter)
