"""Night and day from the sun's elevation, for the landing rule's score."""

from __future__ import annotations

import numpy as np

from alerts.sun import is_night
from tests.builders.clock import HOUR_S, MIDNIGHT_S


def test_night_follows_the_sun_in_tokyo() -> None:
    midnight_jst, noon_jst = MIDNIGHT_S + 15 * HOUR_S, MIDNIGHT_S + 3 * HOUR_S
    assert is_night(np.array([midnight_jst, noon_jst]), 139.7, 35.7).tolist() == [True, False]
