"""Coverage as rules judge it: the stored reception map joined with the window's traffic.

A fixed grid of ``coverage_cell_deg`` degrees (the store's :mod:`surveillance.store.learnt`
counts messages in the same cells). Each cell a gap passes through is one of:

- **covered**: heard in the window, or heard before (the map has history for it);
- **hole**: busy before (heard in at least ``gap_hole_min_heard_share`` of the map's hours,
  and in ``gap_hole_min_heard_hours`` hours or more) and yet nobody was heard in it while the
  vessel was silent: reception was lost there, so the silence proves nothing;
- **unknown**: neither heard in the window nor ever before.

A **feed outage** is a silence of the whole feed of ``gap_outage_min_minutes`` or more just
after ``outage_min_vessels`` or more vessels were heard in an hour: the receivers went
away, not the fleet. One vessel alone falling silent is that vessel, not an outage.
A **station outage** (whole hours in which one station heard no one, from the stored map)
silences the vessels that only that station heard: :class:`StationOutages`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alerts.tracks import Steps
from surveillance.geodesy import DEG_M

__all__ = ["ReceptionHistory", "Reception", "Outages", "StationOutages", "cell_keys", "cells_of"]

_ROW = np.int64(1 << 32)


def cells_of(lon: np.ndarray, lat: np.ndarray, cell_deg: float) -> tuple[np.ndarray, np.ndarray]:
    """Column and row of the grid cells of ``cell_deg`` degrees holding the points."""
    return (
        np.floor(np.asarray(lon) / cell_deg).astype(np.int64),
        np.floor(np.asarray(lat) / cell_deg).astype(np.int64),
    )


def cell_keys(cell_x: np.ndarray, cell_y: np.ndarray) -> np.ndarray:
    """One integer per cell (column and row packed into 64 bits)."""
    return np.asarray(cell_x, np.int64) * _ROW + np.asarray(cell_y, np.int64)


@dataclass(frozen=True)
class ReceptionHistory:
    """What the stored map knew before the window: hours heard per cell, and the map's span."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))  # sorted
    heard_hours: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))
    span_hours: float = 0.0

    @classmethod
    def from_frame(cls, cells: pd.DataFrame, span_hours: float) -> ReceptionHistory:
        """From the store's ``cell_x, cell_y, heard_hours`` rows."""
        keys = cell_keys(cells["cell_x"].to_numpy(), cells["cell_y"].to_numpy())
        order = np.argsort(keys)
        hours = cells["heard_hours"].to_numpy(np.int64)[order]
        return cls(keys[order], hours, float(span_hours))

    def hours_of(self, keys: np.ndarray) -> np.ndarray:
        """Hours heard before the window, per cell key (0 for cells never heard)."""
        if not len(self.keys):
            return np.zeros(len(keys), np.int64)
        at = np.clip(np.searchsorted(self.keys, keys), 0, len(self.keys) - 1)
        return np.where(self.keys[at] == keys, self.heard_hours[at], 0)


@dataclass(frozen=True)
class Share:
    """How the cells of a way or an area divide: covered, in a hole, the rest unknown."""

    covered: float
    hole: float

    @property
    def unknown(self) -> float:
        return max(0.0, 1.0 - self.covered - self.hole)


class Reception:
    """The window's traffic (resampled steps) and the map's history, cell by cell."""

    def __init__(
        self,
        steps: Steps,
        history: ReceptionHistory,
        cell_deg: float,
        hole_min_heard_share: float,
        hole_min_heard_hours: int,
    ) -> None:
        self.cell_deg = cell_deg
        self.history = history
        self._keys = cell_keys(*cells_of(steps.lon, steps.lat, cell_deg))
        self._by_time = np.argsort(steps.t_s, kind="stable")
        self._t_sorted = steps.t_s[self._by_time]
        self._step_s = steps.step_s
        self._heard = np.unique(self._keys)
        span = max(history.span_hours, 1.0)
        busy = (history.heard_hours >= hole_min_heard_hours) & (
            history.heard_hours / span >= hole_min_heard_share
        )
        self._busy = history.keys[busy]

    def _heard_between(self, t0_s: float, t1_s: float) -> np.ndarray:
        """Cells anyone was heard in between two times (the steps' bins that start after
        ``t0_s`` and end before ``t1_s``: not the silent vessel's own)."""
        lo, hi = np.searchsorted(self._t_sorted, [t0_s, t1_s - self._step_s], side="right")
        return np.unique(self._keys[self._by_time[lo:hi]])

    def share(self, points: np.ndarray, t0_s: float, t1_s: float) -> Share:
        """How the cells of the points (lon and lat rows, as :meth:`along` and
        :meth:`around` give them) divide while a vessel was silent from t0 to t1."""
        keys = cell_keys(*cells_of(points[0], points[1], self.cell_deg))
        hole = np.isin(keys, self._busy) & ~np.isin(keys, self._heard_between(t0_s, t1_s))
        covered = ~hole & (np.isin(keys, self._heard) | (self.history.hours_of(keys) > 0))
        return Share(float(covered.mean()), float(hole.mean()))

    def along(self, where0: tuple[float, float], where1: tuple[float, float]) -> np.ndarray:
        """Points along the straight way between two places, every half cell."""
        lon0, lat0 = where0
        lon1, lat1 = where1
        cos = np.cos(np.radians((lat0 + lat1) / 2))
        dist_deg = float(np.hypot((lon1 - lon0) * cos, lat1 - lat0))
        f = np.linspace(0, 1, max(2, int(dist_deg / (self.cell_deg / 2)) + 1))
        return np.stack([lon0 + f * (lon1 - lon0), lat0 + f * (lat1 - lat0)])

    def around(self, where: tuple[float, float], radius_m: float) -> np.ndarray:
        """Points on a regular lattice (half a cell apart) over the disc around a place."""
        lon, lat = where
        step_m = self.cell_deg * DEG_M / 2
        k = np.arange(-radius_m, radius_m + 1, step_m)
        dx, dy = np.meshgrid(k, k)
        inside = dx**2 + dy**2 <= radius_m**2
        return np.stack(
            [lon + dx[inside] / (DEG_M * np.cos(np.radians(lat))), lat + dy[inside] / DEG_M]
        )


