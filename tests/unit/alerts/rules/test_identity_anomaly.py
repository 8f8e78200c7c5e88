"""``identity_anomaly``: impossible jumps, one MMSI in two places, positions on land, new names."""

from __future__ import annotations

import pandas as pd

from alerts.rules import identity_anomaly
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.tracks import SEA, A, context, leg, tracks


def test_one_position_120_km_away_is_an_impossible_jump() -> None:
    scene = tracks(leg(A, 1, 1, SEA, sog_knots=12), leg(A, 1.5, 0.01, (SEA[0] + 1.3, SEA[1])))
    (alert,) = identity_anomaly.detect(scene, context())
    assert alert.evidence["kind"] == "impossible_jump"


def test_one_mmsi_heard_in_two_places_at_once() -> None:
    twin = leg(A, 1, 1, (SEA[0] + 2, SEA[1]), sog_knots=12)
    twin = type(twin)(twin.mmsi, twin.t_s + 5, twin.lon, twin.lat, twin.sog_knots)
    (alert,) = identity_anomaly.detect(tracks(leg(A, 1, 1, SEA, sog_knots=12), twin), context())
    assert alert.evidence["kind"] == "mmsi_in_two_places" and alert.evidence["jumps"] > 50


def test_an_hour_of_positions_deep_inland_is_an_anomaly() -> None:
    (alert,) = identity_anomaly.detect(tracks(leg(A, 1, 2, (130.5, 33.5))), context())
    assert alert.evidence["kind"] == "on_land"


def test_a_new_name_is_an_identity_change() -> None:
    history = pd.DataFrame(
        {
            "mmsi": [A, A],
            "valid_from": pd.to_datetime(
                [MIDNIGHT_S - HOUR_S, MIDNIGHT_S + 2 * HOUR_S], unit="s", utc=True
            ),
            "name": ["OCEAN STAR", "SEA BIRD"],
            "callsign": ["JX1", "JX1"],
            "imo": [9074729, 9074729],
        }
    )
    scene = tracks(leg(A, 0, 4, SEA, sog_knots=10))
    (alert,) = identity_anomaly.detect(scene, context(identities=history))
    assert alert.evidence["changes"] == ["name OCEAN STAR -> SEA BIRD"]
