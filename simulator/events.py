"""The injected events, each with its ground truth record: STS transfers (one partner dark
or not), a landing, an AIS gap, loitering, a zone entry, identity anomalies (one MMSI in two
places, an impossible jump, one MMSI shared by two ships), watched vessels."""

from __future__ import annotations

import numpy as np

from simulator.builder import HOUR, Builder, Vessel
from simulator.motion import Drift, Still, Transit
from simulator.world import NM_M
from surveillance.errors import InputError

__all__ = ["Events"]


class Events(Builder):
    """The behaviours the rules look for, placed where they fit, recorded in ``truth``."""

    def sts(self, dark_partner: bool) -> None:
        hours = float(self.rng.uniform(2.5, 5.5))
        meet = self.offshore(15)
        t0 = self.start_s + float(self.rng.uniform(1, 3)) * HOUR
        t1 = t0 + hours * HOUR
        pair = []
        for side in (0, 1):
            come_from, leave_to = self.open_water(meet, 15_000, 45_000)
            inbound = self.approach(come_from, meet, 0, 11)
            inbound.start_s, inbound.end_s = t0 - (inbound.end_s - inbound.start_s), t0
            out = self.approach(meet, leave_to, t1, 11)
            drift = Drift(t0, t1, meet, 80 + 60 * side, phase=np.pi * side)
            pair.append(
                self.vessel(
                    [inbound, drift, out, self.sail_on(out)], ship_type=80, length_m=180, beam_m=30
                )
            )
        if dark_partner:
            pair[1].dark.append((t0 - 2 * HOUR, t1 + 2 * HOUR))
            self.record("dark_rendezvous", [pair[0]], t0, t1, meet, dark_mmsi=[pair[1].mmsi])
        else:
            self.record("sts_transfer", pair, t0, t1, meet)

    def landing(self) -> None:
        beach, sea = self.world.coast_point(15_000, self.receivers_m, 25 * NM_M)
        # night in Japan (UTC+9): 13:00-19:00 UTC is 22:00-04:00 local
        day0 = self.start_s - self.start_s % 86_400
        t_stop = day0 + 14 * HOUR + float(self.rng.uniform(0, 3)) * HOUR
        while t_stop < self.start_s + HOUR:
            t_stop += 86_400
        if t_stop + 2 * HOUR > self.end_s:
            raise InputError("no night inside the scenario's window for a landing")
        inbound = self.approach(sea, beach, 0, 18)
        inbound.start_s, inbound.end_s = t_stop - (inbound.end_s - inbound.start_s), t_stop
        stay = float(self.rng.uniform(20, 45)) * 60
        out = self.approach(beach, sea, t_stop + stay, 18)
        craft = self.vessel(
            [inbound, Still(t_stop, t_stop + stay, beach), out, self.sail_on(out)],
            ship_type=37,
            class_b=True,
            length_m=10,
            beam_m=3,
        )
        self.record("suspicious_landing", [craft], t_stop, t_stop + stay, beach, night=True)

    def gap(self, min_shore_nm: float = 15) -> None:
        """AIS off for 12.5-15 h while fishing ``min_shore_nm`` or more offshore."""
        a = self.offshore(min_shore_nm)
        b = a + self.rng.normal(0, 10_000, 2)
        leg = Transit.along(np.array([a, b]), self.start_s - HOUR, 3.0)
        off_from = self.start_s + 2 * HOUR
        off_to = off_from + float(self.rng.uniform(12.5, 15)) * HOUR
        vessel = self.vessel([leg, Drift(leg.end_s, self.end_s + HOUR, b, 500)], ship_type=30)
        vessel.dark.append((off_from, off_to))
        xy = leg.at(np.array([off_from]), self.rng)[0][0]
        self.record("ais_gap", [vessel], off_from, off_to, xy, suspected_disabling=True)

    def loiter(self) -> None:
        spot = self.offshore(24)
        t0 = self.start_s + HOUR
        t1 = t0 + float(self.rng.uniform(4.5, 7)) * HOUR
        come_from, leave_to = self.open_water(spot, 20_000, 50_000)
        inbound = self.approach(come_from, spot, 0, 12)
        inbound.start_s, inbound.end_s = t0 - (inbound.end_s - inbound.start_s), t0
        out = self.approach(spot, leave_to, t1, 12)
        vessel = self.vessel(
            [inbound, Drift(t0, t1, spot, 300), out, self.sail_on(out)], ship_type=70
        )
        self.record("loitering", [vessel], t0, t1, spot)

    def zone_entry(self) -> None:
        for _ in range(50):  # from the open sea (beyond the 12 nm of every island) inwards
            inside = self.world.sea_point(4 * NM_M, 8 * NM_M, 10_000, self.receivers_m, 20 * NM_M)
            far = self.world.sea_point(30 * NM_M, 45 * NM_M)
            direction = (inside - far) / np.linalg.norm(inside - far)
            outside = inside - 25 * NM_M * direction
            if self.world.distance_to_land_m(outside)[0] > 14 * NM_M:
                break
        else:
            raise InputError("no open sea 25 nm off a covered coast for a zone entry")
        t0 = self.start_s + HOUR
        leg = Transit.along(np.array([outside, inside, outside]), t0, 10)
        vessel = self.vessel([leg, self.sail_on(leg)], ship_type=70, mid=445)
        # when it crosses 12 nm: first report with distance to land under 12 nm
        t = np.arange(leg.start_s, leg.end_s, 30.0)
        xy = leg.at(t, self.rng)[0]
        inside_mask = self.world.distance_to_land_m(xy) < 12 * NM_M
        enter = float(t[np.argmax(inside_mask)])
        leave = float(t[len(t) - 1 - np.argmax(inside_mask[::-1])])
        self.record(
            "zone_entry",
            [vessel],
            enter,
            leave,
            xy[np.argmax(inside_mask)],
            zone="territorial_sea",
            flag="KP",
        )

    def identity(self) -> None:
        a = self.offshore(10)
        for _ in range(50):
            b = self.offshore(10)
            if np.linalg.norm(a - b) >= 150_000:
                break
        else:
            raise InputError("no two covered places 150 km apart for an MMSI in two places")
        t0 = self.start_s + HOUR
        here = Transit.along(self.sea_leg(a, 20_000), t0, 12)
        t1 = here.end_s
        first = self.vessel([here, self.sail_on(here)], ship_type=70)
        twin = Vessel(first.mmsi, first.name, 70, [Transit.along(self.sea_leg(b, 20_000), t0, 12)])
        self.vessels.append(twin)
        self.record("identity_anomaly", [first], t0, t1, a, kind="mmsi_in_two_places")

    def shared_mmsi(self) -> None:
        """Two ships, far apart, that both transmit one MMSI all day, each with its own
        static data (name, call sign, IMO): common in real traffic (a copied or mistyped
        MMSI), and an identity anomaly."""
        a = self.offshore(15)
        for _ in range(50):
            b = self.offshore(15)
            if np.linalg.norm(a - b) >= 100_000:
                break
        else:
            raise InputError("no two covered places 100 km apart for a shared MMSI")
        first = self.vessel([self.busy(self.start_s, a)], ship_type=70)
        twin = Vessel(
            first.mmsi,
            self.name(),
            70,
            [self.busy(self.start_s, b)],
            imo=9_500_000 + first.mmsi % 99_999,
            callsign=f"K{first.mmsi % 100000}",
        )
        self.vessels.append(twin)
        self.record(
            "identity_anomaly",
            [first],
            self.start_s,
            self.end_s,
            a,
            kind="shared_mmsi",
            names=[first.name, twin.name],
        )

    def jump(self) -> None:
        t0 = self.start_s + HOUR
        c = self.offshore(10)
        leg = Transit.along(self.sea_leg(c, 30_000), t0, 14)
        jumper = self.vessel([leg, self.sail_on(leg)], ship_type=80)
        when = t0 + 0.5 * HOUR  # still well inside the receiver's range
        jumper.jumps.append((when, when + 60, np.array([120_000.0, 0.0])))
        jump_at = leg.at(np.array([when]), self.rng)[0][0]
        self.record("identity_anomaly", [jumper], when, when + 60, jump_at, kind="impossible_jump")

    def watched(self) -> None:
        """Two vessels of interest about all day, on the watchlist the scenario comes with:
        one by call sign, one by its name spelled differently."""
        for kind in ("callsign", "name"):
            spot = self.offshore(15)  # beyond the territorial sea: no zone entry
            vessel = self.vessel([self.busy(self.start_s, spot)], ship_type=70)
            value = (
                f"J{vessel.mmsi % 100000}" if kind == "callsign" else vessel.name.replace(" ", "-")
            )
            self.watchlist.append({"kind": kind, "value": value, "note": "simulated lead"})
            self.record("watchlist", [vessel], self.start_s, self.end_s, spot, entry=value)
