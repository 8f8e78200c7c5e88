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
    tails: tuple[PositionArrays, ...]  # every vessel's tail after this cycle, in parts
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
        inside = [
            t.mmsi[(t.lon >= west) & (t.lon <= east) & (t.lat >= south) & (t.lat <= north)]
            for t in self.tails
        ]
        return np.unique(np.concatenate(inside))


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
    """Every followed vessel's recent reports, sorted by (mmsi, t), in two parts: a large
    ``base`` of the reports before ``cut_s`` and a small ``recent`` part from it on, so a
    cycle rewrites only the small part; the two are joined when the tails are trimmed."""

    def __init__(self, tail_s: float, keep_s: float) -> None:
        self.tail_s, self.keep_s = tail_s, keep_s  # per-vessel look-back; silence kept
        self.base, self.recent = _empty(), _empty()
        self.cut_s = float("-inf")
        self.now_s = float("-inf")
        self._trimmed_s = float("-inf")
        self._base_last = _groups(self.base.mmsi)

    @property
    def arrays(self) -> PositionArrays:
        """All the tails as one set of arrays."""
        return _insert(self.base, self.recent)

    @property
    def newest_s(self) -> float:
        """The newest report time held (-inf when empty)."""
        held = [p.t_s.max() for p in (self.base, self.recent) if len(p)]
        return float(max(held)) if held else float("-inf")

    def replace(self, positions: PositionArrays, now_s: float) -> None:
        """Start again from a full read of the window."""
        self.now_s = now_s
        self._rebase(positions, float("inf"))

    def absorb(self, recent: PositionArrays, from_s: float, now_s: float) -> Delta:
        """Take the store's reports with time >= ``from_s`` (a fresh read of that span) in
        place of the tails' reports of that span; return what is new."""
        if from_s < self.cut_s:  # the span reaches into the base: split it again there
            self._rebase(self.arrays, from_s)
        last_mmsi, last_t, last_lon, last_lat = self._last()
        old = self.recent
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
        prev_t, prev_lon, prev_lat = self._before(merged, rows)
        self.recent = merged
        delta = Delta(
            _take(merged, rows),
            prev_t,
            prev_lon,
            prev_lat,
            last_mmsi,
            last_t,
            last_lon,
            last_lat,
            (self.base, self.recent),
            self.now_s,
            now_s,
        )
        self.now_s = now_s
        if now_s - self._trimmed_s >= _TRIM_SLACK_S:
            self._rebase(self.arrays, from_s)
        return delta

    def of(self, mmsi: np.ndarray) -> PositionArrays:
        """The tails of these vessels, sorted by (mmsi, t)."""
        wanted = np.unique(mmsi)
        return _insert(
            _take(self.base, vessel_rows(self.base.mmsi, wanted)),
            _take(self.recent, vessel_rows(self.recent.mmsi, wanted)),
        )

    def _before(
        self, merged: PositionArrays, rows: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each row's predecessor of the same vessel: in the recent part, else the base's
        newest of the vessel (NaN for none)."""
        before = np.maximum(rows - 1, 0)
        in_recent = (rows > 0) & (merged.mmsi[before] == merged.mmsi[rows])
        b_mmsi, b_first, b_counts = self._base_last
        k = np.minimum(np.searchsorted(b_mmsi, merged.mmsi[rows]), max(len(b_mmsi) - 1, 0))
        in_base = ~in_recent & (len(b_mmsi) > 0)
        if len(b_mmsi):
            in_base &= b_mmsi[k] == merged.mmsi[rows]
        base_row = (b_first + b_counts - 1)[k] if len(b_mmsi) else np.zeros(len(rows), np.int64)
        out = []
        for name in ("t_s", "lon", "lat"):
            value = np.full(len(rows), np.nan)
            value[in_recent] = getattr(merged, name)[before[in_recent]]
            value[in_base] = getattr(self.base, name)[base_row[in_base]]
            out.append(value)
        return out[0], out[1], out[2]

    def _last(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Every vessel's newest report held (sorted by MMSI)."""
        parts = []
        for p, (mmsi, first, counts) in (
            (self.base, self._base_last),
            (self.recent, _groups(self.recent.mmsi)),
        ):
            last = first + counts - 1
            parts.append((mmsi, p.t_s[last], p.lon[last], p.lat[last]))
        mmsi = np.concatenate([parts[0][0], parts[1][0]])
        # the recent part's newest wins: a stable sort keeps it after the base's
        order = np.argsort(mmsi, kind="stable")
        mmsi = mmsi[order]
        keep = np.append(mmsi[1:] != mmsi[:-1], True)
        picked = order[keep]
        held, fresh = parts
        values = [np.concatenate([held[k], fresh[k]])[picked] for k in (1, 2, 3)]
        return mmsi[keep], values[0], values[1], values[2]

    def _rebase(self, arrays: PositionArrays, cut_s: float) -> None:
        """Trim (keep each vessel's ``tail_s`` before its newest report; forget vessels
        silent for more than ``keep_s``) and split again at ``cut_s``."""
        self._trimmed_s = self.now_s
        _, first, counts = _groups(arrays.mmsi)
        newest_of_row = np.repeat(arrays.t_s[first + counts - 1], counts)
        keep = (arrays.t_s >= newest_of_row - self.tail_s) & (
            newest_of_row >= self.now_s - self.keep_s
        )
        self.base = _take(arrays, np.flatnonzero(keep & (arrays.t_s < cut_s)))
        self.recent = _take(arrays, np.flatnonzero(keep & (arrays.t_s >= cut_s)))
        self.cut_s = cut_s
        self._base_last = _groups(self.base.mmsi)
