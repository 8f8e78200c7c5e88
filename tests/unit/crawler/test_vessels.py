"""Known vessels found by name, fuzzy, and identifiers resolved to an MMSI."""

from __future__ import annotations

import pytest

from crawler.entities.base import Entity
from crawler.entities.vessels import KnownVessels

SEA_DRAGON = 440123456
HOPE = 431000001


@pytest.fixture
def known() -> KnownVessels:
    return KnownVessels(
        names={"SEA DRAGON": SEA_DRAGON, "HOPE": HOPE, "KOWA MARU NO 8": 431999999, "ABC": 1},
        callsigns={"JD2345": HOPE},
        imos={"9074729": SEA_DRAGON},
        watched=["GOLDEN LOTUS"],
    )


def names(known: KnownVessels, text: str) -> list[tuple[str, str]]:
    return [(e.value, e.text) for e in known.find(text)]


@pytest.mark.parametrize(
    "written", ["the SEA DRAGON", "Sea-Dragon", "SeaDragon", "Sea Dragon", "SEA DRAGGON"]
)
def test_a_name_however_written(known: KnownVessels, written: str) -> None:
    ((name, text),) = names(known, f"seen {written} off Izuhara")
    assert name == "SEA DRAGON"
    assert text in written


def test_a_spelling_slip_is_less_sure(known: KnownVessels) -> None:
    (exact,) = known.find("SEA DRAGON")
    (slip,) = known.find("SEA DRAGGON")
    assert slip.confidence < exact.confidence


def test_one_word_names_need_capitals_or_a_prefix(known: KnownVessels) -> None:
    assert names(known, "there is hope") == []
    assert names(known, "MV Hope left") == [("HOPE", "Hope")]
    assert names(known, "HOPE left") == [("HOPE", "HOPE")]


def test_short_names_never_count(known: KnownVessels) -> None:
    assert names(known, "ABC ABC") == []


def test_words_apart_are_no_name(known: KnownVessels) -> None:
    assert names(known, "SEA, DRAGON") == []


def test_watched_names_are_found_without_an_mmsi(known: KnownVessels) -> None:
    (entity,) = known.find("the Golden Lotus tanker")
    assert entity.value == "GOLDEN LOTUS"
    assert known.mmsi_of(entity) is None


def test_names_with_numbers(known: KnownVessels) -> None:
    assert names(known, "Kowa Maru No.8 is late") == [("KOWA MARU NO 8", "Kowa Maru No.8")]


def test_spans_point_into_the_text(known: KnownVessels) -> None:
    text = "SEA DRAGON, MV Hope and Kowa Maru No.8"
    for entity in known.find(text):
        assert text[entity.start : entity.end] == entity.text


@pytest.mark.parametrize(
    ("kind", "value", "mmsi"),
    [
        ("mmsi", "431000001", HOPE),
        ("imo", "9074729", SEA_DRAGON),
        ("callsign", "JD2345", HOPE),
        ("vessel", "SEA DRAGON", SEA_DRAGON),
        ("imo", "9999999", None),
        ("place", "Hakata", None),
    ],
)
def test_identifiers_resolve_to_an_mmsi(
    known: KnownVessels, kind: str, value: str, mmsi: int | None
) -> None:
    assert known.mmsi_of(Entity(kind, value, value, 0, len(value), 0.9)) == mmsi


def test_known_call_signs_are_found_without_a_label(known: KnownVessels) -> None:
    text = "JD2345 left at dawn; jd2345 and XJD23456 are not it"
    assert [(e.kind, e.value, e.start) for e in known.find(text)] == [("callsign", "JD2345", 0)]
