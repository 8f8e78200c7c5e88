"""What every part of a scenario is built with: the vessels and their truth, receivers,
places at sea and along the coast, sea-lane routes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import searoute

from simulator.motion import Drift, Leg, Transit
from simulator.world import NM_M, World
from surveillance.errors import InputError

__all__ = ["HOUR", "RANGE_M", "Builder", "Scenario", "Vessel", "along_path"]

HOUR = 3600.0
RANGE_M = 40 * NM_M  # a coastal receiver hears a transmitter this far away
APART_M = 30_000.0  # events and confounders at sea keep this far from one another
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
    imo: int | None = None  # None: derived from the MMSI (a ship of its own)
    callsign: str | None = None
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
    lookalikes: list[dict[str, Any]] = field(default_factory=list)  # no alert expected
    scenes: list[dict[str, Any]] = field(default_factory=list)  # SAR scenes and their ships
    drones: list[dict[str, Any]] = field(default_factory=list)  # drone flights and their logs
    leads: list[dict[str, Any]] = field(default_factory=list)  # web posts and what they name


def along_path(
    path_m: np.ndarray, step_m: float, margin_m: float = 0.0
) -> tuple[np.ndarray, np.ndarray]:
    """Points every ``step_m`` along a polyline (metres), ``margin_m`` from either end:
    their distances along it, and the points."""
    seg = np.linalg.norm(np.diff(path_m, axis=0), axis=1)
    cum = np.concatenate(([0.0], np.cumsum(seg)))
    d = np.arange(margin_m, cum[-1] - margin_m, step_m)
    xy = np.column_stack([np.interp(d, cum, path_m[:, 0]), np.interp(d, cum, path_m[:, 1])])
    return d, xy


class Builder:
    """The scenario under construction; the traffic and event mixins add to it."""

    def __init__(self, world: World, start_s: float, hours: float) -> None:
        self.world, self.rng = world, world.rng
        self.start_s, self.end_s = start_s, start_s + hours * HOUR
        self.vessels: list[Vessel] = []
        self.truth: list[dict[str, Any]] = []
        self.watchlist: list[dict[str, str]] = []
        self.lookalikes: list[dict[str, Any]] = []
        self._serial = 0
        self._taken: list[np.ndarray] = []  # places at sea given out by ``offshore``
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
        """An event into the truth: the rules should raise an alert for it."""
        self.truth.append(self._entry("type", event, vessels, start, end, at_m, extra))

    def record_lookalike(
        self,
        kind: str,
        mimics: str,
        vessels: list[Vessel],
        start: float,
        end: float,
        at_m: np.ndarray,
        **extra: Any,
    ) -> None:
        """A confounder worth naming in the truth (pair trawling, a coverage hole crossed):
        it looks like an event of type ``mimics``, and no rule should raise an alert for it."""
        extra = {"mimics": mimics, **extra}
        self.lookalikes.append(self._entry("kind", kind, vessels, start, end, at_m, extra))

    def _entry(
        self,
        key: str,
        value: str,
        vessels: list[Vessel],
        start: float,
        end: float,
        at_m: np.ndarray,
        extra: dict[str, Any],
    ) -> dict[str, Any]:
        lon, lat = self.world.lonlat(at_m)
        return {
            key: value,
            "mmsi": [v.mmsi for v in vessels],
            "start": start,
            "end": end,
            "lon": float(lon[0]),
            "lat": float(lat[0]),
            **extra,
        }

    def heard(self, xy_m: np.ndarray) -> np.ndarray:
        """Which points some receiver hears (within ``RANGE_M`` of one)."""
        xy_m = np.atleast_2d(xy_m)
        gap = np.linalg.norm(xy_m[:, None] - self.receivers_m[None], axis=2).min(axis=1)
        return gap <= RANGE_M

    # -- places and paths --------------------------------------------------------------

    def offshore(self, min_shore_nm: float, min_port_km: float = 20.0) -> np.ndarray:
        """A point at sea, well inside the coverage of some receiver, and ``APART_M`` or
        more from the points taken before when there is room: events in different places."""
        for _ in range(20):
            xy = self.world.sea_point(
                min_shore_nm * NM_M,
                (min_shore_nm + 15) * NM_M,
                min_port_km * 1000,
                self.receivers_m,
                30 * NM_M,
            )
            taken = np.array(self._taken).reshape(-1, 2)
            if not len(taken) or np.linalg.norm(taken - xy, axis=1).min() >= APART_M:
                break
        self._taken.append(xy)
        return xy

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
        d, xy = along_path(path, 2000.0, port_margin_m)
        return not len(d) or not self.world.on_land(xy).any()

    def sea_leg(self, start_m: np.ndarray, length_m: float) -> np.ndarray:
        """A straight leg from a point at sea that stays 1 nm off land, in some direction."""
        for _ in range(36):
            angle = self.rng.uniform(0, 2 * np.pi)
            end = start_m + length_m * np.array([np.cos(angle), np.sin(angle)])
            way = start_m + np.linspace(0, 1, 30)[:, None] * (end - start_m)
            if (self.world.distance_to_land_m(way) > NM_M).all():
                return np.array([start_m, end])
        raise InputError("no open water for a straight leg")

    def open_water(
        self, at_m: np.ndarray, min_m: float, max_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """Where a vessel comes from and goes to around a meeting point: two points
        ``min_m``-``max_m`` away, each reached in a straight line that stays off land."""
        come_from = self.sea_leg(at_m, float(self.rng.uniform(min_m, max_m)))[1]
        return come_from, self.sea_leg(at_m, float(self.rng.uniform(min_m, max_m)))[1]

    def approach(self, from_m: np.ndarray, to_m: np.ndarray, start: float, kn: float) -> Transit:
        return Transit.along(np.array([from_m, to_m]), start, kn)

    def sail_on(self, leg: Transit) -> Drift:
        """After an event, keep the vessel busy at sea (circling at 9 kn) until the end, so
        that no track ends at sea for nothing: real ones end in port or out of range."""
        return self.busy(leg.end_s, leg.path_m[-1])

    def busy(self, from_s: float, spot_m: np.ndarray) -> Drift:
        """Circling at 9 kn around a spot from ``from_s`` to past the end: under way, not
        loitering."""
        return Drift(from_s, self.end_s + HOUR, spot_m, 2500, max_kn=9.0, period_s=1800.0)
