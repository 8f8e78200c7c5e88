"""A scenario: background traffic, injected events with ground truth, and confounders.

Events (each with its truth record: type, vessels, start, end, location):
``sts_transfer`` (two tankers drifting together offshore for 2-6 h), ``dark_rendezvous``
(the same with one partner's AIS off), ``suspicious_landing`` (a small craft stopping off a
beach outside every port at night), ``ais_gap`` (AIS off offshore for 12-16 h),
``loitering``, ``zone_entry`` (a DPRK-flagged vessel, MID 445, entering the territorial
sea), ``identity_anomaly`` (one MMSI in two places; an impossible jump) and ``watchlist``
(two vessels on the watchlist the scenario writes beside its feed).
Confounders, which must raise no alert: ships moored together in port, tugs and pilots
alongside ships near ports, fishing vessels slow offshore but apart, ships passing at
300 m and 12 kn, a crowded anchorage, a ferry calling at ports on schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import searoute

from simulator.motion import Drift, Leg, Still, Transit
from simulator.world import NM_M, World
from surveillance.errors import InputError
from surveillance.geodesy import KNOT_MS

__all__ = ["Vessel", "Scenario", "build_scenario"]

log = logging.getLogger(__name__)

HOUR = 3600.0
# ship types (ITU): 30 fishing, 31 towing, 36 sailing, 37 pleasure, 50 pilot, 52 tug,
# 60 passenger, 70 cargo, 80 tanker
_NAMES = ("MARU", "STAR", "OCEAN", "PACIFIC", "EAST", "NORTH", "GLORY", "SPIRIT", "WAVE", "PEARL")


@dataclass
class Vessel:
    mmsi: int
    name: str
    ship_type: int
    legs: list[Leg]
    class_b: bool = False
    length_m: int = 120
    beam_m: int = 20
    dark: list[tuple[float, float]] = field(default_factory=list)  # AIS off
    jumps: list[tuple[float, float, np.ndarray]] = field(default_factory=list)  # spoofed


@dataclass
class Scenario:
    start_s: float
    end_s: float
    vessels: list[Vessel]
    truth: list[dict[str, Any]]
    receivers_m: np.ndarray
    receiver_names: list[str]
    skipped_events: list[str] = field(default_factory=list)
    watchlist: list[dict[str, str]] = field(default_factory=list)  # kind, value, note


class _Builder:
    def __init__(self, world: World, start_s: float, hours: float) -> None:
        self.world, self.rng = world, world.rng
        self.start_s, self.end_s = start_s, start_s + hours * HOUR
        self.vessels: list[Vessel] = []
        self.truth: list[dict[str, Any]] = []
        self.watchlist: list[dict[str, str]] = []
        self._serial = 0
        self._routes: dict[tuple[int, int], np.ndarray | None] = {}
        self.receivers_m = self._receivers()

    def _receivers(self, count: int = 14) -> np.ndarray:
        """Coastal receivers spread along the coast (farthest-point choice among ports)."""
        xy = self.world.port_xy
        chosen = [int(self.rng.integers(len(xy)))]
        for _ in range(min(count, len(xy)) - 1):
            gap = np.min(np.linalg.norm(xy[:, None] - xy[chosen][None], axis=2), axis=1)
            chosen.append(int(np.argmax(gap)))
        for first in chosen[:6]:  # neighbours whose ranges overlap: duplicates on the feed
            apart = np.linalg.norm(xy - xy[first], axis=1)
            near = np.flatnonzero((apart > 15_000) & (apart < 60_000))
            if len(near):
                chosen.append(int(near[0]))
        return xy[chosen]

    def mmsi(self, mid: int = 431) -> int:
        self._serial += 1
        return mid * 1_000_000 + 100_000 + self._serial

    def name(self) -> str:
        return f"{self.rng.choice(_NAMES)} {self._serial:04d}"

    def vessel(self, legs: list[Leg], ship_type: int = 70, mid: int = 431, **kw: Any) -> Vessel:
        vessel = Vessel(self.mmsi(mid), self.name(), ship_type, legs, **kw)
        self.vessels.append(vessel)
        return vessel

    def record(
        self,
        event: str,
        vessels: list[Vessel],
        start: float,
        end: float,
        at_m: np.ndarray,
        **extra: Any,
    ) -> None:
        lon, lat = self.world.lonlat(at_m)
        self.truth.append(
            {
                "type": event,
                "mmsi": [v.mmsi for v in vessels],
                "start": start,
                "end": end,
                "lon": float(lon[0]),
                "lat": float(lat[0]),
                **extra,
            }
        )

    # -- places and paths --------------------------------------------------------------

    def offshore(self, min_shore_nm: float, min_port_km: float = 20.0) -> np.ndarray:
        """A point at sea, well inside the coverage of some receiver."""
        return self.world.sea_point(
            min_shore_nm * NM_M,
            (min_shore_nm + 15) * NM_M,
            min_port_km * 1000,
            self.receivers_m,
            30 * NM_M,
        )

    def route(self, a: int, b: int) -> np.ndarray | None:
        """Sea-lane path (metres) between two ports, from searoute's network; None when
        the coarse network cuts across land away from the two ports."""
        if (a, b) not in self._routes:
            pa, pb = self.world.ports.geometry.iloc[a], self.world.ports.geometry.iloc[b]
            line = searoute.searoute([pa.x, pa.y], [pb.x, pb.y])["geometry"]["coordinates"]
            coords = np.array([[pa.x, pa.y], *line, [pb.x, pb.y]])
            path = self.world.metres(coords[:, 0], coords[:, 1])
            self._routes[(a, b)] = path if self._at_sea(path, 5_000) else None
        return self._routes[(a, b)]

    def _at_sea(self, path: np.ndarray, port_margin_m: float = 0.0) -> bool:
        """Whether a path (sampled every 2 km) stays off land, except near its two ends."""
        seg = np.linalg.norm(np.diff(path, axis=0), axis=1)
        cum = np.concatenate(([0.0], np.cumsum(seg)))
        d = np.arange(port_margin_m, cum[-1] - port_margin_m, 2000.0)
        if not len(d):
            return True
        xy = np.column_stack([np.interp(d, cum, path[:, 0]), np.interp(d, cum, path[:, 1])])
        return not self.world.on_land(xy).any()

    def sea_leg(self, start_m: np.ndarray, length_m: float) -> np.ndarray:
        """A straight leg from a point at sea that stays 1 nm off land, in some direction."""
        for _ in range(36):
            angle = self.rng.uniform(0, 2 * np.pi)
            end = start_m + length_m * np.array([np.cos(angle), np.sin(angle)])
            way = start_m + np.linspace(0, 1, 30)[:, None] * (end - start_m)
            if (self.world.distance_to_land_m(way) > NM_M).all():
                return np.array([start_m, end])
        raise InputError("no open water for a straight leg")

    def approach(self, from_m: np.ndarray, to_m: np.ndarray, start: float, kn: float) -> Transit:
        return Transit.along(np.array([from_m, to_m]), start, kn)

    def sail_on(self, leg: Transit) -> Drift:
        """After an event, keep the vessel busy at sea (circling at 9 kn) until the end, so
        that no track ends at sea for nothing: real ones end in port or out of range."""
        return Drift(
            leg.end_s, self.end_s + HOUR, leg.path_m[-1], 2500, max_kn=9.0, period_s=1800.0
        )

    # -- background traffic ------------------------------------------------------------

    def transits(self, count: int) -> None:
        n_ports = len(self.world.ports)
        for _ in range(count):
            for _ in range(20):
                a, b = self.rng.choice(n_ports, size=2, replace=False)
                lane = self.route(int(a), int(b))
                if lane is not None:
                    break
            else:
                continue
            path = lane + self.rng.normal(0, 300, size=2)
            kn = float(self.rng.uniform(10, 16))
            leg = Transit.along(path, 0.0, kn)
            offset = self.rng.uniform(-(leg.end_s - leg.start_s), self.end_s - self.start_s)
            leg.start_s += self.start_s + offset
            leg.end_s += self.start_s + offset
            berth = Still(leg.end_s, self.end_s + HOUR, path[-1])
            self.vessel([leg, berth], ship_type=int(self.rng.choice([70, 80, 60])))

    def anchorage(self, count: int) -> None:
        """A crowded anchorage off one port (confounder: many still ships close together)."""
        _, port = self.world.port()
        centre = port + self.rng.normal(0, 2500, 2)
        for _ in range(count):
            spot = centre + self.rng.normal(0, 400, 2)
            self.vessel([Still(self.start_s - HOUR, self.end_s + HOUR, spot)], ship_type=70)

    def fishing_fleets(self, count: int) -> None:
        """Boats trawling in groups on offshore grounds, at about 3 kn, a few km apart."""
        for start in range(0, count, 6):
            ground = self.offshore(12)
            for k in range(min(6, count - start)):
                spot = ground + np.array([2500.0 * k, 1800.0 * (k % 3)])
                self.vessel(
                    [
                        Drift(
                            self.start_s - HOUR,
                            self.end_s + HOUR,
                            spot,
                            500,
                            max_kn=4.0,
                            phase=float(k),
                            period_s=1800.0,
                        )
                    ],
                    ship_type=30,
                    length_m=25,
                    beam_m=7,
                )

    def small_craft(self, count: int) -> None:
        for _ in range(count):
            _, port = self.world.port()
            out = self._harbour_spot(port)
            t0 = self.start_s + float(self.rng.uniform(0, max(1.0, self.end_s - self.start_s)))
            go = self.approach(port, out, t0, 8)
            back = self.approach(out, port, go.end_s + HOUR, 8)
            self.vessel(
                [
                    Still(self.start_s - HOUR, t0, port),
                    go,
                    Drift(go.end_s, back.start_s, out, 200),
                    back,
                    Still(back.end_s, self.end_s + HOUR, port),
                ],
                ship_type=37,
                class_b=True,
                length_m=9,
                beam_m=3,
            )

    def _harbour_spot(self, port: np.ndarray) -> np.ndarray:
        """A spot a few km off a port that a boat reaches by water (the port when none)."""
        for _ in range(20):
            out = port + self.rng.normal(0, 4000, 2)
            way = port + np.linspace(0, 1, 40)[:, None] * (out - port)
            beyond_port = np.linalg.norm(way - port, axis=1) > 3000
            if (self.world.distance_to_land_m(way[beyond_port]) > 200).all() and (
                self.world.distance_to_land_m(out)[0] > 200
            ):
                return out
        return port

    # -- events ------------------------------------------------------------------------

    def sts(self, dark_partner: bool) -> None:
        hours = float(self.rng.uniform(2.5, 5.5))
        meet = self.offshore(15)
        t0 = self.start_s + float(self.rng.uniform(1, 3)) * HOUR
        t1 = t0 + hours * HOUR
        pair = []
        for side in (0, 1):
            come_from = meet + self.rng.normal(0, 25_000, 2)
            leave_to = meet + self.rng.normal(0, 25_000, 2)
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

    def gap(self) -> None:
        a = self.offshore(15)
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
        inbound = self.approach(spot + self.rng.normal(0, 30_000, 2), spot, 0, 12)
        inbound.start_s, inbound.end_s = t0 - (inbound.end_s - inbound.start_s), t0
        out = self.approach(spot, spot + self.rng.normal(0, 30_000, 2), t1, 12)
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
            busy = Drift(self.start_s, self.end_s + HOUR, spot, 2500, max_kn=9.0, period_s=1800.0)
            vessel = self.vessel([busy], ship_type=70)
            value = (
                f"J{vessel.mmsi % 100000}" if kind == "callsign" else vessel.name.replace(" ", "-")
            )
            self.watchlist.append({"kind": kind, "value": value, "note": "simulated lead"})
            self.record("watchlist", [vessel], self.start_s, self.end_s, spot, entry=value)

    # -- confounders -------------------------------------------------------------------

    def confounders(self) -> None:
        _, port = self.world.port()
        for k in range(2):  # moored together in port, for hours
            self.vessel(
                [Still(self.start_s - HOUR, self.end_s + HOUR, port + [30.0 * k, 0])], ship_type=80
            )
        _, port2 = self.world.port()
        lane = np.array([port2 + [6000, 6000], port2 + [500, 500]])
        ship = Transit.along(lane, self.start_s + HOUR, 4)
        tug = Transit.along(lane + 40, self.start_s + HOUR, 4)
        self.vessel([ship], ship_type=70)
        self.vessel([tug], ship_type=52, length_m=30, beam_m=10)
        ground = self.offshore(15)
        for k in range(4):  # fishing: slow offshore but kilometres apart
            spot = ground + np.array([3000.0 * k, 2500.0 * (k % 2)])
            self.vessel(
                [Drift(self.start_s - HOUR, self.end_s + HOUR, spot, 600, max_kn=1.5)],
                ship_type=30,
                length_m=25,
                beam_m=7,
            )
        cross = self.offshore(12)
        t_meet = self.start_s + 2 * HOUR
        for sign in (1, -1):  # passing at 300 m, 12 kn
            start = cross + np.array([-sign * 12 * KNOT_MS * 1800, sign * 150.0])
            end = cross + np.array([sign * 12 * KNOT_MS * 1800, sign * 150.0])
            passing = Transit(t_meet - 1800, t_meet + 1800, np.array([start, end]))
            self.vessel([passing, self.sail_on(passing)], ship_type=70)
        for _ in range(20):  # a ferry with scheduled stops, on a lane that stays at sea
            a, b = (int(i) for i in self.rng.choice(len(self.world.ports), 2, replace=False))
            there, back = self.route(a, b), self.route(b, a)
            if there is not None and back is not None:
                break
        else:
            return
        legs: list[Leg] = []
        t = self.start_s
        for k in range(6):
            path = there if k % 2 == 0 else back
            leg = Transit.along(path, t, 18)
            legs += [leg, Still(leg.end_s, leg.end_s + 0.5 * HOUR, path[-1])]
            t = leg.end_s + 0.5 * HOUR
        self.vessel(legs, ship_type=60, length_m=150, beam_m=25)


def build_scenario(world: World, start_s: float, hours: float, vessels: int) -> Scenario:
    """Background traffic of ``vessels`` ships plus every event that fits in ``hours``."""
    if len(world.ports) < 2:
        raise InputError(
            f"the area of operations has {len(world.ports)} coastal port(s); the simulator "
            "needs two or more",
            hint="widen aoi_bbox_deg",
        )
    b = _Builder(world, start_s, hours)
    b.transits(int(vessels * 0.5))
    b.anchorage(max(3, int(vessels * 0.15)))
    b.fishing_fleets(int(vessels * 0.1))
    b.small_craft(int(vessels * 0.15))
    b.confounders()
    events: list[tuple[str, Callable[[], None]]] = []
    if hours >= 10:
        events += [
            ("sts_transfer", lambda: b.sts(dark_partner=False)),
            ("dark_rendezvous", lambda: b.sts(dark_partner=True)),
            ("loitering", b.loiter),
            ("zone_entry", b.zone_entry),
            ("identity_anomaly", b.identity),
            ("identity_anomaly", b.jump),
        ]
    if hours >= 20:
        events += [("suspicious_landing", b.landing), ("ais_gap", b.gap), ("watchlist", b.watched)]
    skipped = []
    for name, inject in events:
        try:
            inject()
        except InputError as exc:  # a small area may have no room for an event
            log.warning("no %s in this scenario: %s", name, exc)
            skipped.append(name)
    names = [f"rx{k:02d}" for k in range(len(b.receivers_m))]
    return Scenario(
        start_s, b.end_s, b.vessels, b.truth, b.receivers_m, names, skipped, b.watchlist
    )
