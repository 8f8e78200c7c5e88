"""``dark_vessel``: a detection matching called dark is one alert, on no vessel, at the ship."""

from __future__ import annotations

from alerts.rules import dark_vessel
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.detections import seen, ship, vessel_near
from tests.builders.tracks import SEA, A, B, context, leg, tracks

OTHERS = tracks(leg(B, 0, 2, SEA, sog_knots=10.0))  # the tracks are not what this rule reads


def test_a_dark_detection_is_an_alert_at_the_ship_and_the_image_time() -> None:
    near = [vessel_near(A, 7000.0)]
    ctx = context(detections=seen(ship(SEA, hour=4, number=7, dark=True, near_vessels=near)))
    (alert,) = dark_vessel.detect(OTHERS, ctx)
    assert alert.mmsi == ()
    assert (alert.lon, alert.lat) == SEA
    assert alert.start_s == alert.end_s == MIDNIGHT_S + 4 * HOUR_S
    assert alert.key == f"{'c' * 64}:7"
    assert alert.evidence["detection_id"] == 7 and alert.evidence["scene_id"] == 1
    assert alert.evidence["near_vessels"] == near
    assert any("7.0 km away" in r["reason"] for r in alert.reasons)


def test_detections_that_are_not_dark_raise_nothing() -> None:
    matched = ship(SEA, number=1, matched_mmsi=A, match_distance_m=40.0)
    explained = ship(SEA, number=2)  # matching did not call it dark (near the coast, unsure)
    assert dark_vessel.detect(OTHERS, context(detections=seen(matched, explained))) == []


def test_a_large_ship_far_from_anyone_scores_above_a_small_one_inshore() -> None:
    large = ship(SEA, number=1, dark=True, length_m=150.0, confidence=0.95)
    small = ship(
        SEA,
        number=2,
        dark=True,
        length_m=12.0,
        confidence=0.55,
        coast_distance_m=2000.0,
        near_vessels=[vessel_near(A, 1500.0)],
    )
    found = {a.key: a for a in dark_vessel.detect(OTHERS, context(detections=seen(large, small)))}
    high, low = found[f"{'c' * 64}:1"], found[f"{'c' * 64}:2"]
    assert high.score > low.score
    assert any("carries AIS" in r["reason"] for r in high.reasons)
    assert not any("carries AIS" in r["reason"] for r in low.reasons)


def test_no_detections_no_alerts() -> None:
    assert dark_vessel.detect(OTHERS, context()) == []


def test_a_drone_sighting_has_no_scene_and_says_a_drone_saw_it() -> None:
    sighting = ship(SEA, number=3, scene_id=None, source="drone", dark=True, confidence=1.0)
    (alert,) = dark_vessel.detect(OTHERS, context(detections=seen(sighting)))
    assert alert.evidence["scene_id"] is None and alert.evidence["source"] == "drone"
    assert alert.reasons[0]["reason"].startswith("a ship seen by a drone with no AIS vessel")
