"""The scenario's forum pages (simulator/web.py): they speak of its STS transfer and its
landing as the truth says, one in Shift_JIS, a mirror that is a near-duplicate, chatter that
names nothing, and a sources file that points at them."""

from __future__ import annotations

import tomllib
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import lxml.html
import numpy as np
import pytest

from crawler.dedupe import NearDuplicates, content_hash, signature
from crawler.text import page_text
from simulator.builder import Scenario
from simulator.scenario import _Builder
from simulator.web import place_names, write_web
from simulator.world import World
from surveillance.reference import area_of_operations
from surveillance.settings import Settings
from surveillance.times import iso_utc
from tests.builders.clock import MIDNIGHT_S


@pytest.fixture(scope="module")
def scenario_world() -> tuple[Scenario, World]:
    world = World(area_of_operations(Settings()), np.random.default_rng(5))
    day = _Builder(world, MIDNIGHT_S, 24)
    day.sts(dark_partner=False)
    day.landing()
    scenario = Scenario(
        day.start_s, day.end_s, day.vessels, day.truth, day.receivers_m, ["rx00"], []
    )
    return scenario, world


@pytest.fixture(scope="module")
def written(
    scenario_world: tuple[Scenario, World], tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, list[dict]]:
    scenario, world = scenario_world
    out = tmp_path_factory.mktemp("sim")
    return out, write_web(scenario, world, out)


def post_texts(page: Path) -> dict[str, str]:
    """Each post's text as the crawl cuts it (the sources file's selectors), by anchor."""
    tree = lxml.html.document_fromstring(page.read_bytes())
    posts = tree.cssselect("article.post") or tree.cssselect("div.paste")
    return {
        post.get("id"): page_text(
            lxml.html.tostring((post.cssselect("div.content") or post.cssselect("pre"))[0])
        ).text
        for post in posts
    }


def test_every_post_names_what_the_truth_says(written: tuple[Path, list[dict]]) -> None:
    out, leads = written
    for lead in leads:
        text = post_texts(out / lead["page"])[lead["anchor"]]
        for entity in lead["entities"]:
            assert entity["text"] in text, (lead["page"], entity)
    assert {lead["source"] for lead in leads} == {"harbour-talk", "paste-mirror"}


def test_the_transfer_s_vessels_are_named_by_mmsi_and_name(
    scenario_world: tuple[Scenario, World], written: tuple[Path, list[dict]]
) -> None:
    scenario, _ = scenario_world
    (sts,) = [e for e in scenario.truth if e["type"] == "sts_transfer"]
    names = {v.mmsi: v.name for v in scenario.vessels}
    about = [lead for lead in written[1] if (lead["event"] or {}).get("type") == "sts_transfer"]
    assert {lead["language"] for lead in about} == {"en", "ja"}
    named = {(e["kind"], e["value"]) for lead in about for e in lead["entities"]}
    assert {("mmsi", str(m)) for m in sts["mmsi"]} <= named
    assert {("vessel", names[m]) for m in sts["mmsi"]} <= named
    (english,) = [
        lead for lead in about if lead["source"] == "harbour-talk" and lead["language"] == "en"
    ]
    lat, lon = (
        float(v)
        for v in next(e["value"] for e in english["entities"] if e["kind"] == "position").split(",")
    )
    assert abs(lat - sts["lat"]) < 0.001 and abs(lon - sts["lon"]) < 0.001
    (when,) = [e["value"] for e in english["entities"] if e["kind"] == "time"]
    assert (
        abs(np.datetime64(when.rstrip("Z")).astype("datetime64[s]").astype(int) - sts["start"])
        <= 300
    )
    assert english["posted"] < when


