"""``sts_transfer``: two slow vessels side by side, away from ports, for hours."""

from __future__ import annotations

import numpy as np
import pandas as pd

from alerts.anchorages import Anchorages
from alerts.coverage import cells_of
from alerts.rules import sts_transfer
from tests.builders.clock import HOUR_S
from tests.builders.tracks import SEA, A, B, context, leg, tracks, vessels


def test_two_slow_ships_side_by_side_for_three_hours_are_an_sts() -> None:
    pair = tracks(leg(A, 1, 3, SEA), leg(B, 1, 3, (SEA[0] + 0.002, SEA[1])))  # ~190 m
    (alert,) = sts_transfer.detect(pair, context())
    assert alert.mmsi == (A, B)
    assert 2.5 <= (alert.end_s - alert.start_s) / HOUR_S <= 3.2
    assert alert.evidence["median_distance_m"] < 250


def test_an_encounter_under_two_hours_is_not_an_sts() -> None:
    pair = tracks(leg(A, 1, 1.5, SEA), leg(B, 1, 1.5, (SEA[0] + 0.002, SEA[1])))
    assert sts_transfer.detect(pair, context()) == []


def test_ships_moored_together_in_port_are_not_an_sts() -> None:
    berth = (131.01, 33.2)
    pair = tracks(leg(A, 1, 5, berth), leg(B, 1, 5, (berth[0] + 0.001, berth[1])))
    assert sts_transfer.detect(pair, context()) == []


def test_ships_a_kilometre_apart_are_not_an_sts() -> None:
    pair = tracks(leg(A, 1, 5, SEA), leg(B, 1, 5, (SEA[0] + 0.011, SEA[1])))
    assert sts_transfer.detect(pair, context()) == []


def test_fast_ships_passing_close_are_not_an_sts() -> None:
    far = (SEA[0] + 1.0, SEA[1])
    pair = tracks(
        leg(A, 1, 5, SEA, far, sog_knots=12), leg(B, 1, 5, (SEA[0], SEA[1] + 0.002), far, 12)
    )
    assert sts_transfer.detect(pair, context()) == []


def test_ships_side_by_side_in_a_learnt_anchorage_are_not_an_sts() -> None:
    x, y = cells_of(np.array([SEA[0]]), np.array([SEA[1]]), 0.05)
    ctx = context(anchorages=Anchorages.from_frame(pd.DataFrame({"cell_x": x, "cell_y": y}), 0.05))
    pair = tracks(leg(A, 1, 3, SEA), leg(B, 1, 3, (SEA[0] + 0.002, SEA[1])))
    assert sts_transfer.detect(pair, ctx) == []


def test_two_fishing_vessels_hauling_side_by_side_are_pair_trawlers_not_an_sts() -> None:
    pair = tracks(leg(A, 1, 3, SEA), leg(B, 1, 3, (SEA[0] + 0.003, SEA[1])))
    fishing = vessels({"mmsi": A, "ship_type": 30}, {"mmsi": B, "ship_type": 30})
    assert sts_transfer.detect(pair, context(vessels=fishing)) == []


def test_a_fishing_vessel_beside_a_tanker_is_still_an_sts() -> None:
    pair = tracks(leg(A, 1, 3, SEA), leg(B, 1, 3, (SEA[0] + 0.003, SEA[1])))
    mixed = vessels({"mmsi": A, "ship_type": 30}, {"mmsi": B, "ship_type": 80})
    (alert,) = sts_transfer.detect(pair, context(vessels=mixed))
    assert alert.mmsi == (A, B)
