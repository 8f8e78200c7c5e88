"""The gazetteer: English and Japanese names, longest first, ambiguous names in context."""

from __future__ import annotations

import pytest

from crawler.entities.places import Gazetteer, Place
from surveillance.errors import InputError


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.packaged()


def found(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    return [(e.value, e.text) for e in gazetteer.find(text)]


def test_english_and_japanese_names_give_the_english_name(gazetteer: Gazetteer) -> None:
    text = "pickup off Izuhara, then 博多港 and 釜山"
    assert found(gazetteer, text) == [
        ("Izuhara", "Izuhara"),
        ("Hakata", "博多"),
        ("Busan", "釜山"),
    ]


def test_spans_point_into_the_text(gazetteer: Gazetteer) -> None:
    text = "船は対馬沖から下関へ (Kita-Kyushu)"
    for entity in gazetteer.find(text):
        assert text[entity.start : entity.end] == entity.text
    assert {e.value for e in gazetteer.find(text)} == {"Tsushima", "Shimonoseki", "Kitakyushu"}


def test_the_longest_name_wins(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "the Tsushima Strait at dawn") == [
        ("Tsushima Strait", "Tsushima Strait")
    ]
    assert found(gazetteer, "上対馬の港") == [("Kamitsushima", "上対馬")]


def test_latin_names_end_at_word_boundaries(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Ubeda and Kobeland and ashibetsu") == []
    assert found(gazetteer, "Busan港") == [("Busan", "Busan")]


def test_spelling_variants_are_one_place(gazetteer: Gazetteer) -> None:
    names = {e.value for e in gazetteer.find("KITAKYUSHU, Kita Kyushu, Sakai-minato, Pusan")}
    assert names == {"Kitakyushu", "Sakaiminato", "Busan"}


@pytest.mark.parametrize(
    "text",
    ["Mr Hamada said no", "大分疲れた", "the goto statement", "Chiba-san will call", "松浦さん"],
)
def test_surnames_and_words_alone_are_no_places(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.find(text) == []


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("anchored off Hamada", "Hamada"),
        ("Hamada port at 22:00", "Hamada"),
        ("大分港で受け渡し", "Oita"),
        ("松浦沖", "Matsuura"),
        ("the Goto Islands", "Goto Islands"),
    ],
)
def test_ambiguous_names_count_in_context(gazetteer: Gazetteer, text: str, place: str) -> None:
    assert [e.value for e in gazetteer.find(text)] == [place]


def test_a_name_in_context_is_surer(gazetteer: Gazetteer) -> None:
    (bare,) = gazetteer.find("Izuhara")
    (placed,) = gazetteer.find("Izuhara port")
    assert placed.confidence > bare.confidence


def test_point_by_any_name(gazetteer: Gazetteer) -> None:
    assert gazetteer.point("Hakata") == gazetteer.point("博多") == gazetteer.point("hakata")
    lon, lat = gazetteer.point("Izuhara")
    assert 129 < lon < 130 and 34 < lat < 34.5


def test_an_unknown_point_is_a_clear_error(gazetteer: Gazetteer) -> None:
    with pytest.raises(InputError, match="not a place"):
        gazetteer.point("Atlantis")


def test_every_packaged_place_is_in_the_area_and_named_both_ways(gazetteer: Gazetteer) -> None:
    places = gazetteer.places
    assert len(places) >= 250  # the demo area by hand, and every seaport of the default area
    for place in places:
        assert 20 <= place.lat <= 47 and 120 <= place.lon <= 150, place
    demo_area = [p for p in places if 32 <= p.lat <= 36 and 128 <= p.lon <= 131.5]
    assert len(demo_area) >= 60
    assert all(p.japanese for p in demo_area)


def test_ports_of_the_default_area_are_known(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "off Hibikinada and 響灘, then Muroran port") == [
        ("Hibikinada", "Hibikinada"),
        ("Hibikinada", "響灘"),
        ("Muroran", "Muroran"),
    ]
    assert found(gazetteer, "Mr Shimizu and 石垣さん") == []


def test_a_gazetteer_of_ones_own() -> None:
    gazetteer = Gazetteer([Place("Port Nowhere", ("Port Nowhere",), ("無港",), 1.0, 2.0)])
    assert [e.value for e in gazetteer.find("to port nowhere, 無港")] == ["Port Nowhere"] * 2
    assert gazetteer.point("Port Nowhere") == (1.0, 2.0)


def test_an_ambiguous_name_in_a_list_of_places_counts(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "Goods land at Fukue, Goto.") == [
        ("Fukue", "Fukue"),
        ("Goto Islands", "Goto"),
    ]
    assert found(gazetteer, "Mr Chiba and Kawasaki sent bikes") == []


def test_full_width_latin_is_folded_and_reported_as_written(gazetteer: Gazetteer) -> None:
    assert found(gazetteer, "ＢＵＳＡＮ港") == [("Busan", "ＢＵＳＡＮ")]


def test_compass_and_distance_give_context_and_accents_do_not_matter(
    gazetteer: Gazetteer,
) -> None:
    assert found(gazetteer, "about 5 km NE of Chiba.") == [("Chiba", "Chiba")]
    assert found(gazetteer, "千葉から北へ") == [("Chiba", "千葉")]
    assert found(gazetteer, "Hōfu port, Ōita") == [("Hofu", "Hōfu"), ("Oita", "Ōita")]
