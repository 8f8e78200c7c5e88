"""Anchorages learnt from stops: vessels stopped for hours in one cell; points inside them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.anchorages import Anchorages, stops
from alerts.coverage import cells_of
from surveillance.rule_settings import RuleSettings
from tests.builders.tracks import SEA, A, B, leg, tracks


def test_a_vessel_stopped_for_hours_is_a_stop_in_its_cell() -> None:
    scene = tracks(leg(A, 1, 3, SEA, sog_knots=0.1))
    (stop,) = stops(scene.steps, RuleSettings()).itertuples()
    cell = cells_of(np.array([SEA[0]]), np.array([SEA[1]]), 0.05)
    assert (stop.mmsi, stop.cell_x, stop.cell_y) == (A, cell[0][0], cell[1][0])
    assert (stop.last_stop - stop.first_stop) >= pd.Timedelta(hours=3)


def test_moving_vessels_and_short_halts_are_no_stops() -> None:
    scene = tracks(
        leg(A, 1, 3, SEA, (SEA[0] + 0.5, SEA[1]), sog_knots=9),
        leg(B, 1, 1, SEA, sog_knots=0.1),  # an hour: under the two of the settings
    )
    assert stops(scene.steps, RuleSettings()).empty


def test_points_in_a_learnt_anchorage_are_told_apart() -> None:
    x, y = cells_of(np.array([SEA[0]]), np.array([SEA[1]]), 0.05)
    anchorages = Anchorages.from_frame(pd.DataFrame({"cell_x": x, "cell_y": y}), 0.05)
    inside = anchorages.contains(np.array([SEA[0], SEA[0] + 0.2]), np.array([SEA[1], SEA[1]]))
    assert inside.tolist() == [True, False]
    assert not Anchorages().contains(np.array([SEA[0]]), np.array([SEA[1]])).any()
