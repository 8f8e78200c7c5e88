"""``identity_anomaly``: impossible jumps, one MMSI in two places, positions on land, new names."""

from __future__ import annotations

import numpy as np
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


def test_two_ships_sharing_an_mmsi_are_one_alert_not_one_per_static_message() -> None:
    turns = 12  # type 5 every 6 minutes from each ship: identities taking turns
    history = pd.DataFrame(
        {
            "mmsi": [A] * turns,
            "valid_from": pd.to_datetime(
                MIDNIGHT_S + HOUR_S + 360.0 * np.arange(turns), unit="s", utc=True
            ),
            "name": ["OCEAN STAR", "SEA BIRD"] * (turns // 2),
            "callsign": ["JX1", "KY2"] * (turns // 2),
            "imo": [9074729, 9512345] * (turns // 2),
        }
    )
    scene = tracks(leg(A, 0, 4, SEA, sog_knots=10))
    (alert,) = identity_anomaly.detect(scene, context(identities=history))
    assert alert.evidence["kind"] == "shared_mmsi"
    assert alert.evidence["turns"] == turns - 1 and len(alert.evidence["identities"]) == 2
    assert "SEA BIRD" in alert.evidence["identities"][1]
    assert alert.end_s - alert.start_s == 360.0 * (turns - 2)


def test_a_name_changed_and_changed_back_is_two_changes_not_a_shared_mmsi() -> None:
    history = pd.DataFrame(
        {
            "mmsi": [A, A, A],
            "valid_from": pd.to_datetime(
                MIDNIGHT_S + HOUR_S * np.array([1.0, 2.0, 3.0]), unit="s", utc=True
            ),
            "name": ["OCEAN STAR", "OCEAN STRA", "OCEAN STAR"],
            "callsign": ["JX1"] * 3,
            "imo": [9074729] * 3,
        }
    )
    scene = tracks(leg(A, 0, 4, SEA, sog_knots=10))
    alerts = identity_anomaly.detect(scene, context(identities=history))
    assert [a.evidence["kind"] for a in alerts] == ["identity_change", "identity_change"]
