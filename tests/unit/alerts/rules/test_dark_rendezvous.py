"""``dark_rendezvous``: a ship AIS does not explain beside a slow AIS vessel at the image time."""

from __future__ import annotations

from alerts.follow_state import Tails
from alerts.rules import dark_rendezvous
from surveillance.store.position_read import PositionArrays
from tests.builders.clock import HOUR_S, MIDNIGHT_S
from tests.builders.detections import seen, ship, vessel_near
from tests.builders.tracks import PORT, SEA, A, B, context, leg, tracks

SLOW_A = leg(A, 2, 5, SEA, sog_knots=1.0)  # drifting at SEA from hour 2 to 7


def test_an_unexplained_ship_beside_a_slow_vessel_names_the_vessel() -> None:
    beside = ship(SEA, hour=4, near_vessels=[vessel_near(A, 180.0)])
    (alert,) = dark_rendezvous.detect(tracks(SLOW_A), context(detections=seen(beside)))
    image_s = MIDNIGHT_S + 4 * HOUR_S
    assert alert.mmsi == (A,)
    assert (alert.start_s, alert.end_s) == (image_s - 1800, image_s + 1800)
    assert alert.evidence["distance_m"] == 180.0
    assert alert.evidence["detection_id"] == 1
    track = alert.evidence["tracks"][str(A)]
    assert track and all(image_s - 2400 <= t <= image_s + 2400 for t, *_ in track)
    assert any("alongside" in r["reason"] for r in alert.reasons)


def test_the_nearest_slow_vessel_in_reach_is_the_partner() -> None:
    fast_b = leg(B, 2, 5, SEA, (SEA[0] + 0.5, SEA[1]), sog_knots=12.0)
    beside = ship(SEA, near_vessels=[vessel_near(B, 100.0, 12.0), vessel_near(A, 600.0)])
    (alert,) = dark_rendezvous.detect(tracks(SLOW_A, fast_b), context(detections=seen(beside)))
    assert alert.mmsi == (A,)
    assert not any("alongside" in r["reason"] for r in alert.reasons)


def test_a_fast_vessel_or_one_out_of_reach_is_no_rendezvous() -> None:
    fast = leg(A, 2, 5, SEA, (SEA[0] + 0.5, SEA[1]), sog_knots=12.0)
    beside = ship(SEA, near_vessels=[vessel_near(A, 180.0, 12.0)])
    assert dark_rendezvous.detect(tracks(fast), context(detections=seen(beside))) == []
    far = ship(SEA, near_vessels=[vessel_near(A, 1500.0)])
    assert dark_rendezvous.detect(tracks(SLOW_A), context(detections=seen(far))) == []


def test_a_matched_or_unsure_detection_is_no_rendezvous() -> None:
    near = [vessel_near(A, 180.0)]
    matched = ship(SEA, number=1, matched_mmsi=B, near_vessels=near)
    unsure = ship(SEA, number=2, confidence=0.1, near_vessels=near)
    assert dark_rendezvous.detect(tracks(SLOW_A), context(detections=seen(matched, unsure))) == []


def test_a_ship_that_could_be_the_vessel_itself_is_no_rendezvous() -> None:
    itself = {**vessel_near(A, 120.0), "could_be": True}  # unmatched for its length only
    beside = ship(SEA, near_vessels=[itself])
    assert dark_rendezvous.detect(tracks(SLOW_A), context(detections=seen(beside))) == []


def test_beside_a_vessel_in_port_is_no_rendezvous() -> None:
    in_port = (PORT[0] + 0.02, PORT[1])
    slow = leg(A, 2, 5, in_port, sog_knots=0.2)
    beside = ship(in_port, near_vessels=[vessel_near(A, 150.0, 0.2)])
    assert dark_rendezvous.detect(tracks(slow), context(detections=seen(beside))) == []


def test_a_follow_cycle_wakes_only_the_vessels_an_unexplained_ship_has_in_reach() -> None:
    near = [vessel_near(A, 300.0), vessel_near(B, 5000.0)]
    ctx = context(detections=seen(ship(SEA, near_vessels=near)))
    tails = Tails(12 * HOUR_S, 24 * HOUR_S)
    tails.replace(
        PositionArrays.concat([leg(A, 3, 1, SEA), leg(B, 3, 1, SEA)]), MIDNIGHT_S + 4 * HOUR_S
    )
    heard = PositionArrays.concat([leg(A, 4, 0.1, SEA), leg(B, 4, 0.1, SEA)])
    delta = tails.absorb(heard, MIDNIGHT_S + 4 * HOUR_S, MIDNIGHT_S + 5 * HOUR_S)
    assert dark_rendezvous.wakes(delta, ctx).tolist() == [A]


def test_a_drone_sighting_beside_a_slow_vessel_is_a_rendezvous_too() -> None:
    sighting = ship(
        SEA, hour=4, scene_id=None, source="drone", near_vessels=[vessel_near(A, 250.0)]
    )
    (alert,) = dark_rendezvous.detect(tracks(SLOW_A), context(detections=seen(sighting)))
    assert alert.mmsi == (A,) and alert.evidence["source"] == "drone"
