"""Each rule on tiny hand-drawn scenes: one behaviour per test."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from alerts.rules import (
    ais_gap,
    identity_anomaly,
    loitering,
    sts_transfer,
    suspicious_landing,
    watchlist,
    zone_entry,
)
from alerts.sun import is_night
from alerts.tracks import runs
from tests.track_builders import HOUR_S, T0_S, context, leg, tracks, vessels

SEA = (131.5, 33.5)  # 25 nm east of the island, 30 km from its port
NEAR_SEA = (131.2, 33.5)  # 10 nm off the coast
A, B = 431000001, 431000002


def test_runs_split_on_gaps_and_false_values() -> None:
    first, last = runs(np.array([1, 1, 0, 1, 1, 1], bool), np.array([1, 1, 1, 0, 1], bool))
    assert first.tolist() == [0, 3, 4] and last.tolist() == [1, 3, 5]


def test_night_follows_the_sun_in_tokyo() -> None:
    midnight_jst, noon_jst = T0_S + 15 * HOUR_S, T0_S + 3 * HOUR_S
    assert is_night(np.array([midnight_jst, noon_jst]), 139.7, 35.7).tolist() == [True, False]


# -- sts_transfer --------------------------------------------------------------------------


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


# -- loitering -----------------------------------------------------------------------------


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


# -- ais_gap -------------------------------------------------------------------------------


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


# -- suspicious_landing --------------------------------------------------------------------


def test_a_night_stop_off_a_beach_after_coming_in_from_sea_is_a_landing() -> None:
    beach = (131.005, 33.8)  # 470 m off the east coast, 67 km from the port
    scene = tracks(
        leg(A, 14, 0.5, (131.2, 33.8), beach, sog_knots=18),
        leg(A, 14.5, 0.5, beach, sog_knots=0.2),
        leg(A, 15, 0.5, beach, (131.2, 33.8), sog_knots=18),
    )
    (alert,) = suspicious_landing.detect(scene, context())
    assert alert.evidence["night"] and "at night (sun below the horizon)" in str(alert.reasons)


def test_a_boat_out_of_the_harbour_idling_along_the_shore_is_not_a_landing() -> None:
    spot = (131.005, 33.3)  # 9 km up the coast from the port
    scene = tracks(
        leg(A, 0, 2, (131.01, 33.2), sog_knots=0.1),
        leg(A, 2, 0.5, (131.01, 33.2), spot, sog_knots=8),
        leg(A, 2.5, 1, spot, sog_knots=0.5),
    )
    assert suspicious_landing.detect(scene, context()) == []


def test_a_stop_in_port_is_not_a_landing() -> None:
    berth = (131.003, 33.2)
    scene = tracks(leg(A, 1, 1, (131.3, 33.2), berth, 15), leg(A, 2, 2, berth, sog_knots=0))
    assert suspicious_landing.detect(scene, context()) == []


# -- zone_entry ----------------------------------------------------------------------------

ZONE = gpd.GeoDataFrame(
    {"kind": ["territorial_sea"], "name": ["test sea"]},
    geometry=[shapely.box(129.8, 32.8, 131.22, 34.2).difference(shapely.box(130, 33, 131, 34))],
    crs=4326,
)


def test_a_watched_flag_entering_the_territorial_sea_raises_an_alert() -> None:
    ctx = context(zones=ZONE, vessels=vessels({"mmsi": A, "flag": "KP"}))
    (alert,) = zone_entry.detect(tracks(leg(A, 1, 3, SEA, NEAR_SEA, sog_knots=10)), ctx)
    assert alert.evidence["crossed_in"] and "flag KP is watched" in alert.reasons[0]["reason"]


def test_an_unwatched_flag_may_enter() -> None:
    ctx = context(zones=ZONE, vessels=vessels({"mmsi": A, "flag": "JP"}))
    assert zone_entry.detect(tracks(leg(A, 1, 3, SEA, NEAR_SEA, sog_knots=10)), ctx) == []


# -- identity_anomaly ----------------------------------------------------------------------


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
            "valid_from": pd.to_datetime([T0_S - HOUR_S, T0_S + 2 * HOUR_S], unit="s", utc=True),
            "name": ["OCEAN STAR", "SEA BIRD"],
            "callsign": ["JX1", "JX1"],
            "imo": [9074729, 9074729],
        }
    )
    scene = tracks(leg(A, 0, 4, SEA, sog_knots=10))
    (alert,) = identity_anomaly.detect(scene, context(identities=history))
    assert alert.evidence["changes"] == ["name OCEAN STAR -> SEA BIRD"]


# -- watchlist -----------------------------------------------------------------------------


def test_a_name_spelled_differently_is_on_the_watchlist() -> None:
    ctx = context(
        vessels=vessels({"mmsi": A, "name": "0CEAN-STAR"}, {"mmsi": B, "name": "SEA BIRD"}),
        watchlist=pd.DataFrame({"kind": ["name"], "value": ["OCEAN STAR"]}),
    )
    (alert,) = watchlist.detect(tracks(leg(A, 1, 1, SEA), leg(B, 1, 1, NEAR_SEA)), ctx)
    assert alert.mmsi == (A,) and "OCEAN STAR" in alert.reasons[0]["reason"]


def test_a_watched_mmsi_is_found() -> None:
    ctx = context(watchlist=pd.DataFrame({"kind": ["mmsi"], "value": [str(B)]}))
    (alert,) = watchlist.detect(tracks(leg(A, 1, 1, SEA), leg(B, 1, 1, NEAR_SEA)), ctx)
    assert alert.mmsi == (B,)


def test_a_sister_ship_with_another_number_is_not_on_the_watchlist() -> None:
    ctx = context(
        vessels=vessels({"mmsi": A, "name": "OCEAN 0044"}),
        watchlist=pd.DataFrame({"kind": ["name"], "value": ["OCEAN-0004"]}),
    )
    assert watchlist.detect(tracks(leg(A, 1, 1, SEA)), ctx) == []


def test_a_gap_stored_open_is_closed_when_the_vessel_is_heard_again() -> None:
    silent_since = T0_S - 20 * HOUR_S  # before the window: its start is not in the tracks
    ctx = context(open_gaps=[(A, silent_since, SEA[0], SEA[1])])
    (alert,) = ais_gap.detect(tracks(leg(A, 3, 2, SEA)), ctx)
    assert alert.start_s == silent_since and alert.end_s == T0_S + 3 * HOUR_S
    assert alert.evidence["seen_again"][0] == alert.end_s and alert.evidence["gap_h"] == 23.0


def test_a_gap_stored_open_stays_open_while_the_vessel_is_silent() -> None:
    ctx = context(open_gaps=[(A, T0_S + 5 * HOUR_S, SEA[0], SEA[1])])
    assert ais_gap.detect(tracks(leg(A, 0, 2, SEA, every_s=1800)), ctx) == []
