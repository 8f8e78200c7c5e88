"""The reception map as rules read it: history per cell, and outages of the whole feed."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.coverage import Outages, ReceptionHistory, cell_keys, cells_of

HOUR_S = 3600.0


def _feed(*spans_h: tuple[float, float], vessels: int = 3) -> tuple[np.ndarray, np.ndarray]:
    """Reports every minute from each of ``vessels`` vessels over the spans (hours)."""
    t = np.concatenate([np.arange(a * HOUR_S, b * HOUR_S, 60.0) for a, b in spans_h])
    return np.tile(t, vessels), np.repeat(np.arange(vessels), len(t))


def test_a_silence_of_the_whole_feed_is_an_outage() -> None:
    t, mmsi = _feed((0, 2), (5, 8))
    outages = Outages.of_feed(t, mmsi, 8 * HOUR_S, 1800, 3)
    assert outages.start_s.tolist() == [2 * HOUR_S - 60] and outages.end_s.tolist() == [5 * HOUR_S]
    assert not outages.ongoing
    assert outages.overlap_s(0, 4 * HOUR_S) == 2 * HOUR_S + 60


def test_the_feed_silent_until_now_is_an_ongoing_outage() -> None:
    t, mmsi = _feed((0, 2))
    assert Outages.of_feed(t, mmsi, 6 * HOUR_S, 1800, 3).ongoing


def test_one_vessel_falling_silent_is_no_outage() -> None:
    t, mmsi = _feed((0, 2), (5, 8), vessels=1)
    outages = Outages.of_feed(t, mmsi, 10 * HOUR_S, 1800, 3)
    assert len(outages.start_s) == 0 and not outages.ongoing


def test_history_gives_the_hours_heard_per_cell_and_none_elsewhere() -> None:
    frame = pd.DataFrame({"cell_x": [10, 2], "cell_y": [-3, 7], "heard_hours": [5, 40]})
    history = ReceptionHistory.from_frame(frame, 48.0)
    keys = cell_keys(np.array([2, 10, 11]), np.array([7, -3, -3]))
    assert history.hours_of(keys).tolist() == [40, 5, 0]


def test_cells_are_the_floor_of_degrees_over_the_cell_size() -> None:
    x, y = cells_of(np.array([131.51, -0.01]), np.array([33.49, 0.04]), 0.05)
    assert x.tolist() == [2630, -1] and y.tolist() == [669, 0]
