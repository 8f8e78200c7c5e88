"""``loitering``: one slow vessel far offshore for hours; work boats left out."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.anchorages import Anchorages
from alerts.coverage import cells_of
from alerts.rules import loitering
from tests.builders.tracks import NEAR_SEA, SEA, A, context, leg, tracks, vessels


def test_five_slow_hours_far_offshore_are_loitering() -> None:
    (alert,) = loitering.detect(tracks(leg(A, 1, 5, SEA)), context())
    assert alert.mmsi == (A,) and alert.evidence["duration_h"] >= 4.5


def test_slow_hours_near_the_coast_are_not_loitering() -> None:
    assert loitering.detect(tracks(leg(A, 1, 5, NEAR_SEA)), context()) == []


def test_three_slow_hours_are_not_loitering() -> None:
    assert loitering.detect(tracks(leg(A, 1, 3, SEA)), context()) == []


def test_fishing_boats_are_slow_by_trade() -> None:
    ctx = context(vessels=vessels({"mmsi": A, "ship_type": 30}))
    assert loitering.detect(tracks(leg(A, 1, 5, SEA)), ctx) == []


def test_waiting_in_a_learnt_anchorage_is_not_loitering() -> None:
    x, y = cells_of(np.array([SEA[0]]), np.array([SEA[1]]), 0.05)
    ctx = context(anchorages=Anchorages.from_frame(pd.DataFrame({"cell_x": x, "cell_y": y}), 0.05))
    assert loitering.detect(tracks(leg(A, 1, 5, SEA)), ctx) == []
