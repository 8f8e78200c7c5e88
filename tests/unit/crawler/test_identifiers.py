"""MMSI, IMO and call-sign finders on text as people write it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.entities.identifiers import find_callsigns, find_imo, find_mmsi, imo_check_holds


def values(found: list) -> list[str]:
    return [entity.value for entity in found]


def test_mmsi_after_its_label_is_sure() -> None:
    text = "EVER GIVEN (MMSI: 353136000) was seen off Tsushima"
    [found] = find_mmsi(text)
    assert (found.value, found.confidence) == ("353136000", 0.95)
    assert text[found.start : found.end] == "353136000"


def test_full_width_mmsi_spans_the_original_text() -> None:
    text = "船舶のＭＭＳＩ：４３１０００１２３。"
    [found] = find_mmsi(text)
    assert found.value == "431000123"
    assert found.text == "４３１０００１２３" == text[found.start : found.end]


def test_mathematical_digits_are_digits() -> None:
    text = "MMSI 𝟒𝟑𝟏𝟎𝟎𝟎𝟏𝟐𝟑"
    [found] = find_mmsi(text)
    assert found.value == "431000123" and found.text == text[5:]


@pytest.mark.parametrize(
    "text",
    [
        "MMSI 100000000",  # no MID 100
        "MMSI 999123456",  # not a ship station
        "order 4310001234",  # ten digits
        "price 431000123.50",
        "call +81 431000123",
        "電話 431000123",
        "v1.431000123",
        "see forum.php?t=431000123",  # an id in a URL
        "the ship sold for 431000123 yen",
        "boat for sale, price 440000000 IDR",
        "ref 431000123",
    ],
)
def test_numbers_that_are_not_mmsis(text: str) -> None:
    assert find_mmsi(text) == []


def test_japanese_punctuation_ends_a_number() -> None:
    text = "船舶 ＭＭＳＩ：４４０１２３４５０、１１月３０日。IMO ９８１１０００。１２月"
    assert values(find_mmsi(text)) == ["440123450"]
    assert values(find_imo(text)) == ["9811000"]


def test_mmsi_lists_and_context_confidence() -> None:
    found = find_mmsi("the vessels 431000123, 353136000 met; 538001234 elsewhere")
    assert values(found) == ["431000123", "353136000", "538001234"]
    assert all(entity.confidence == 0.7 for entity in found)
    [bare] = find_mmsi("see 431000123")
    assert bare.confidence < 0.7


def test_a_table_under_one_heading() -> None:
    text = (
        "MMSI      NAME          IMO\n"
        "431000123 KAIYO         9811000\n"
        "353136000 EVER GIVEN    9241061"
    )
    assert values(find_mmsi(text)) == ["431000123", "353136000"]
    assert all(entity.confidence >= 0.5 for entity in find_mmsi(text))
    assert values(find_imo(text)) == ["9811000", "9241061"]


def test_imo_with_label_and_check_digit() -> None:
    text = "EVER GIVEN IMO 9811000, QUEEN MARY 2 IMO No. 9241061, IMO番号：９０７４７２９"
    found = find_imo(text)
    assert values(found) == ["9811000", "9241061", "9074729"]
    assert all(entity.confidence == 0.95 for entity in found)


def test_imo_with_a_wrong_check_digit_is_not_found() -> None:
    assert find_imo("IMO 9811001 and IMO 9074728") == []


def test_bare_seven_digits_need_ship_context() -> None:
    [found] = find_imo("the tanker 9241061 left port")
    assert (found.value, found.confidence) == ("9241061", 0.6)
    assert find_imo("invoice 9241061") == []
    assert find_imo("we counted 9241061 grains of rice") == []
    assert find_imo("the vessel was fined 9241061 yen") == []


def test_imo_check() -> None:
    assert imo_check_holds("9074729")
    assert not imo_check_holds("9074720")
    assert not imo_check_holds("907472")


@pytest.mark.parametrize(
    ("text", "sign"),
    [
        ("Call sign: 3FAB7", "3FAB7"),
        ("callsign H3RC", "H3RC"),
        ("C/S ELXY9", "ELXY9"),
        ("呼出符号：ＪＤ２３４５の船", "JD2345"),
        ("コールサイン 7JAB が", "7JAB"),
        ("radio call sign is 9V1234.", "9V1234"),
    ],
)
def test_call_signs_after_their_label(text: str, sign: str) -> None:
    [found] = find_callsigns(text)
    assert found.value == sign
    assert text[found.start : found.end].upper() == found.text.upper()
    assert found.text == text[found.start : found.end]


@pytest.mark.parametrize(
    "text",
    [
        "JFZT met the boat",  # a bare word is never a call sign
        "call sign: QABC1",  # Q is no nation's
        "call sign: 1ABC",
        "call sign was unknown",
        "call sign: NONE",
        "callsign 12345",
    ],
)
def test_not_call_signs(text: str) -> None:
    assert find_callsigns(text) == []


def test_a_pathological_page_is_fast_and_finds_nothing_wrong() -> None:
    page = "9" * 400_000 + " call sign " * 20_000 + "IMO " * 50_000 + "4310001 " * 50_000
    assert find_mmsi(page) == []
    assert find_callsigns(page) == []
    find_imo(page)


@given(st.text())
def test_never_raises_and_spans_are_exact(text: str) -> None:
    for finder in (find_mmsi, find_imo, find_callsigns):
        for entity in finder(text):
            assert text[entity.start : entity.end] == entity.text
            assert 0 < entity.confidence <= 1
