"""The harder day's look-alikes, which must raise no alert: pair trawlers (slow and close
for hours, like an STS transfer), ships whose lane crosses a stretch no receiver hears
(silent for hours, like a vessel gone dark), and sparse traffic far offshore, at the edge
of the receivers' range."""

from __future__ import annotations

import numpy as np

from simulator.builder import HOUR, Builder, along_path
from simulator.motion import Drift, Leg, Still, Transit
from surveillance.geodesy import KNOT_MS

__all__ = ["Lookalikes"]

#: A hole crossing is silent at least this long: longer than ``ais_gap``'s 6 h minimum.
HOLE_MIN_SILENT_HOURS = 6.5
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
                    self.record_lookalike("pair_trawling", pair, start, end, ground)

    def hole_crossings(self, count: int, tries: int = 60) -> None:
        """Ships on a sea lane through a stretch that no receiver hears, slow enough to be
        silent there for 6.5 h or more, heard before and after: not a vessel gone dark."""
        made = 0
        for _ in range(tries):
            if made == count:
                return
            a, b = (int(i) for i in self.rng.choice(len(self.world.ports), 2, replace=False))
            lane = self.route(a, b)
            hole = None if lane is None else self._longest_hole(lane)
            if lane is None or hole is None:
                continue
            enter_m, leave_m = hole
            kn = min(14.0, (leave_m - enter_m) / (HOLE_MIN_SILENT_HOURS * HOUR) / KNOT_MS)
            if kn < 7.0:
                continue  # the hole is too short to be silent that long at a ship's speed
            silent_s = (leave_m - enter_m) / (kn * KNOT_MS)
            latest = self.end_s - silent_s - 1.5 * HOUR
            if latest <= self.start_s + HOUR:
                continue
            enter_s = float(self.rng.uniform(self.start_s + HOUR, latest))
            leg = Transit.along(lane, enter_s - enter_m / (kn * KNOT_MS), kn)
            ship = self.vessel([leg, Still(leg.end_s, self.end_s + HOUR, lane[-1])], ship_type=70)
            at = leg.at(np.array([enter_s]), self.rng)[0]
            self.record_lookalike(
                "coverage_hole", [ship], enter_s, enter_s + silent_s, at, silent_h=silent_s / HOUR
            )
            made += 1

    def _longest_hole(self, lane: np.ndarray) -> tuple[float, float] | None:
        """Where (metres along the lane) its longest unheard stretch begins and ends, when
        the lane is heard on both sides of it."""
        d, xy = along_path(lane, 1000.0)
        heard = self.heard(xy)
        change = np.flatnonzero(np.diff(heard.astype(np.int8)))  # heard[k] != heard[k + 1]
        falls, rises = change[heard[change]], change[~heard[change]]
        rises = rises[rises > falls[0]] if len(falls) else rises[:0]
        spans = [(d[f], d[r + 1]) for f, r in zip(falls, rises, strict=False)]
        return max(spans, key=lambda span: span[1] - span[0]) if spans else None

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
