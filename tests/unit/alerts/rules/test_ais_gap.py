"""``ais_gap``: silence offshore where reception was good, open or closed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.coverage import ReceptionHistory, StationOutages, cells_of
from alerts.rules import ais_gap
from surveillance.store.position_read import PositionArrays
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.tracks import SEA, A, B, context, leg, tracks


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


FAR_SEA = (SEA[0] + 0.6, SEA[1])  # 56 km further out


def _crowd(
    first_mmsi: int, around: tuple[float, float], start_h: float = 0, hours: float = 24
) -> list[PositionArrays]:
    """Vessels heard all around a place (on a lattice about 3 km apart) for ``hours``."""
    return [
        leg(first_mmsi + k, start_h, hours, (around[0] + dx, around[1] + dy), every_s=300)
        for k, (dx, dy) in enumerate(
            (dx, dy) for dx in np.arange(-0.12, 0.13, 0.04) for dy in np.arange(-0.1, 0.11, 0.03)
        )
    ]


def _busy(*places: tuple[float, float]) -> ReceptionHistory:
    """A map that heard the cells of the places in every hour of its two weeks."""
    x, y = cells_of(np.array([p[0] for p in places]), np.array([p[1] for p in places]), 0.05)
    frame = pd.DataFrame({"cell_x": x, "cell_y": y, "heard_hours": 336})
    return ReceptionHistory.from_frame(frame.drop_duplicates(), 336.0)


def test_a_gap_where_the_map_knows_nothing_along_the_way_is_scored_lower() -> None:
    # well heard where it fell silent and where it came back; nobody heard in between
    scene = tracks(
        leg(A, 0, 2, SEA),
        leg(A, 16, 2, FAR_SEA),
        *_crowd(A + 100, SEA),
        *_crowd(A + 200, FAR_SEA),
    )
    (alert,) = [a for a in ais_gap.detect(scene, context(now_h=20)) if a.mmsi == (A,)]
    assert alert.evidence["coverage"] == "unknown" and alert.evidence["gap_h"] >= 14
    assert "coverage unknown" in alert.reasons[0]["reason"]
    assert alert.reasons[0]["points"] == ais_gap.BASE_SCORE - ais_gap.UNKNOWN_COVERAGE_POINTS


def test_a_gap_inside_a_known_coverage_hole_is_not_a_gap() -> None:
    # the map heard this cell every hour for two weeks, and no one at all during the gap
    scene = tracks(leg(A, 0, 2, SEA), leg(A, 15, 2, SEA))
    assert ais_gap.detect(scene, context(reception=_busy(SEA))) == []


def test_a_busy_cell_where_others_are_heard_during_the_gap_is_covered() -> None:
    scene = tracks(leg(A, 0, 2, SEA), leg(A, 15, 2, SEA), leg(B, 0, 24, (SEA[0] + 0.01, SEA[1])))
    (alert,) = [a for a in ais_gap.detect(scene, context(reception=_busy(SEA))) if a.mmsi == (A,)]
    assert alert.evidence["coverage"] == "covered"


def test_the_whole_feed_falling_silent_is_an_outage_not_gaps() -> None:
    fleet = [(A + k, (SEA[0] + 0.01 * k, SEA[1])) for k in range(4)]
    scene = tracks(*(leg(m, h, 2, at) for m, at in fleet for h in (0, 15)))
    assert ais_gap.detect(scene, context()) == []


def test_the_end_of_the_feed_raises_no_open_gaps() -> None:
    # everyone heard until hour 10, then nothing until now (hour 24): the feed ended
    scene = tracks(leg(A, 0, 10, SEA), *_crowd(A + 100, SEA, hours=10))
    assert ais_gap.detect(scene, context(now_h=24)) == []


def _station_out(
    where: tuple[float, float], silent_h: float, back_h: float | None
) -> StationOutages:
    """Station ``rx1`` alone heard ``where`` at hour 1, and heard no one from ``silent_h``
    (to ``back_h``, or still)."""
    x, y = cells_of(np.array([where[0]]), np.array([where[1]]), 0.05)
    end = None if back_h is None else pd.Timestamp(MIDNIGHT_S + back_h * HOUR_S, unit="s", tz="UTC")
    outages = pd.DataFrame(
        {
            "station": ["rx1"],
            "start": [pd.Timestamp(MIDNIGHT_S + silent_h * HOUR_S, unit="s", tz="UTC")],
            "end": [end],
        }
    )
    hour = pd.Timestamp(MIDNIGHT_S + HOUR_S, unit="s", tz="UTC")
    heard = pd.DataFrame({"cell_x": x, "cell_y": y, "hour": [hour], "stations": [["rx1"]]})
    return StationOutages.from_frames(outages, heard, 0.05)


def test_the_open_gap_of_a_vessel_heard_only_by_a_station_that_is_out_waits() -> None:
    # others heard all around (by other stations): the vessel's own station went quiet
    scene = tracks(leg(A, 0, 2, SEA), *_crowd(A + 100, SEA))
    ctx = context(now_h=24, station_outages=_station_out(SEA, 2, None))
    assert [a for a in ais_gap.detect(scene, ctx) if a.mmsi == (A,)] == []
    (alert,) = [a for a in ais_gap.detect(scene, context(now_h=24)) if a.mmsi == (A,)]
    assert alert.end_s is None  # without the outage: an open gap


def test_a_gap_mostly_spent_while_its_station_was_out_is_no_gap() -> None:
    scene = tracks(leg(A, 0, 2, SEA), leg(A, 15, 2, SEA))
    ctx = context(station_outages=_station_out(SEA, 2, 14))
    assert ais_gap.detect(scene, ctx) == []
