"""How simulated vessels move: legs along paths, drifting, lying at anchor.

A vessel's day is a list of legs; each leg gives positions (metres), speed over ground and
course for any times inside it. Times are unix seconds.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from surveillance.geodesy import KNOT_MS

__all__ = ["Leg", "Transit", "Drift", "Still", "positions"]

Sample = tuple[np.ndarray, np.ndarray, np.ndarray]  # positions (m), speed (kn), course


@dataclass
class Leg:
    start_s: float
    end_s: float

    def at(self, t: np.ndarray, rng: np.random.Generator) -> Sample:
        raise NotImplementedError


@dataclass
class Transit(Leg):
    """Along a polyline (metres) at constant speed; ends at the last vertex."""

    path_m: np.ndarray

    @staticmethod
    def along(path_m: np.ndarray, start_s: float, speed_kn: float) -> Transit:
        length = float(np.linalg.norm(np.diff(path_m, axis=0), axis=1).sum())
        return Transit(start_s, start_s + length / (speed_kn * KNOT_MS), path_m)

    def at(self, t: np.ndarray, rng: np.random.Generator) -> Sample:
        seg = np.linalg.norm(np.diff(self.path_m, axis=0), axis=1)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        frac = np.clip((t - self.start_s) / max(self.end_s - self.start_s, 1e-9), 0, 1)
        d = frac * cum[-1]
        x = np.interp(d, cum, self.path_m[:, 0])
        y = np.interp(d, cum, self.path_m[:, 1])
        i = np.clip(np.searchsorted(cum, d, side="right") - 1, 0, len(seg) - 1)
        step = self.path_m[i + 1] - self.path_m[i]
        course = (np.degrees(np.arctan2(step[:, 0], step[:, 1])) + 360) % 360
        speed = np.full(len(t), cum[-1] / max(self.end_s - self.start_s, 1e-9) / KNOT_MS)
        return np.column_stack([x, y]), speed, course


@dataclass
class Drift(Leg):
    """Slow wandering around a point, under ``max_kn`` (loitering, transfers, fishing)."""

    centre_m: np.ndarray
    radius_m: float = 150.0
    max_kn: float = 1.2
    phase: float = 0.0
    period_s: float = 3 * 3600.0

    def at(self, t: np.ndarray, rng: np.random.Generator) -> Sample:
        period = self.period_s
        angle = self.phase + 2 * np.pi * (t - self.start_s) / period
        x = self.centre_m[0] + self.radius_m * np.cos(angle)
        y = self.centre_m[1] + self.radius_m * np.sin(angle)
        speed = np.full(len(t), min(self.max_kn, 2 * np.pi * self.radius_m / period / KNOT_MS))
        course = (-np.degrees(angle)) % 360  # counter-clockwise: heading is angle + 90 deg
        return np.column_stack([x, y]), speed + rng.uniform(0, 0.3, len(t)), course


@dataclass
class Still(Leg):
    """At anchor or alongside: a few metres of swing."""

    at_m: np.ndarray

    def at(self, t: np.ndarray, rng: np.random.Generator) -> Sample:
        xy = self.at_m + rng.normal(0, 5, size=(len(t), 2))
        return xy, rng.uniform(0, 0.2, len(t)), rng.uniform(0, 360, len(t))


def positions(legs: list[Leg], t: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Position (m), speed (kn) and course of a vessel following ``legs`` at times ``t``."""
    xy = np.full((len(t), 2), np.nan)
    sog, cog = np.full(len(t), np.nan), np.full(len(t), np.nan)
    for leg in legs:
        inside = (t >= leg.start_s) & (t < leg.end_s)
        if inside.any():
            xy[inside], sog[inside], cog[inside] = leg.at(t[inside], rng)
    return xy, sog, cog
