"""``suspicious_landing``: a stop off an unwatched shore after coming in from sea."""

from __future__ import annotations

from alerts.rules import suspicious_landing
from tests.builders.tracks import A, context, leg, tracks


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
