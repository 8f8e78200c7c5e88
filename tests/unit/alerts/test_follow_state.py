"""The tails ``detect --follow`` keeps between cycles: re-read reports are told from new
ones, late ones fall into place, and the tails keep each rule's look-back and no more."""

from __future__ import annotations

import numpy as np

from alerts.follow_state import Tails
from surveillance.store.position_read import PositionArrays
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.tracks import leg

A, B, C = 431000001, 431000002, 431000003
SEA = (132.0, 32.0)


def upto(p: PositionArrays, hour: float) -> PositionArrays:
    """The reports before ``hour``."""
    rows = np.flatnonzero(p.t_s < MIDNIGHT_S + hour * HOUR_S)
    return PositionArrays(p.mmsi[rows], p.t_s[rows], p.lon[rows], p.lat[rows], p.sog_knots[rows])


def since(p: PositionArrays, hour: float) -> PositionArrays:
    """The reports from ``hour`` on (what the store gives a cycle's re-read)."""
    rows = np.flatnonzero(p.t_s >= MIDNIGHT_S + hour * HOUR_S)
    return PositionArrays(p.mmsi[rows], p.t_s[rows], p.lon[rows], p.lat[rows], p.sog_knots[rows])


def held(hours: float = 12, keep_hours: float = 24) -> Tails:
    return Tails(hours * HOUR_S, keep_hours * HOUR_S)


def test_a_re_read_report_is_not_new_and_a_new_one_knows_its_predecessor() -> None:
    day = PositionArrays.concat([leg(A, 0, 2, SEA), leg(B, 0, 2, (132.5, 32.0))])
    tails = held()
    tails.replace(upto(day, 1), MIDNIGHT_S + HOUR_S)
    delta = tails.absorb(since(day, 0.9), MIDNIGHT_S + 0.9 * HOUR_S, MIDNIGHT_S + 2 * HOUR_S)
    assert len(delta.new) == len(since(day, 1))  # the re-read 6 minutes are not new again
    assert delta.new.t_s.min() == MIDNIGHT_S + HOUR_S
    first_of_a = np.flatnonzero(delta.new.mmsi == A)[0]
    assert delta.prev_t_s[first_of_a] == MIDNIGHT_S + HOUR_S - 60
    assert len(tails.arrays) == len(day)
    assert np.array_equal(tails.arrays.t_s, day.t_s) and np.array_equal(tails.arrays.mmsi, day.mmsi)


def test_a_late_report_falls_into_its_place() -> None:
    track = leg(A, 0, 2, SEA)
    late = np.flatnonzero(track.t_s == MIDNIGHT_S + 1.95 * HOUR_S)
    kept = np.setdiff1d(np.arange(len(track)), late)
    first = PositionArrays(
        *(getattr(track, n)[kept] for n in ("mmsi", "t_s", "lon", "lat", "sog_knots"))
    )
    tails = held()
    tails.replace(first, MIDNIGHT_S + 2 * HOUR_S)
    delta = tails.absorb(since(track, 1.9), MIDNIGHT_S + 1.9 * HOUR_S, MIDNIGHT_S + 2 * HOUR_S)
    assert delta.new.t_s.tolist() == [MIDNIGHT_S + 1.95 * HOUR_S]
    assert np.array_equal(tails.arrays.t_s, track.t_s)


def test_tails_keep_the_look_back_of_each_vessel_and_forget_long_silences() -> None:
    tails = held(hours=2, keep_hours=6)
    tails.replace(
        PositionArrays.concat([leg(A, 0, 10, SEA), leg(B, 0, 1, (132.5, 32.0))]),
        MIDNIGHT_S + 10 * HOUR_S,
    )
    assert set(tails.arrays.mmsi) == {A}  # B has been silent 9 h
    assert tails.arrays.t_s.min() >= MIDNIGHT_S + 10 * HOUR_S - 60 - 2 * HOUR_S


def test_a_cycle_tells_silences_that_reach_a_threshold_and_neighbours() -> None:
    tails = held()
    tails.replace(
        PositionArrays.concat(
            [leg(A, 0, 1, SEA), leg(B, 0, 3, (132.001, 32.0)), leg(C, 0, 3, (133.0, 32.0))]
        ),
        MIDNIGHT_S + 3 * HOUR_S,
    )
    now = MIDNIGHT_S + 7.5 * HOUR_S
    delta = tails.absorb(since(leg(C, 0, 7.5, (133.0, 32.0)), 3), MIDNIGHT_S + 3 * HOUR_S, now)
    assert delta.silent_between(6 * HOUR_S, 6 * HOUR_S).tolist() == [A]  # silent 2 -> 6.5 h
    near = delta.near(np.array([SEA[0]]), np.array([SEA[1]]), 1000.0)
    assert A in near and B in near and C not in near
