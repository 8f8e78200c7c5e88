"""A fast fleet generator for big stores: numpy tracks of N vessels over D days, loaded day
by day through the store's bulk position loader (binary COPY), with a progress line.

NMEA simulation and decoding cannot reach hundreds of millions of positions; this skips
both. The vessels move with the simulator's own legs (:mod:`simulator.motion`) on its
world (land, ports, searoute lanes): 65 % ply a sea lane between two ports back and forth
at 10-16 kn with a few hours at each berth, 20 % trawl in fleets offshore, 15 % lie at
anchorages off ten ports. Each day gets the simulator's own events (:mod:`simulator.events`),
one set per 2,000 vessels (at least one): an STS pair, a loiterer and a 12-15 h AIS gap, in
places 30 km apart where there is room, so the rules have work. Every vessel
reports every ``interval_s`` (with a random phase), ~10 m of noise; a report is
credited to the nearest coastal receiver within 40 nm, else to ``sat`` (satellite AIS).
One day is generated at a time, in chunks of vessels: memory stays flat over a month.
Each day's partition is indexed and attached when the day is loaded.

Sizes: a month of 5,000 vessels at 60 s is 216 M rows (~25+ GB with indexes; at the
50,000-110,000 rows/s loaded here, one to two hours); the default below is the quick
check. Printed: rows, generation and load rates (rows/s, the load being encode + COPY +
index + attach) and their ratio, the planted events.

    .venv/bin/python -m bench.fleet [--vessels 2000] [--days 2] [--interval-s 60]
    .venv/bin/python -m bench.fleet --vessels 5000 --days 30 --interval-s 60   # full size
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
import psutil
from scipy.spatial import cKDTree

from bench.scratch_store import scratch_store
from simulator.builder import HOUR, RANGE_M, Vessel
from simulator.events import Events
from simulator.motion import Leg, Still, Transit, positions
from simulator.traffic import Traffic
from simulator.world import World
from surveillance.reference import area_of_operations, load_geography
from surveillance.settings import Settings
from surveillance.store import Store

__all__ = ["Fleet", "FleetLoad", "load_fleet", "DEFAULT_START"]

DAY_S = 86_400.0
DEFAULT_START = datetime(2026, 11, 1, tzinfo=UTC)
SATELLITE = "sat"
_LANES = 80  # distinct port-to-port lanes the lane traffic shares
_ANCHORAGES = 10
#: A day gets one set of events (STS pair, loiterer, AIS gap) per this many vessels
VESSELS_PER_EVENT_SET = 2000


class _Planner(Traffic, Events):
    """The simulator's builder with the fleet's receivers and one MMSI series for every
    day (each day's events get a planner of their own)."""

    def __init__(
        self,
        world: World,
        start_s: float,
        hours: float,
        serial: Iterator[int],
        receivers_m: np.ndarray | None = None,
    ) -> None:
        self._serials, self._fixed_receivers = serial, receivers_m
        super().__init__(world, start_s, hours)

    def _receivers(self, count: int = 14) -> np.ndarray:
        if self._fixed_receivers is None:
            return super()._receivers(count)
        return self._fixed_receivers

    def mmsi(self, mid: int = 431) -> int:
        return mid * 1_000_000 + 100_000 + next(self._serials)

    def lanes(self, count: int) -> None:
        """Ships plying port-to-port lanes back and forth over the whole span."""
        routes = self._lanes(_LANES)
        for _ in range(count):
            path = routes[int(self.rng.integers(len(routes)))] + self.rng.normal(0, 300, 2)
            kn = float(self.rng.uniform(10, 16))
            berth_s = float(self.rng.uniform(2, 8)) * HOUR
            legs: list[Leg] = []
            t = self.start_s - float(self.rng.uniform(0, 2 * DAY_S))
            while t < self.end_s + HOUR:
                leg = Transit.along(path, t, kn)
                legs += [leg, Still(leg.end_s, leg.end_s + berth_s, path[-1])]
                t, path = leg.end_s + berth_s, path[::-1]
            self.vessel(legs, ship_type=int(self.rng.choice([70, 80, 60])))

    def anchorages(self, count: int, places: int) -> None:
        """Ships at anchor a few hundred metres apart off ``places`` ports, 1.5-4 km from
        the shore (the simulator's one anchorage may fall on land: a port's spot is)."""
        for k in range(places):
            centre = self.world.sea_point(1500, 4000, 0, self.world.port_xy, 6000)
            for _ in range(count // places + (k < count % places)):
                spot = centre + self.rng.normal(0, 300, 2)
                self.vessel([Still(self.start_s - HOUR, self.end_s + HOUR, spot)], ship_type=70)

    def _lanes(self, count: int) -> list[np.ndarray]:
        found: list[np.ndarray] = []
        for _ in range(count * 4):
            a, b = self.rng.choice(len(self.world.ports), size=2, replace=False)
            lane = self.route(int(a), int(b))
            if lane is not None:
                found.append(lane)
            if len(found) == count:
                break
        if not found:
            raise RuntimeError("no sea lane between the area's ports")
        return found

    def plant_day(self) -> None:
        """The day's events: an STS pair, a loiterer, an AIS gap."""
        self.sts(dark_partner=False)
        self.loiter()
        self.gap()


@dataclass
class _Track:
    """A vessel's legs and the span they cover (quick to skip on other days)."""

    vessel: Vessel
    start_s: float
    end_s: float

    @staticmethod
    def of(vessel: Vessel) -> _Track:
        return _Track(
            vessel, min(leg.start_s for leg in vessel.legs), max(leg.end_s for leg in vessel.legs)
        )


class Fleet:
    """N vessels' schedules over D days on the area's real coast; positions day by day."""

    def __init__(
        self,
        settings: Settings,
        vessels: int,
        days: int,
        start: datetime = DEFAULT_START,
        interval_s: float = 60.0,
        seed: int = 7,
    ) -> None:
        self.rng = np.random.default_rng(seed)
        self.world = World(area_of_operations(settings), self.rng)
        self.start_s, self.days, self.interval_s = start.timestamp(), days, interval_s
        serial = itertools.count(1)
        plan = _Planner(self.world, self.start_s, days * 24.0, serial)
        plan.lanes(int(vessels * 0.65))
        plan.fishing_fleets(int(vessels * 0.2))
        plan.anchorages(vessels - int(vessels * 0.65) - int(vessels * 0.2), _ANCHORAGES)
        self.receivers_m = plan.receivers_m
        self.truth: list[dict[str, Any]] = []
        everyone = list(plan.vessels)
        for day in range(days):
            events = _Planner(
                self.world, self.start_s + day * DAY_S, 24.0, serial, self.receivers_m
            )
            for _ in range(max(1, vessels // VESSELS_PER_EVENT_SET)):
                events.plant_day()
            everyone += events.vessels
            self.truth += events.truth
        self.tracks = [_Track.of(v) for v in everyone]
        self._receiver_tree = cKDTree(self.receivers_m)
        names = [f"rx{k:02d}" for k in range(len(self.receivers_m))]
        self._stations = pd.Index([*names, SATELLITE])

    @property
    def vessels(self) -> list[Vessel]:
        return [track.vessel for track in self.tracks]

    def identities(self) -> pd.DataFrame:
        """Every vessel's static data, as sent at the start (for ``Store.write_identities``)."""
        vessels = self.vessels
        return pd.DataFrame(
            {
                "mmsi": [v.mmsi for v in vessels],
                "ts": pd.Timestamp(self.start_s, unit="s", tz="UTC"),
                "name": [v.name for v in vessels],
                "callsign": [v.callsign or f"J{v.mmsi % 100000}" for v in vessels],
                "imo": [v.imo or 9_000_000 + v.mmsi % 999_999 for v in vessels],
                "ship_type": [v.ship_type for v in vessels],
                "length_m": [v.length_m for v in vessels],
                "beam_m": [v.beam_m for v in vessels],
            }
        )

    def day(self, index: int, chunk_vessels: int = 2000) -> Iterator[pd.DataFrame]:
        """Day ``index``'s positions, a chunk of vessels at a time (loader-ready frames)."""
        t0 = self.start_s + index * DAY_S
        active = [tr for tr in self.tracks if tr.start_s < t0 + DAY_S and tr.end_s > t0]
        for first in range(0, len(active), chunk_vessels):
            yield self._positions(active[first : first + chunk_vessels], t0)

    def _positions(self, tracks: list[_Track], t0: float) -> pd.DataFrame:
        columns: list[tuple[np.ndarray, ...]] = []
        for track in tracks:
            vessel = track.vessel
            phase_s = float(self.rng.uniform(0, self.interval_s))
            t = t0 + phase_s + np.arange(0.0, DAY_S - phase_s, self.interval_s)
            legs = [leg for leg in vessel.legs if leg.end_s > t0 and leg.start_s < t0 + DAY_S]
            xy, sog, cog = positions(legs, t, self.rng)
            on = ~np.isnan(xy[:, 0])
            for off_from, off_to in vessel.dark:
                on &= ~((t >= off_from) & (t < off_to))
            columns.append((np.full(int(on.sum()), vessel.mmsi), t[on], xy[on], sog[on], cog[on]))
        mmsi, ts, xy, sog, cog = (np.concatenate(c) for c in zip(*columns, strict=True))
        _, nearest = self._receiver_tree.query(xy, distance_upper_bound=RANGE_M)
        xy = xy + self.rng.normal(0, 10, xy.shape)
        lon, lat = self.world.lonlat(xy)
        west, south, east, north = self.world.aoi.bbox_deg
        inside = (lon >= west) & (lon <= east) & (lat >= south) & (lat <= north)
        sog = np.round(sog, 1)
        frame = pd.DataFrame(
            {
                "mmsi": mmsi,
                "ts": ts,
                "lon": lon,
                "lat": lat,
                "sog_knots": sog,
                "cog_deg": np.round(cog, 1),
                "heading_deg": np.round(cog) % 360,
                "nav_status": np.where(sog < 0.5, 1, 0),
                "msg_type": 1,
                # out of every range: the satellite; categories encode fast
                "station": pd.Categorical.from_codes(nearest, categories=self._stations),
            }
        )
        return frame[inside]


@dataclass
class FleetLoad:
    """What a load stored and how long it took."""

    vessels: int
    days: int
    rows: int = 0
    plan_s: float = 0.0  # the vessels' legs over the whole span, and their identities
    generate_s: float = 0.0
    load_s: float = 0.0
    truth: list[dict[str, Any]] = field(default_factory=list)

    @property
    def load_rows_per_s(self) -> float:
        return self.rows / self.load_s if self.load_s else 0.0


def load_fleet(
    settings: Settings,
    store: Store,
    vessels: int,
    days: int,
    *,
    start: datetime = DEFAULT_START,
    interval_s: float = 60.0,
    seed: int = 7,
) -> FleetLoad:
    """Generate a fleet and load it day by day (the geography first, as the rules need it),
    printing a progress line per day."""
    load_geography(settings, store)
    clock = time.perf_counter()
    fleet = Fleet(settings, vessels, days, start, interval_s, seed)
    store.write_identities(fleet.identities())
    done = FleetLoad(len(fleet.tracks), days, plan_s=time.perf_counter() - clock)
    done.truth = fleet.truth
    for index in range(days):
        loader = store.position_loader("fleet")
        rows, generate_s, load_s = 0, 0.0, 0.0
        clock = time.perf_counter()
        for frame in fleet.day(index):
            generated = time.perf_counter()
            loader.add(frame)
            loaded = time.perf_counter()
            generate_s, load_s = generate_s + generated - clock, load_s + loaded - generated
            rows, clock = rows + len(frame), loaded
        loader.finish()
        load_s += time.perf_counter() - clock
        done.rows += rows
        done.generate_s += generate_s
        done.load_s += load_s
        print(
            f"  day {index + 1}/{days}: {rows:,} rows, generated in {generate_s:.1f} s, "
            f"loaded in {load_s:.1f} s ({rows / load_s:,.0f} rows/s); {done.rows:,} in all; "
            f"resident {psutil.Process().memory_info().rss / 2**20:,.0f} MB",
            flush=True,
        )
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=2000)
    parser.add_argument("--days", type=int, default=2)
    parser.add_argument("--interval-s", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with scratch_store("fleet") as (settings, store):
        done = load_fleet(
            settings, store, args.vessels, args.days, interval_s=args.interval_s, seed=args.seed
        )
        span = (DEFAULT_START, DEFAULT_START + timedelta(days=args.days))
        stored = store.count_positions_roughly(span)
    planted = pd.Series([t["type"] for t in done.truth]).value_counts().to_dict()
    print(
        f"\n{done.vessels:,} vessels, {done.days} days at {args.interval_s:g} s: "
        f"{done.rows:,} rows (the planner counts {stored:,})"
    )
    print(
        f"plan {done.plan_s:.1f} s, generate {done.rows / done.generate_s:,.0f} rows/s "
        f"({done.generate_s:.1f} s), "
        f"load {done.load_rows_per_s:,.0f} rows/s ({done.load_s:.1f} s); "
        f"load / generate time {done.load_s / done.generate_s:.2f}"
    )
    print(f"planted events: {planted}")


if __name__ == "__main__":
    main()
