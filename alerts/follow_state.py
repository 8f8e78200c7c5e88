"""What ``detect --follow`` keeps between cycles: the tail of every vessel's track.

Each cycle re-reads the positions of a short recent span from the store (everything with a
time after the last cycle's newest report minus a lateness allowance), puts them in place of
the tails' rows of that span, and learns which rows are new. The tails are long enough for
every rule's look-back (``detect_context_hours`` before each vessel's newest report), so a
rule run over a vessel's tail finds what a run over the whole window finds for it.
Pure: no store, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from alerts.tracks import grid_cells
from surveillance.store.position_read import PositionArrays

__all__ = ["Delta", "Tails", "report_hash"]

_AROUND = [(dx, dy) for dx in (-1, 0, 1) for dy in (-1, 0, 1)]
#: Tails are trimmed when they have grown this much past their look-back (not every cycle).
_TRIM_SLACK_S = 1800.0


def _cell(cx: np.ndarray, cy: np.ndarray) -> np.ndarray:
    return (cx.astype(np.int64) << 32) + cy.astype(np.int64)


def report_hash(p: PositionArrays) -> np.ndarray:
    """A 64-bit hash of each report's vessel, time and place: tells re-read rows from new."""
    h = p.mmsi.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    for values in (p.t_s, p.lon, p.lat):
        h ^= np.ascontiguousarray(values, np.float64).view(np.uint64) * np.uint64(
            0xC2B2AE3D27D4EB4F
        )
        h = (h << np.uint64(31)) | (h >> np.uint64(33))
    return h


def _take(p: PositionArrays, rows: np.ndarray) -> PositionArrays:
    return PositionArrays(p.mmsi[rows], p.t_s[rows], p.lon[rows], p.lat[rows], p.sog_knots[rows])


def _empty() -> PositionArrays:
    return PositionArrays(*(np.zeros(0, d) for d in ("i8", "f8", "f8", "f8", "f4")))


