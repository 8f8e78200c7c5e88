"""The one way times are read from the command line and printed (surveillance.times)."""

from datetime import UTC, datetime, timedelta, timezone

import numpy as np
import pandas as pd
import pytest

from surveillance.errors import InputError
from surveillance.times import (
    from_epoch_s,
    iso_utc,
    parse_time,
    parse_window,
    people_utc,
    people_utc_many,
)
from tests.builders.clock import T0_S

NOON = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26T12:00Z",
        "2026-11-26T12:00:00+00:00",
        "2026-11-26T12:00",  # no zone: UTC
        "2026-11-26 12:00",
        "2026-11-26T21:00+09:00",
        "  2026-11-26T12:00Z ",
    ],
)
def test_a_time_is_read_in_utc(text: str) -> None:
    moment = parse_time(text, "--since")
    assert moment == NOON and moment.tzinfo is UTC


def test_a_date_alone_is_its_midnight_utc() -> None:
    assert parse_time("2026-11-26", "--until") == datetime(2026, 11, 26, tzinfo=UTC)


def test_an_option_not_given_is_none() -> None:
    assert parse_time(None, "--since") is None


@pytest.mark.parametrize("text", ["yesterday", "", "26/11/2026", "2026-13-01"])
def test_a_bad_time_names_its_option(text: str) -> None:
    with pytest.raises(InputError, match="--assume-time wants ISO 8601, e.g. 2026-11-26T12:00Z"):
        parse_time(text, "--assume-time")


@pytest.mark.parametrize(
    "moment",
    [
        NOON,
        datetime(2026, 11, 26, 12, 0),  # naive: UTC
        datetime(2026, 11, 26, 7, 0, tzinfo=timezone(timedelta(hours=-5))),
        pd.Timestamp("2026-11-26T12:00Z"),
        np.datetime64("2026-11-26T12:00"),
        NOON.timestamp(),  # Unix seconds
        np.int64(NOON.timestamp()),
    ],
    ids=["utc", "naive", "offset", "pandas", "numpy", "epoch_s", "numpy_epoch_s"],
)
def test_a_time_is_printed_as_iso_utc_with_z(moment: object) -> None:
    assert iso_utc(moment) == "2026-11-26T12:00:00Z"


def test_fractions_of_a_second_are_kept_to_the_microsecond() -> None:
    assert iso_utc(pd.Timestamp("2026-11-26T12:00:00.250Z")) == "2026-11-26T12:00:00.250000Z"


@pytest.mark.parametrize("missing", [None, pd.NaT, float("nan"), np.datetime64("NaT")])
def test_a_missing_time_prints_as_none_or_open(missing: object) -> None:
    assert iso_utc(missing) is None
    assert people_utc(missing) == "open"
    assert people_utc(missing, missing="") == ""


def test_people_read_minutes_or_seconds_with_a_zone_if_asked() -> None:
    moment = NOON + timedelta(seconds=7)
    assert people_utc(moment) == "2026-11-26 12:00"
    assert people_utc(moment, seconds=True) == "2026-11-26 12:00:07"
    assert people_utc(moment, zone="Z") == "2026-11-26 12:00Z"
    assert people_utc(moment, zone=" UTC") == "2026-11-26 12:00 UTC"


def test_epoch_seconds_and_back() -> None:
    assert from_epoch_s(NOON.timestamp()) == NOON
    assert parse_time(iso_utc(NOON.timestamp()) or "", "--start") == NOON


def test_many_times_read_as_one_does() -> None:
    many = people_utc_many([T0_S, T0_S + 61.5], seconds=True, zone="Z")
    assert many.tolist() == ["2026-11-26 22:00:00Z", "2026-11-26 22:01:01Z"]
    assert many[0] == people_utc(T0_S, seconds=True, zone="Z")


def test_a_window_of_since_and_until_is_open_where_not_given() -> None:
    assert parse_window(None, None) is None
    since, until = parse_window("2026-11-26T01:00", None)
    assert since == datetime(2026, 11, 26, 1, tzinfo=UTC) and until.year == 9999
    since, until = parse_window(None, "2026-11-26T01:00+01:00")
    assert since.year == 1 and until == datetime(2026, 11, 26, tzinfo=UTC)
    with pytest.raises(InputError, match="--since must be before --until"):
        parse_window("2026-11-26T02:00", "2026-11-26T01:00")