@dataclass(frozen=True)
class Outages:
    """Silences of the whole feed: ``start_s`` and ``end_s`` arrays; ``ongoing`` when the
    feed is still silent at ``now``."""

    start_s: np.ndarray
    end_s: np.ndarray
    ongoing: bool

    @classmethod
    def of_feed(
        cls, t_s: np.ndarray, mmsi: np.ndarray, now_s: float, min_s: float, min_vessels: int
    ) -> Outages:
        """Silences of ``min_s`` or more after an hour in which ``min_vessels`` were heard."""
        order = np.argsort(t_s, kind="stable")
        t, who = np.append(t_s[order], now_s), np.append(mmsi[order], -1)
        gaps = np.flatnonzero(np.diff(t) >= min_s)
        busy = [
            len(np.unique(who[np.searchsorted(t, t[g] - 3600.0) : g + 1])) >= min_vessels
            for g in gaps
        ]
        picked = gaps[np.asarray(busy, bool)] if len(gaps) else gaps
        ongoing = bool(len(picked)) and picked[-1] == len(t) - 2
        return cls(t[picked], t[picked + 1], ongoing)

    def overlap_s(self, t0_s: float, t1_s: float) -> float:
        """Seconds of outage between two times."""
        return float(
            np.clip(np.minimum(self.end_s, t1_s) - np.maximum(self.start_s, t0_s), 0, None).sum()
        )


@dataclass(frozen=True)
class StationOutages:
    """Outages of single stations (whole hours without a message, from the stored map) and,
    for the cells and hours those stations heard, every station that heard them: a vessel
    last heard only by stations that then went quiet is not silent, its stations are."""

    cell_deg: float = 0.05
    #: station -> (start_s, end_s) of each outage; end_s is inf while it goes on
    outages: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    #: (cell key, hour start_s) -> the stations that heard the cell in that hour
    heard: dict[tuple[int, int], frozenset[str]] = field(default_factory=dict)

    @classmethod
    def from_frames(
        cls, outages: pd.DataFrame, heard: pd.DataFrame, cell_deg: float
    ) -> StationOutages:
        """From the store's ``station, start, end`` outages and ``cell_x, cell_y, hour,
        stations`` rows."""
        spans: dict[str, list[tuple[float, float]]] = {}
        for station, start, end in outages[["station", "start", "end"]].itertuples(index=False):
            stop = np.inf if pd.isna(end) else pd.Timestamp(end).timestamp()
            spans.setdefault(str(station), []).append((pd.Timestamp(start).timestamp(), stop))
        keys = cell_keys(heard["cell_x"].to_numpy(), heard["cell_y"].to_numpy())
        hours = [int(pd.Timestamp(h).timestamp()) for h in heard["hour"]]
        cells = {
            (int(k), h): frozenset(map(str, s))
            for k, h, s in zip(keys, hours, heard["stations"], strict=True)
        }
        return cls(cell_deg, spans, cells)

    def _stations(self, where: tuple[float, float], t_s: float) -> frozenset[str]:
        x, y = cells_of(np.array([where[0]]), np.array([where[1]]), self.cell_deg)
        hour = int(t_s // 3600 * 3600)
        return self.heard.get((int(cell_keys(x, y)[0]), hour), frozenset())

    def silenced(self, where: tuple[float, float], t0_s: float, t1_s: float) -> tuple[float, bool]:
        """Seconds from t0 to t1 during which every station that heard the place at t0 was
        out, and whether they all still are at t1 (the vessel's gap waits for them)."""
        stations = self._stations(where, t0_s)
        if not stations or not self.outages or any(s not in self.outages for s in stations):
            return 0.0, False
        edges = np.arange(t0_s // 3600 * 3600, t1_s + 3600, 3600.0)
        out = np.ones(len(edges), bool)
        for station in stations:
            spans = np.array(self.outages[station])
            out &= ((spans[:, :1] <= edges) & (edges < spans[:, 1:])).any(axis=0)
        inside = np.clip(np.minimum(edges + 3600, t1_s) - np.maximum(edges, t0_s), 0, None)
        ongoing = all(any(np.isinf(end) for _, end in self.outages[s]) for s in stations)
        return float(inside[out].sum()), bool(out[-1]) and ongoing