def vessel_rows(mmsi_sorted: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Row numbers of the wanted vessels in arrays sorted by MMSI, in order."""
    lo = np.searchsorted(mmsi_sorted, wanted, "left")
    hi = np.searchsorted(mmsi_sorted, wanted, "right")
    n = hi - lo
    if not n.sum():
        return np.zeros(0, np.int64)
    starts = np.repeat(lo - np.cumsum(n) + n, n)
    return np.arange(int(n.sum())) + starts


@dataclass(frozen=True)
class Delta:
    """What one cycle brought: the new reports and the state of every vessel around them.

    ``prev_t_s``/``prev_lon``/``prev_lat`` are each new report's predecessor of the same
    vessel (NaN for a vessel's first); ``last_*`` are every followed vessel's newest report
    before this cycle (sorted by MMSI), so rules can tell silences and neighbours.
    """

    new: PositionArrays
    prev_t_s: np.ndarray
    prev_lon: np.ndarray
    prev_lat: np.ndarray
    last_mmsi: np.ndarray
    last_t_s: np.ndarray
    last_lon: np.ndarray
    last_lat: np.ndarray
    tails: PositionArrays  # every vessel's tail after this cycle
    prev_now_s: float
    now_s: float

    def silent_between(self, low_s: float, high_s: float) -> np.ndarray:
        """Vessels whose silence (now minus their newest report) passed from under ``low_s``
        at the last cycle to at least ``high_s`` now: their open gaps begin or grow."""
        quiet = ~np.isin(self.last_mmsi, self.new.mmsi)
        since = self.now_s - self.last_t_s
        before = self.prev_now_s - self.last_t_s
        return self.last_mmsi[quiet & (since >= high_s) & (before < low_s)]

    def near(self, lon: np.ndarray, lat: np.ndarray, radius_m: float) -> np.ndarray:
        """Vessels whose newest report lies within about ``radius_m`` of any of the points
        (a grid test: it may take a few more, never fewer)."""
        if not len(lon) or not len(self.last_mmsi):
            return np.zeros(0, np.int64)
        widest = float(max(np.abs(lat).max(), np.abs(self.last_lat).max()))
        cx, cy = grid_cells(lon, lat, radius_m, widest)
        lx, ly = grid_cells(self.last_lon, self.last_lat, radius_m, widest)
        cells = np.unique(np.concatenate([_cell(cx + dx, cy + dy) for dx, dy in _AROUND]))
        return self.last_mmsi[np.isin(_cell(lx, ly), cells)]

    def passing(self, west: float, south: float, east: float, north: float) -> np.ndarray:
        """Vessels with some report of their tail inside the box: the traffic that tells
        whether an area is covered."""
        t = self.tails
        inside = (t.lon >= west) & (t.lon <= east) & (t.lat >= south) & (t.lat <= north)
        return np.unique(t.mmsi[inside])


def _groups(mmsi_sorted: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each vessel's MMSI, first row and row count in arrays sorted by MMSI (no sort)."""
    if not len(mmsi_sorted):
        empty = np.zeros(0, np.int64)
        return empty, empty, empty
    first = np.flatnonzero(np.append(True, mmsi_sorted[1:] != mmsi_sorted[:-1]))
    counts = np.diff(np.append(first, len(mmsi_sorted)))
    return mmsi_sorted[first], first, counts


def _insert(kept: PositionArrays, recent: PositionArrays) -> PositionArrays:
    """``recent`` (sorted, every report later than any kept one of its vessel) put in place
    after each vessel's kept reports: a merge, not a sort."""
    at = np.searchsorted(kept.mmsi, recent.mmsi, "right")
    return PositionArrays(
        *(
            np.insert(getattr(kept, name), at, getattr(recent, name))
            for name in ("mmsi", "t_s", "lon", "lat", "sog_knots")
        )
    )


class Tails:
    """Every followed vessel's recent reports, sorted by (mmsi, t)."""

    def __init__(self, tail_s: float, keep_s: float) -> None:
        self.tail_s, self.keep_s = tail_s, keep_s  # per-vessel look-back; silence kept
        self.arrays = _empty()
        self.now_s = float("-inf")
        self._trimmed_s = float("-inf")

    @property
    def newest_s(self) -> float:
        """The newest report time held (-inf when empty)."""
        return float(self.arrays.t_s.max()) if len(self.arrays) else float("-inf")

    def replace(self, positions: PositionArrays, now_s: float) -> None:
        """Start again from a full read of the window."""
        self.arrays, self.now_s = positions, now_s
        self._trim()

    def absorb(self, recent: PositionArrays, from_s: float, now_s: float) -> Delta:
        """Take the store's reports with time >= ``from_s`` (a fresh read of that span) in
        place of the tails' reports of that span; return what is new."""
        old = self.arrays
        last_mmsi, first, counts = _groups(old.mmsi)
        last = first + counts - 1
        span = old.t_s >= from_s
        known = np.isin(report_hash(recent), report_hash(_take(old, np.flatnonzero(span))))
        merged = _insert(_take(old, np.flatnonzero(~span)), recent)
        # the recent rows, in their places in the merged arrays
        at = np.searchsorted(merged.mmsi, recent.mmsi, "left")
        _, r_first, r_counts = _groups(recent.mmsi)
        k_counts = np.searchsorted(merged.mmsi, recent.mmsi[r_first], "right") - at[r_first]
        offset = np.repeat(k_counts - r_counts, r_counts)  # kept rows of the vessel before
        rank = np.arange(len(recent)) - np.repeat(r_first, r_counts)
        rows = (at + offset + rank)[~known]
        has_prev = (rows > 0) & (merged.mmsi[np.maximum(rows - 1, 0)] == merged.mmsi[rows])
        before = np.maximum(rows - 1, 0)
        nan = np.full(len(rows), np.nan)
        delta = Delta(
            _take(merged, rows),
            np.where(has_prev, merged.t_s[before], nan),
            np.where(has_prev, merged.lon[before], nan),
            np.where(has_prev, merged.lat[before], nan),
            last_mmsi,
            old.t_s[last],
            old.lon[last],
            old.lat[last],
            merged,
            self.now_s,
            now_s,
        )
        self.arrays, self.now_s = merged, now_s
        if now_s - self._trimmed_s >= _TRIM_SLACK_S:
            self._trim()
        return delta

    def of(self, mmsi: np.ndarray) -> PositionArrays:
        """The tails of these vessels, sorted by (mmsi, t)."""
        return _take(self.arrays, vessel_rows(self.arrays.mmsi, np.unique(mmsi)))

    def _trim(self) -> None:
        """Keep each vessel's reports of ``tail_s`` before its newest; forget vessels silent
        for more than ``keep_s``."""
        p, self._trimmed_s = self.arrays, self.now_s
        _, first, counts = _groups(p.mmsi)
        newest_of_row = np.repeat(p.t_s[first + counts - 1], counts)
        keep = (p.t_s >= newest_of_row - self.tail_s) & (newest_of_row >= self.now_s - self.keep_s)
        if not keep.all():
            self.arrays = _take(p, np.flatnonzero(keep))
