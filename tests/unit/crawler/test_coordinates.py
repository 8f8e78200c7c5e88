"""Positions as people write them, in English and Japanese, and what only looks like one."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crawler.entities.coordinates import find_positions


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("34.2083, 129.75", "34.2083,129.7500"),
        ("34.2083N 129.75E", "34.2083,129.7500"),
        ("34.2083°N, 129.7500°E", "34.2083,129.7500"),
        ("34°12'N 129°45'E", "34.2000,129.7500"),
        ("34° 12.5' N, 129° 45.0' E", "34.2083,129.7500"),
        ("34-12.5N 129-45.0E", "34.2083,129.7500"),
        ("34°12′30″N 129°45′00″E", "34.2083,129.7500"),
        ("34º12'30\"N 129º45'E", "34.2083,129.7500"),
        ("N34 12.5 E129 45.0", "34.2083,129.7500"),
        ("N 34°12.5' E 129°45.0'", "34.2083,129.7500"),
        ("129°45'E 34°12'N", "34.2000,129.7500"),
        ("北緯34度12分 東経129度45分", "34.2000,129.7500"),
        ("北緯34度12分30秒、東経129度45分", "34.2083,129.7500"),
        ("北緯３４度１２．５分　東経１２９度４５分", "34.2083,129.7500"),
        ("南緯33度52分 西経151度12分", "-33.8667,-151.2000"),
        ("33°52'S 151°12'E", "-33.8667,151.2000"),
        ("lat: -33.8688, lon: 151.2093", "-33.8688,151.2093"),
        ("latitude 34.2 longitude 129.75", "34.2000,129.7500"),
        ("34N 129E", "34.0000,129.0000"),
        ("34.2083、129.75", "34.2083,129.7500"),
        ("34.2083/129.75", "34.2083,129.7500"),
        ("3412.50N 12945.00E", "34.2083,129.7500"),
        ("3412.50,N,12945.00,E", "34.2083,129.7500"),
        ("東経129度45分、北緯34度12分", "34.2000,129.7500"),
    ],
)
def test_written_forms(text: str, value: str) -> None:
    sentence = f"The boats met at {text} at night."
    [found] = find_positions(sentence)
    assert found.value == value
    assert found.text == text == sentence[found.start : found.end]


@pytest.mark.parametrize(
    "text",
    [
        "meet at 12:30, 13:45 tomorrow",
        "price $12.50, 3.750 each",
        "version 1.2.3 and 4.5.6",
        "v2.1 3.1415",
        "94°12'N 129°45'E",  # latitude over 90
        "34°12'N 189°45'E",  # longitude over 180
        "34°75'N 129°45'E",  # 75 minutes
        "34°12'75\"N 129°45'E",  # 75 seconds
        "95.1234, 10.5",
        "N1 E2 London",  # a postcode
        "34°12'N alone",
        "北緯34度12分",
        "12.5% 34.125%",
        "sizes 1.5, 2.375 inches",
    ],
)
def test_not_positions(text: str) -> None:
    assert find_positions(text) == []


def test_context_words_raise_a_bare_decimal_pair() -> None:
    [bare] = find_positions("34.2083, 129.75")
    [said] = find_positions("position 34.2083, 129.75")
    [jp] = find_positions("座標 34.2083, 129.75")
    assert bare.confidence < said.confidence == jp.confidence


def test_an_axis_refused_for_its_range_does_not_hide_the_next_reading() -> None:
    [found] = find_positions("1.234 34.2083 N 129.75 E")
    assert found.text == "34.2083 N 129.75 E"


def test_several_positions_in_order() -> None:
    text = "Drop at 34°12'N 129°45'E; pickup 北緯33度10分 東経129度30分, then 35.1N 130.2E"
    assert [f.value for f in find_positions(text)] == [
        "34.2000,129.7500",
        "33.1667,129.5000",
        "35.1000,130.2000",
    ]


def test_a_pathological_page_finds_nothing() -> None:
    page = "1 " * 200_000 + "1." * 200_000 + "9" * 200_000 + "N1 " * 100_000 + "北緯1度" * 50_000
    page += "34°" * 100_000 + "- " * 100_000
    assert find_positions(page) == []


@given(st.text(alphabet=st.sampled_from("0123456789 .,-°'\"NSEW北緯東経度分秒０１２x")))
def test_never_raises_and_spans_are_exact(text: str) -> None:
    for found in find_positions(text):
        assert text[found.start : found.end] == found.text
        lat, lon = (float(part) for part in found.value.split(","))
        assert -90 <= lat <= 90 and -180 <= lon <= 180


@given(st.text())
def test_never_raises_on_any_text(text: str) -> None:
    for found in find_positions(text):
        assert text[found.start : found.end] == found.text
