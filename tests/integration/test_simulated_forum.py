"""The simulator's forum crawled as the demo crawls it: ``coastwatch crawl --sources
web/sources.toml`` over the saved pages (``file://``) stores one lead a post, the paste
mirror as a sighting of the post it copies, the Shift_JIS thread as Japanese, the transfer's
vessels linked; a second crawl stores nothing new."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from simulator.builder import Scenario
from simulator.scenario import _Builder
from simulator.web import write_web
from simulator.world import World
from surveillance.reference import area_of_operations
from surveillance.settings import Settings
from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.clock import MIDNIGHT_S

pytestmark = pytest.mark.integration

TSUSHIMA = Settings(aoi_name="tsushima", aoi_bbox_deg=(128.5, 33.0, 131.5, 35.5))


@pytest.fixture(scope="module")
def forum(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]], dict]:
    world = World(area_of_operations(TSUSHIMA), np.random.default_rng(5))
    day = _Builder(world, MIDNIGHT_S, 24)
    day.sts(dark_partner=False)
    day.landing()
    scenario = Scenario(day.start_s, day.end_s, day.vessels, day.truth, day.receivers_m, [], [])
    out = tmp_path_factory.mktemp("forum")
    (sts,) = [e for e in day.truth if e["type"] == "sts_transfer"]
    return out, write_web(scenario, world, out), sts


def test_the_forum_is_one_lead_a_post_and_the_mirror_a_sighting(
    forum: tuple[Path, list[dict[str, Any]], dict], coastwatch: Coastwatch, store: Store
) -> None:
    out, posts, sts = forum
    sources = str(out / "web" / "sources.toml")
    ran = coastwatch("crawl", "--sources", sources)
    assert ran.code == 0, ran.stderr
    with store.as_role("intel") as intel:
        leads = intel.leads()
        naming = leads[leads["mmsi"].map(lambda mmsi: bool(set(mmsi) & set(sts["mmsi"])))]
        (copied,) = naming[naming["sightings"] == 2]["id"]
        seen = intel.lead_sightings(int(copied))
    assert len(leads) == len(posts) - 1  # the mirror's copy is no lead of its own
    assert len(naming) == 2  # the English post and the Japanese one
    assert set(seen["source"]) == {"harbour-talk", "paste-mirror"} and seen["near"].any()
    japanese = leads[leads["language"] == "ja"]
    assert len(japanese) == sum(p["language"] == "ja" for p in posts)
    assert "瀬取り" in "\n".join(japanese["text"]) and "\ufffd" not in "".join(japanese["text"])
    again = coastwatch("crawl", "--sources", sources)
    assert again.code == 0, again.stderr
    with store.as_role("intel") as intel:
        assert len(intel.leads()) == len(leads)
