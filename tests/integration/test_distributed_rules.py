"""The rules cut into tiles store exactly the alerts of one whole run: in process, and on a
Dask ``LocalCluster`` of separate worker processes that read their own positions.

The day is the simulator's hard scenario (several events of each kind, confounders, SAR
scenes, web leads); the tiles are laid so that a grid line runs through the STS transfer,
and the test checks that events really do lie across tile edges.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from distributed import LocalCluster

from alerts.partition import owners, plan_tiles
from surveillance.settings import load_settings
from surveillance.store import Store
from tests.builders import cli
from tests.builders.cli import Ran, as_user, invoke
from tests.builders.users import add_user

COMPARED = ["id", "type", "score", "start", "end", "mmsi", "score_reasons", "evidence"]


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as running:
        yield running


def _alerts(store: Store) -> pd.DataFrame:
    frame = store.alerts()
    frame = frame.assign(
        geom=frame.geometry.to_wkt(),
        mmsi=frame["mmsi"].map(lambda m: sorted(int(v) for v in m)),
        evidence=frame["evidence"].map(lambda e: json.dumps(e, sort_keys=True)),
        score_reasons=frame["score_reasons"].map(lambda r: json.dumps(r, sort_keys=True)),
    )
    return pd.DataFrame(frame[[*COMPARED, "geom"]]).sort_values("id").reset_index(drop=True)


def _tile_through(event: dict[str, Any], west: float) -> float:
    """A tile size (about 1.5 degrees) that puts a grid line on the event's longitude."""
    lines = max(1, round((event["lon"] - west) / 1.5))
    return float((event["lon"] - west) / lines)


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def test_tiles_on_workers_store_the_alerts_of_one_whole_run(
    tmp_path: Path,
    store: Store,
    coastwatch: Callable[..., Ran],
    clone_store: Callable[[Store], Store],
    cluster: LocalCluster,
) -> None:
    intel = as_user(coastwatch, add_user(store, "ines", "intel").username)
    made = cli.run(
        *("simulate", "--out", str(tmp_path), "--seed", "21", "--vessels", "40"),
        *("--hours", "24", "--scenario", "hard"),
    )
    assert made.returncode == 0, made.stderr
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert coastwatch("ingest", "ais", str(tmp_path / "feed.nmea")).code == 0
    assert intel("watchlist", "import", str(tmp_path / "watchlist.csv")).code == 0
    assert coastwatch("ingest", "scene", str(tmp_path / "scenes")).code == 0
    assert coastwatch("crawl", "--sources", str(tmp_path / "web" / "sources.toml")).code == 0
    tiled, distributed = clone_store(store), clone_store(store)

    settings = load_settings(database_url=_url(store))
    sts = next(e for e in truth["events"] if e["type"] == "sts_transfer")
    tile_deg = _tile_through(sts, settings.aoi_bbox_deg[0])
    tiles = plan_tiles(settings.aoi_bbox_deg, tile_deg)
    env = {"COASTWATCH_RULES__DETECT_TILE_DEG": repr(tile_deg)}
    window = ("--since", truth["start"], "--until", truth["end"])

    whole = coastwatch("detect", *window)
    assert whole.code == 0, whole.stderr
    in_tiles = invoke(_url(tiled), "detect", *window, env=env)
    assert in_tiles.code == 0, in_tiles.stderr
    assert "tile(s) each, on 1 worker" in in_tiles.stdout
    on_workers = invoke(
        _url(distributed), "detect", *window, "--scheduler", cluster.scheduler_address, env=env
    )
    assert on_workers.code == 0, on_workers.stderr
    assert "on 2 worker(s)" in on_workers.stdout

    # events do lie across tile edges: the STS pair on a grid line, tracks through several
    positions = store.positions()
    tile_of = owners(tiles, positions.geometry.x.to_numpy(), positions.geometry.y.to_numpy())
    crossing = [
        e["type"]
        for e in truth["events"]
        if e.get("mmsi") and len(np.unique(tile_of[positions["mmsi"].isin(e["mmsi"])])) > 1
    ]
    assert "sts_transfer" in crossing and len(set(crossing)) >= 3, crossing

    expected = _alerts(store)
    assert len(expected) >= len(truth["events"]) // 2  # the day raised its alerts
    assert {"sts_transfer", "ais_gap", "loitering"} <= set(expected["type"])
    for got in (_alerts(tiled), _alerts(distributed)):
        assert _differing(got, expected) == ""
        pd.testing.assert_frame_equal(got, expected)


def _differing(got: pd.DataFrame, expected: pd.DataFrame) -> str:
    """The alerts one run stored and the other did not, in words (empty when none)."""
    shown = ["type", "mmsi", "start", "end", "geom", "score"]
    extra = got[~got["id"].isin(expected["id"])][shown].to_string()
    missing = expected[~expected["id"].isin(got["id"])][shown].to_string()
    if got["id"].isin(expected["id"]).all() and expected["id"].isin(got["id"]).all():
        return ""
    return f"stored besides:\n{extra}\nnot stored:\n{missing}"
