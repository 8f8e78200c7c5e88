"""Watchlist values are normalised at the edge, and bad ones are named."""

import pytest

from surveillance.errors import InputError
from surveillance.watchlist import imo_check_digit_ok, normalise


@pytest.mark.parametrize(
    ("kind", "value", "stored"),
    [
        ("mmsi", " 431000001 ", "431000001"),
        ("mmsi", "002311000", "002311000"),
        ("imo", "9074729", "9074729"),
        ("imo", "IMO 9074729", "9074729"),
        ("imo", "imo9176187", "9176187"),
        ("callsign", "d5 ab1", "D5AB1"),
        ("name", "  sea \t breeze  ", "SEA BREEZE"),
    ],
)
def test_values_are_stored_normalised(kind: str, value: str, stored: str) -> None:
    assert normalise(kind, value) == stored


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("mmsi", "43100000", "not an MMSI (9 digits): '43100000'"),
        ("mmsi", "4310000O1", "not an MMSI (9 digits): '4310000O1'"),
        ("imo", "907472", "not an IMO number (7 digits): '907472'"),
        ("imo", "9074728", "not an IMO number (wrong check digit): '9074728'"),
        ("callsign", "D5-AB1", "not a call sign (2 to 16 letters and digits): 'D5-AB1'"),
        ("name", "   ", "not a vessel name (1 to 128 characters): ''"),
        ("flag", "PA", "not a watchlist kind: 'flag'"),
    ],
)
def test_bad_values_are_named(kind: str, value: str, message: str) -> None:
    with pytest.raises(InputError) as refused:
        normalise(kind, value)
    assert str(refused.value) == message


def test_imo_check_digit() -> None:
    # 9*7 + 0*6 + 7*5 + 4*4 + 7*3 + 2*2 = 139: check digit 9
    assert imo_check_digit_ok("9074729")
    assert not imo_check_digit_ok("9074720")
    assert not imo_check_digit_ok("907472")
