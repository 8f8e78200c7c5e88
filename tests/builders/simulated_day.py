"""A simulated day in a store, as a user would put it there: `simulate`, then the AIS feed,
the watchlist, the SAR scenes and the web pages ingested with the real CLI."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.builders import cli
from tests.builders.cli import Ran

__all__ = ["simulated_day"]


def simulated_day(
    out: Path,
    coastwatch: Callable[..., Ran],
    intel: Callable[..., Ran],
    *,
    seed: int,
    scenario: str = "standard",
    vessels: int = 40,
) -> dict[str, Any]:
    """Simulate a day into ``out``, ingest all of it and return its ground truth."""
    made = cli.run(
        *("simulate", "--out", str(out), "--seed", str(seed), "--vessels", str(vessels)),
        *("--hours", "24", "--scenario", scenario),
    )
    assert made.returncode == 0, made.stderr
    assert coastwatch("ingest", "ais", str(out / "feed.nmea")).code == 0
    assert intel("watchlist", "import", str(out / "watchlist.csv")).code == 0
    assert coastwatch("ingest", "scene", str(out / "scenes")).code == 0
    crawled = coastwatch("crawl", "--sources", str(out / "web" / "sources.toml"))
    assert crawled.code == 0, crawled.stderr
    return dict(json.loads((out / "truth.json").read_text()))
