"""The harder day's look-alikes, which must raise no alert: pair trawlers (slow and close
for hours, like an STS transfer), ships crossing a stretch of sea no receiver hears (silent
for hours, like a vessel gone dark), and sparse traffic far offshore, at the edge of the
receivers' range."""

from __future__ import annotations

import numpy as np

from simulator.builder import HOUR, Builder, along_path
from simulator.motion import Drift, Leg, Transit
from surveillance.geodesy import KNOT_MS

__all__ = ["Lookalikes"]

#: A hole crossing is silent at least this long: longer than ``ais_gap``'s 6 h minimum.
HOLE_MIN_SILENT_HOURS = 6.5
HOLE_MAX_SILENT_HOURS = 10.0  # unless the hole is too wide for that at 14 kn
_TOW_KNOTS = (2.5, 3.5)  # pair trawling speed
_TOW_APART_M = 300.0  # the two boats either side of the net
_HAUL_HOURS = (2.2, 3.0)  # nearly stopped, side by side, hauling the net


class Lookalikes(Builder):
    """Confounders of the harder day, each named in ``lookalikes`` of the truth."""

    def pair_trawlers(self, pairs: int) -> None:
        """Two fishing vessels towing one net in parallel at ~3 kn, 300 m apart, then
        nearly stopped side by side for 2-3 h while hauling, all day: by distance, speed
        and time an STS encounter, but pair trawling (Global Fishing Watch leaves
        encounters between two fishing vessels out for this reason)."""
        for _ in range(pairs):
            ground = self.offshore(12)
            heading = float(self.rng.uniform(0, 2 * np.pi))
            kn = float(self.rng.uniform(*_TOW_KNOTS))
            legs: tuple[list[Leg], list[Leg]] = ([], [])
            t, here = self.start_s - HOUR, ground
            hauls = []
            while t < self.end_s + HOUR:
                ahead = np.array([np.cos(heading), np.sin(heading)])
                across = np.array([-ahead[1], ahead[0]]) * _TOW_APART_M / 2
                there = here + ahead * kn * KNOT_MS * float(self.rng.uniform(2.5, 3.5)) * HOUR
                haul_s = float(self.rng.uniform(*_HAUL_HOURS)) * HOUR
                for side, sign in enumerate((1.0, -1.0)):
                    tow = Transit.along(np.array([here, there]) + sign * across, t, kn)
                    haul = Drift(
                        tow.end_s,
                        tow.end_s + haul_s,
                        there + sign * across / 2,
                        60,
                        max_kn=0.8,
                        phase=np.pi * side,
                    )
                    legs[side].extend([tow, haul])
                hauls.append((haul.start_s, haul.end_s))
                t, here = haul.end_s, there
                heading += np.pi + float(self.rng.uniform(-0.4, 0.4))  # back over the ground
            pair = [self.vessel(own, ship_type=30, length_m=35, beam_m=8) for own in legs]
            for start, end in hauls:
                if start < self.end_s and end > self.start_s:
                    self.record_lookalike("pair_trawling", "sts_transfer", pair, start, end, ground)

    def hole_crossings(self, count: int, starts: int = 60) -> None:
        """Ships crossing, in a straight line at sea, a stretch that no receiver hears, slow
        enough to be silent there for 6.5 h or more, heard before and after: not a vessel
        gone dark. Ways are tried in 16 directions from each of up to ``starts`` places,
        one crossing per place."""
        made = 0
        for _ in range(starts):
            if made == count:
                return
            start = self.offshore(8)
            first = float(self.rng.uniform(0, 2 * np.pi))
            made += any(self._cross(start, first + k * np.pi / 8) for k in range(16))

    def _cross(self, start_m: np.ndarray, angle: float) -> bool:
        """A ship crossing the widest hole on the way from ``start_m`` (False: none fits)."""
        way = np.array([start_m, start_m + 400_000 * np.array([np.cos(angle), np.sin(angle)])])
        hole = self._longest_hole(way)
        if hole is None:
            return False
        enter_m, leave_m = hole
        fastest = min(14.0, (leave_m - enter_m) / (HOLE_MIN_SILENT_HOURS * HOUR) / KNOT_MS)
        if fastest < 7.0:
            return False  # the hole is too short to be silent that long at a ship's speed
        slowest = max(7.0, (leave_m - enter_m) / (HOLE_MAX_SILENT_HOURS * HOUR) / KNOT_MS)
        kn = float(self.rng.uniform(min(slowest, fastest), fastest))
        silent_s = (leave_m - enter_m) / (kn * KNOT_MS)
        latest = self.end_s - silent_s - 1.5 * HOUR
        if latest <= self.start_s + HOUR:
            return False
        enter_s = float(self.rng.uniform(self.start_s + HOUR, latest))
        end_m = way[0] + (way[1] - way[0]) * min(1.0, (leave_m + 20_000) / 400_000)
        leg = Transit.along(np.array([way[0], end_m]), enter_s - enter_m / (kn * KNOT_MS), kn)
        ship = self.vessel([leg, self.sail_on(leg)], ship_type=int(self.rng.choice([70, 80])))
        at = leg.at(np.array([enter_s]), self.rng)[0]
        self.record_lookalike(
            "coverage_hole",
            "ais_gap",
            [ship],
            enter_s,
            enter_s + silent_s,
            at,
            silent_h=silent_s / HOUR,
        )
        return True

    def _longest_hole(self, way: np.ndarray) -> tuple[float, float] | None:
        """Where (metres along a straight way) its longest unheard stretch begins and ends
        (its first and last unheard points, 1 km apart or more), when the way is heard on
        both sides of it and stays at sea, inside the area, up to its end."""
        d, xy = along_path(way, 1000.0)
        heard = self.heard(xy)
        change = np.flatnonzero(np.diff(heard.astype(np.int8)))  # heard[k] != heard[k + 1]
        falls, rises = change[heard[change]], change[~heard[change]]
        rises = rises[rises > falls[0]] if len(falls) else rises[:0]
        spans = [(f + 1, r) for f, r in zip(falls, rises, strict=False)]
        if not spans:
            return None
        enter, leave = max(spans, key=lambda span: span[1] - span[0])
        upto = slice(0, min(len(d), leave + 20))
        if self.world.on_land(xy[upto]).any() or not self.world.inside(xy[upto]).all():
            return None
        return float(d[enter]), float(d[leave])

    def offshore_traffic(self, count: int) -> None:
        """A few ships 22 nm or more offshore, where few others are heard: a straight
        passage at 10-14 kn, then under way nearby until the end of the day."""
        for _ in range(count):
            start = self.offshore(22)
            leg = Transit.along(
                self.sea_leg(start, 120_000),
                self.start_s + float(self.rng.uniform(0, 12)) * HOUR,
                float(self.rng.uniform(10, 14)),
            )
            self.vessel([leg, self.sail_on(leg)], ship_type=int(self.rng.choice([70, 80])))
