"""Track preparation shared by every rule: steps between reports, segments, resampling.

A track is cut into segments at gaps over ``segment_max_gap_hours`` and at impossible
jumps; resampled bins join into runs only within a segment.

Everything is vectorized over all vessels at once: positions are sorted by (mmsi, t), and
"the next report of the same vessel" is the next element when ``same_vessel`` says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from surveillance.geodesy import DEG_M, KNOT_MS
from surveillance.rule_settings import BaseRuleSettings
from surveillance.store.position_read import PositionArrays

__all__ = ["Tracks", "Steps", "grid_cells", "runs", "vessel_slice"]


def vessel_slice(mmsi_sorted: np.ndarray, mmsi: int) -> slice:
    """Where one vessel's rows lie in arrays sorted by MMSI."""
    lo, hi = np.searchsorted(mmsi_sorted, [mmsi, mmsi + 1])
    return slice(int(lo), int(hi))


def grid_cells(
    lon: np.ndarray, lat: np.ndarray, cell_m: float, widest_lat: float
) -> tuple[np.ndarray, np.ndarray]:
    """Column and row of cells at least ``cell_m`` wide and high everywhere up to
    ``widest_lat`` degrees (one column width for all, so neighbouring rows line up)."""
    row = np.floor(lat * DEG_M / cell_m).astype(np.int64)
    column_m = cell_m / np.cos(np.radians(min(abs(widest_lat), 89.0)))
    column = np.floor(lon * DEG_M / column_m).astype(np.int64)
    return column, row


def runs(mask: np.ndarray, joined: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """First and last index of each run of True in ``mask`` whose neighbours are joined.

    ``joined[i]`` says whether elements ``i`` and ``i + 1`` may belong to one run.

    >>> runs(np.array([1, 1, 0, 1, 1, 1], bool), np.array([1, 1, 1, 0, 1], bool))
    (array([0, 3, 4]), array([1, 3, 5]))
    """
    if len(mask) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    new_run = np.ones(len(mask), bool)
    new_run[1:] = ~(joined & mask[1:] & mask[:-1])
    last = np.ones(len(mask), bool)
    last[:-1] = new_run[1:]
    return np.flatnonzero(mask & new_run), np.flatnonzero(mask & last)


@dataclass(frozen=True)
class Steps:
    """A regular time series per vessel: one row per vessel and time bin that had reports.

    The position is the bin's first report (a mean would blend the two places of a cloned
    MMSI); the speed is the mean reported speed.
    """

    mmsi: np.ndarray
    bin: np.ndarray
    t_s: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    sog_knots: np.ndarray
    step_s: float
    segment: np.ndarray  # of the bin's first report: bins across a gap or jump do not join

    def __len__(self) -> int:
        return len(self.mmsi)

    @cached_property
    def next_joined(self) -> np.ndarray:
        """Row i and i + 1 are consecutive bins of one segment of one vessel."""
        return (self.segment[1:] == self.segment[:-1]) & (np.diff(self.bin) == 1)


class Tracks:
    """All vessels' reports, sorted by (mmsi, t), with the measures rules share."""

    def __init__(self, positions: PositionArrays, settings: BaseRuleSettings) -> None:
        self.pos = positions
        self.resample_s = settings.resample_minutes * 60
        self._max_gap_s = settings.segment_max_gap_hours * 3600
        self._max_knots = settings.max_implied_speed_knots
        self._min_jump_m = settings.identity_min_jump_km * 1000

    def __len__(self) -> int:
        return len(self.pos)

    @cached_property
    def same_vessel(self) -> np.ndarray:
        """Report i and i + 1 come from one vessel (length n - 1)."""
        return self.pos.mmsi[1:] == self.pos.mmsi[:-1]

    @cached_property
    def dt_s(self) -> np.ndarray:
        return np.diff(self.pos.t_s)

    @cached_property
    def step_m(self) -> np.ndarray:
        """Distance to the next report, equirectangular (close to great-circle for steps)."""
        p = self.pos
        cos_lat = np.cos(np.radians((p.lat[:-1] + p.lat[1:]) * 0.5))
        dx = (p.lon[1:] - p.lon[:-1]) * cos_lat
        return np.hypot(dx, p.lat[1:] - p.lat[:-1]) * DEG_M

    @cached_property
    def implied_knots(self) -> np.ndarray:
        return self.step_m / np.maximum(self.dt_s, 1.0) / KNOT_MS

    @cached_property
    def jumps(self) -> np.ndarray:
        """Step i -> i + 1 is an impossible jump (length n - 1)."""
        fast = (self.implied_knots > self._max_knots) & (self.step_m > self._min_jump_m)
        return self.same_vessel & fast

    @cached_property
    def segment(self) -> np.ndarray:
        """Segment number of each report: a new one at each vessel, long gap or jump."""
        start = np.ones(len(self), bool)
        start[1:] = ~self.same_vessel | (self.dt_s > self._max_gap_s) | self.jumps
        return np.cumsum(start)

    @cached_property
    def vessel_index(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Unique MMSIs, the index of each one's first report, and its report count."""
        mmsi, first, count = np.unique(self.pos.mmsi, return_index=True, return_counts=True)
        return mmsi, first, count

    @cached_property
    def steps(self) -> Steps:
        """Reports resampled to ``resample_s`` bins (Global Fishing Watch uses 10 min)."""
        p = self.pos
        bins = np.floor(p.t_s / self.resample_s).astype(np.int64)
        first = np.ones(len(p), bool)
        first[1:] = ~self.same_vessel | (bins[1:] != bins[:-1])
        idx = np.flatnonzero(first)
        sog = np.nan_to_num(p.sog_knots.astype(np.float64), nan=0.0)
        known = (~np.isnan(p.sog_knots)).astype(np.float64)
        with np.errstate(invalid="ignore"):
            mean_sog = np.add.reduceat(sog, idx) / np.add.reduceat(known, idx) if len(idx) else sog
        return Steps(
            p.mmsi[idx],
            bins[idx],
            bins[idx] * self.resample_s,
            p.lon[idx],
            p.lat[idx],
            mean_sog,
            self.resample_s,
            self.segment[idx],
        )
