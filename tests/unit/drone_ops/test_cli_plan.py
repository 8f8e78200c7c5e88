"""The shared flight options: what they make of the text people type, and what they refuse."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest

from drone_ops.cli_setup import parse_point, setup_from_options
from drone_ops.plan import Point
from surveillance.errors import InputError

DEFAULTS: dict[str, Any] = {
    "home": "34.2,129.29",
    "altitude_m": 60.0,
    "speed_mps": 15.0,
    "battery_min": 25.0,
    "reserve_min": 5.0,
    "min_alt_m": 10.0,
    "max_alt_m": 120.0,
    "max_range_m": None,
    "start": None,
    "wind": None,
    "no_fly": (),
}


def test_the_options_make_a_flight_setup() -> None:
    setup = setup_from_options(
        **{**DEFAULTS, "home": "34.2,129.29,12", "wind": "270@8", "start": "2026-12-01T09:00Z"},
        output=None,  # the other options of a command are passed over
    )
    assert setup.home == Point(34.2, 129.29, 12.0)
    assert (setup.wind_from_deg, setup.wind_mps) == (270.0, 8.0)
    assert setup.planned_start == datetime(2026, 12, 1, 9, tzinfo=UTC)
    assert setup.limits.endurance_min == 25.0 and setup.limits.max_range_m is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"home": "34.2"}, "--home '34.2': expected LAT,LON"),
        ({"home": "95,129"}, "out of range"),
        ({"wind": "west@8"}, "--wind 'west@8': expected FROM_DEG@MPS"),
        ({"speed_mps": 0.0}, "--speed 0 must be more than 0"),
        ({"reserve_min": 30.0}, "--reserve-min must be at least 0 and less than --battery-min"),
        ({"min_alt_m": 130.0}, "--min-alt"),
        ({"start": "tomorrow"}, "--start"),
    ],
)
def test_bad_options_are_refused_naming_the_option(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        setup_from_options(**{**DEFAULTS, **changes})


def test_a_point_has_no_altitude_unless_asked() -> None:
    assert parse_point("34.21,129.31", "--at") == Point(34.21, 129.31)
    with pytest.raises(InputError, match="--at"):
        parse_point("34.21,129.31,50", "--at")
