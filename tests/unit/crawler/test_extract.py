"""extract(): every finder over one text, overlaps dropped, vessels resolved, the lead's
point and score."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.entities import MIN_CONFIDENCE, extract
from crawler.entities.places import Gazetteer
from crawler.entities.vessels import KnownVessels

POSTED = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
SEA_DRAGON = 440123450
STAR = 431500432
PEARL = 636018765


@pytest.fixture(scope="module")
def known() -> KnownVessels:
    return KnownVessels(
        names={"SEA DRAGON": SEA_DRAGON, "TSUSHIMA STAR": STAR, "OCEAN PEARL": PEARL},
        callsigns={"DSAB7": SEA_DRAGON},
        imos={"9213454": PEARL},
        watched=["BLUE HERON"],
    )


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.packaged()


def test_a_post_gives_every_kind_with_exact_spans(
    known: KnownVessels, gazetteer: Gazetteer
) -> None:
    text = (
        "Re: night work off Tsushima\nthe SEA DRAGON (MMSI 440123450) meets a tanker tomorrow "
        "night at 23:00 near 34°12'N 129°45'E. Ship-to-ship, AIS off. Mail sd@protonmail.com"
    )
    findings = extract(text, posted=POSTED, known=known, gazetteer=gazetteer)
    kinds = {(e.kind, e.value) for e in findings.entities}
    assert kinds == {
        ("place", "Tsushima"),
        ("vessel", "SEA DRAGON"),
        ("mmsi", "440123450"),
        ("time", "2026-11-30T23:00:00Z"),
        ("position", "34.2000,129.7500"),
        ("email", "sd@protonmail.com"),
    }
    for entity in findings.entities:
        assert text[entity.start : entity.end] == entity.text
    assert [e.start for e in findings.entities] == sorted(e.start for e in findings.entities)
    assert findings.mmsi == [SEA_DRAGON]
    assert (findings.lon, findings.lat) == (129.75, 34.2)
    assert findings.terms == ["ais off", "ship-to-ship"]
    assert findings.score >= 80


def test_imo_call_sign_and_name_resolve_to_mmsi(known: KnownVessels, gazetteer: Gazetteer) -> None:
    text = "The freighter IMO 9213454 met C/S DSAB7 and the TSUSHIMA STAR."
    findings = extract(text, posted=POSTED, known=known, gazetteer=gazetteer)
    assert findings.mmsi == sorted([PEARL, SEA_DRAGON, STAR])


def test_a_watched_name_is_an_entity_without_an_mmsi(
    known: KnownVessels, gazetteer: Gazetteer
) -> None:
    findings = extract("the BLUE HERON is back", posted=POSTED, known=known, gazetteer=gazetteer)
    assert [(e.kind, e.value) for e in findings.entities] == [("vessel", "BLUE HERON")]
    assert findings.mmsi == []


def test_overlaps_keep_the_surer_longer_entity(known: KnownVessels, gazetteer: Gazetteer) -> None:
    findings = extract(
        "TSUSHIMA STAR loading at Izuhara", posted=POSTED, known=known, gazetteer=gazetteer
    )
    assert [(e.kind, e.value) for e in findings.entities] == [
        ("vessel", "TSUSHIMA STAR"),
        ("place", "Izuhara"),
    ]
    for a, b in zip(findings.entities, findings.entities[1:], strict=False):
        assert a.end <= b.start


def test_the_point_is_a_position_first_then_a_place(
    known: KnownVessels, gazetteer: Gazetteer
) -> None:
    placed = extract("pickup off Hakata", posted=POSTED, known=known, gazetteer=gazetteer)
    assert (placed.lon, placed.lat) == gazetteer.point("Hakata")
    both = extract(
        "off Hakata, at 33.9012, 130.1234", posted=POSTED, known=known, gazetteer=gazetteer
    )
    assert (both.lon, both.lat) == (130.1234, 33.9012)
    nowhere = extract("nothing here", posted=POSTED, known=known, gazetteer=gazetteer)
    assert (nowhere.lon, nowhere.lat, nowhere.score, nowhere.entities) == (None, None, 0, [])


def test_unsure_findings_are_not_reported(known: KnownVessels, gazetteer: Gazetteer) -> None:
    findings = extract(
        "we counted 440123450 and 9213454 of them", posted=POSTED, known=known, gazetteer=gazetteer
    )
    assert all(e.confidence >= MIN_CONFIDENCE for e in findings.entities)
    assert findings.mmsi == []


def test_the_score_grows_with_what_the_lead_names(
    known: KnownVessels, gazetteer: Gazetteer
) -> None:
    talk = extract("ship-to-ship transfer", posted=POSTED, known=known, gazetteer=gazetteer)
    named = extract(
        "ship-to-ship transfer, SEA DRAGON, off Izuhara, tonight",
        posted=POSTED,
        known=known,
        gazetteer=gazetteer,
    )
    assert 0 < talk.score < named.score <= 100


_FRAGMENTS = st.sampled_from(
    [
        "MMSI 440123450",
        "IMO 9213454",
        "34°12'N 129°45'E",
        "北緯34度12分 東経129度45分",
        "33.9012, 130.1234",
        "tomorrow night at 23:00",
        "明日の夜22時",
        "SEA DRAGON",
        "Sea-Drag",
        "対馬沖",
        "Hamada",
        "@seadragon",
        "+81 90 1234 5678",
        "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa",
        "瀬取り",
        "２０２６年１１月３０日",
        "\x00",
        "\u200b",
        "𝟒𝟒𝟎",
        "\r\n",
    ]
)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_FRAGMENTS, st.text(max_size=12)), max_size=12), st.booleans())
def test_extract_never_raises_and_spans_are_exact(parts: list[str], with_posted: bool) -> None:
    text = " ".join(parts)
    known = KnownVessels({"SEA DRAGON": SEA_DRAGON}, {"DSAB7": SEA_DRAGON}, {"9213454": PEARL})
    findings = extract(
        text, posted=POSTED if with_posted else None, known=known, gazetteer=Gazetteer.packaged()
    )
    for entity in findings.entities:
        assert text[entity.start : entity.end] == entity.text
        assert entity.confidence >= MIN_CONFIDENCE
    for a, b in zip(findings.entities, findings.entities[1:], strict=False):
        assert a.end <= b.start
    assert 0 <= findings.score <= 100
    assert (findings.lon is None) == (findings.lat is None)
