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
The harder day (``hard``) has several events of each kind (``HARD_EVENTS``), one MMSI
shared by two ships, and the look-alikes of :mod:`simulator.lookalikes`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from simulator.builder import Scenario
from simulator.events import Events
from simulator.lookalikes import Lookalikes
from simulator.traffic import Traffic
from simulator.world import World
from surveillance.errors import InputError

__all__ = ["build_scenario"]

log = logging.getLogger(__name__)


class _Builder(Traffic, Events, Lookalikes):
    """Background traffic, confounders and events on one world."""


#: The harder day (``--scenario hard``): how many of each event, in different places.
HARD_EVENTS = {
    "sts_transfer": 3,
    "dark_rendezvous": 2,
    "loitering": 3,
    "zone_entry": 2,
    "identity_anomaly": 4,  # an MMSI in two places, two jumps, one MMSI shared by two ships
    "suspicious_landing": 2,
    "ais_gap": 3,  # one of them far offshore, where traffic is sparse
}


def _events(b: _Builder, hours: float, hard: bool) -> list[tuple[str, Callable[[], None]]]:
    """The events that fit in ``hours``, in the order they are injected."""
    n = {k: HARD_EVENTS[k] if hard else 1 for k in HARD_EVENTS}
    events: list[tuple[str, Callable[[], None]]] = []
    if hours >= 10:
        events += [("sts_transfer", lambda: b.sts(dark_partner=False))] * n["sts_transfer"]
        events += [("dark_rendezvous", lambda: b.sts(dark_partner=True))] * n["dark_rendezvous"]
        events += [("loitering", b.loiter)] * n["loitering"]
        events += [("zone_entry", b.zone_entry)] * n["zone_entry"]
        events += [("identity_anomaly", b.identity), ("identity_anomaly", b.jump)]
        if hard:
            events += [("identity_anomaly", b.jump), ("identity_anomaly", b.shared_mmsi)]
    if hours >= 20:
        events += [("suspicious_landing", b.landing)] * n["suspicious_landing"]
        events += [("ais_gap", b.gap)] * (n["ais_gap"] - 1 if hard else 1)
        if hard:
            events += [("ais_gap", lambda: b.gap(min_shore_nm=22))]
        events += [("watchlist", b.watched)]
    return events


def build_scenario(
    world: World, start_s: float, hours: float, vessels: int, hard: bool = False
) -> Scenario:
    """Background traffic of ``vessels`` ships plus every event that fits in ``hours``;
    ``hard``: several events of each kind, and the harder day's look-alikes."""
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
    if hard:
        b.pair_trawlers(2)
        b.hole_crossings(3)
        b.offshore_traffic(max(2, int(vessels * 0.1)))
    skipped = []
    for name, inject in _events(b, hours, hard):
        try:
            inject()
        except InputError as exc:  # a small area may have no room for an event
            log.warning("no %s in this scenario: %s", name, exc)
            skipped.append(name)
    names = [f"rx{k:02d}" for k in range(len(b.receivers_m))]
    return Scenario(
        start_s,
        b.end_s,
        b.vessels,
        b.truth,
        b.receivers_m,
        names,
        skipped,
        b.watchlist,
        b.lookalikes,
    )