def test_the_landing_is_spoken_of_the_night_before_in_shift_jis(
    scenario_world: tuple[Scenario, World], written: tuple[Path, list[dict]]
) -> None:
    scenario, _ = scenario_world
    out, leads = written
    (landing,) = [e for e in scenario.truth if e["type"] == "suspicious_landing"]
    raw = (out / "web/forum/thread-2.html").read_bytes()
    page = page_text(raw)
    assert page.encoding == "shift_jis" and page.language == "ja"
    assert "明日の夜" in page.text and "瀬取り" in page.text
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    about = [lead for lead in leads if (lead["event"] or {}).get("type") == "suspicious_landing"]
    assert about and all(lead["posted"] < iso_utc(landing["start"]) for lead in about)
    assert about[0]["posted"] < iso_utc(landing["start"] - 12 * 3600)  # the evening before
    position = next(e for lead in about for e in lead["entities"] if e["kind"] == "position")
    lat, lon = (float(v) for v in position["value"].split(","))
    assert abs(lat - landing["lat"]) < 0.02 and abs(lon - landing["lon"]) < 0.02  # whole minutes


def test_chatter_names_nothing(written: tuple[Path, list[dict]]) -> None:
    chatter = [lead for lead in written[1] if lead["event"] is None]
    assert len(chatter) >= 4
    assert all(not lead["entities"] for lead in chatter)


def test_the_mirror_is_a_near_duplicate_of_the_post(written: tuple[Path, list[dict]]) -> None:
    out, _ = written
    (original,) = [t for a, t in post_texts(out / "web/forum/thread-1.html").items() if a == "p1"]
    (mirrored,) = post_texts(out / "web/mirror/harbour-talk-1.html").values()
    assert content_hash(original) != content_hash(mirrored)
    seen = NearDuplicates()
    for text in post_texts(out / "web/forum/thread-1.html").values():
        seen.add(content_hash(text), signature(text))
    assert seen.match(signature(mirrored)) == content_hash(original)


def test_the_sources_file_crawls_the_saved_pages(written: tuple[Path, list[dict]]) -> None:
    out, leads = written
    sources = tomllib.loads((out / "web/sources.toml").read_text())["source"]
    assert set(sources) == {lead["source"] for lead in leads}
    pages = set()
    for source in sources.values():
        assert source["depth"] == 0 and source["posts"]["container"]
        for url in source["start_urls"]:
            assert urlsplit(url).scheme == "file"
            pages.add(Path(url2pathname(urlsplit(url).path)))
    assert pages == {(out / lead["page"]).resolve() for lead in leads}
    assert all(page.is_file() for page in pages)


def test_the_pages_are_the_same_for_the_same_scenario(
    scenario_world: tuple[Scenario, World], written: tuple[Path, list[dict]], tmp_path: Path
) -> None:
    scenario, world = scenario_world
    assert write_web(scenario, world, tmp_path) == written[1]
    for page in (tmp_path / "web").rglob("*.html"):
        assert page.read_bytes() == (written[0] / page.relative_to(tmp_path)).read_bytes()


def test_ports_are_written_in_japanese_as_geonames_names_their_town_in_kanji() -> None:
    assert place_names("Sakaiminato", 133.23, 35.54) == ("Sakaiminato", "境港")
    assert place_names("Shimonoseki", 130.94, 33.95) == ("Shimonoseki", "下関")  # not 下关
    assert place_names("Pusan", 129.04, 35.10) == ("Pusan", "釜山")
    assert place_names("Funabashi", 139.98, 35.69) == ("Funabashi", "船橋")
    assert place_names("Nowhere-on-Sea", 130.0, 34.0) == ("Nowhere-on-Sea", "Nowhere-on-Sea")


def test_a_far_town_of_the_same_spelling_is_not_the_ports() -> None:
    # GeoNames lists Aburatsu among Abashiri's names, 1,700 km from Aburatsu's port
    assert place_names("Aburatsu", 131.40, 31.58) == ("Aburatsu", "Aburatsu")
    assert place_names("Furukawa", 140.96, 38.57) == ("Furukawa", "古川")  # not Fukushima
