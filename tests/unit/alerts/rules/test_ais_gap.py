"""``ais_gap``: silence offshore where reception was good, open or closed."""

from __future__ import annotations

import numpy as np

from alerts.rules import ais_gap
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.tracks import SEA, A, context, leg, tracks


def test_silence_offshore_inside_coverage_is_a_gap() -> None:
    scene = tracks(leg(A, 0, 2, SEA), leg(A, 15, 2, SEA))
    (alert,) = ais_gap.detect(scene, context())
    assert alert.evidence["gap_h"] >= 12 and alert.evidence["suspected_disabling"]
    assert alert.end_s is not None and alert.score == 60


def test_leaving_the_receivers_range_is_not_a_gap() -> None:
    far = (SEA[0] + 3.0, SEA[1])  # 280 km away: the way between was never heard
    scene = tracks(leg(A, 0, 2, SEA, sog_knots=12), leg(A, 12, 2, far, sog_knots=12))
    assert ais_gap.detect(scene, context()) == []


def test_a_gap_still_open_is_reported_open() -> None:
    # others keep being heard all around where the vessel fell silent
    neighbours = [
        leg(A + 10 + k, 0, 24, (SEA[0] + dx, SEA[1] + dy), sog_knots=10)
        for k, (dx, dy) in enumerate(
            (dx, dy) for dx in np.arange(-0.12, 0.13, 0.03) for dy in np.arange(-0.1, 0.11, 0.025)
        )
    ]
    scene = tracks(leg(A, 0, 3, SEA), *neighbours)
    gaps = [a for a in ais_gap.detect(scene, context(now_h=24)) if a.mmsi == (A,)]
    (alert,) = gaps
    assert alert.end_s is None and alert.evidence["open"]


def test_a_vessel_that_was_barely_heard_before_has_no_gap() -> None:
    scene = tracks(leg(A, 0, 2, SEA, every_s=1800), leg(A, 15, 2, SEA))
    assert ais_gap.detect(scene, context()) == []


def test_a_gap_stored_open_is_closed_when_the_vessel_is_heard_again() -> None:
    silent_since = MIDNIGHT_S - 20 * HOUR_S  # before the window: its start is not in the tracks
    ctx = context(open_gaps=[(A, silent_since, SEA[0], SEA[1])])
    (alert,) = ais_gap.detect(tracks(leg(A, 3, 2, SEA)), ctx)
    assert alert.start_s == silent_since and alert.end_s == MIDNIGHT_S + 3 * HOUR_S
    assert alert.evidence["seen_again"][0] == alert.end_s and alert.evidence["gap_h"] == 23.0


def test_a_gap_stored_open_stays_open_while_the_vessel_is_silent() -> None:
    ctx = context(open_gaps=[(A, MIDNIGHT_S + 5 * HOUR_S, SEA[0], SEA[1])])
    assert ais_gap.detect(tracks(leg(A, 0, 2, SEA, every_s=1800)), ctx) == []
