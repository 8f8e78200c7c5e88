"""Server-side time to build the dashboard's busiest pages, against reading their data.

Simulates a day of 5,000 vessels on the coast of Japan, ingests it into a throwaway embedded
store, adds 1,000 alerts, then in the same run measures:
  map page      the Operations map over the last 24 h (vessels, 24 h of tracks downsampled,
                alerts, zones, ports), run by Streamlit's AppTest: the whole script, server
                side, as a browser's visit runs it (first visit, then a refresh)
  baseline      Store.position_arrays of every position of the same 24 h (what a page that
                read everything would wait for)
  alerts page   the queue of 1,000 alerts, first visit and refresh
  baseline      Store.alerts over the window
Goal (issue #5): each page under 1.5 s. Streamlit runs a page's script on every visit; what
a running server keeps (the coast for an hour, the map's data for a minute) is shared by its
visitors, so "new visitor" (the page's data read afresh) is the figure the goal is held to.

    .venv/bin/python bench/dashboard_speed.py [--vessels 5000] [--alerts 1000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from streamlit.testing.v1 import AppTest

from ais_ingest.pipeline import ingest_files
from dashboard import state
from surveillance.alert_types import alert_types
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def synthetic_alerts(store: Store, count: int, rng: np.random.Generator) -> None:
    """``count`` alerts on vessels the store has seen, spread over the day."""
    latest = store.latest_position_time()
    assert latest is not None
    vessels = store.vessels()["mmsi"].to_numpy()
    start = (
        pd.Timestamp(latest)
        - pd.Timedelta(hours=24)
        + pd.to_timedelta(rng.uniform(0, 23, count), unit="h")
    )
    frame = gpd.GeoDataFrame(
        {
            "id": [f"bench{k:06d}" for k in range(count)],
            "type": rng.choice(alert_types(), count),
            "score": rng.integers(20, 100, count),
            "start": start,
            "end": start + pd.Timedelta(hours=2),
            "mmsi": [[int(m)] for m in rng.choice(vessels, count)],
            "evidence": [{"key": ""}] * count,
            "score_reasons": [[{"points": 40, "reason": "bench"}]] * count,
            "rule_version": "bench",
            "updated_at": pd.Timestamp.now(tz="UTC"),
        },
        geometry=shapely.points(rng.uniform(125, 145, count), rng.uniform(26, 44, count)),
        crs=4326,
    )
    store.write_alerts(frame)


def _visit(page: str) -> tuple[AppTest, float]:
    app = AppTest.from_file(str(APP), default_timeout=300)
    clock = time.perf_counter()
    app.switch_page(page).run()
    if app.exception:
        raise RuntimeError(f"{page}: {app.exception}")
    return app, time.perf_counter() - clock


def page_seconds(page: str) -> tuple[float, float, float]:
    """One page, server side: the first visit after the server starts (imports, store,
    coast), a new visitor once the page's data has expired from the cache, a refresh."""
    _, first = _visit(page)
    state._map_data.clear()  # the map's data lives a minute; the coast is kept an hour
    app, fresh = _visit(page)
    clock = time.perf_counter()
    app.run()
    return first, fresh, time.perf_counter() - clock


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=5000)
    parser.add_argument("--alerts", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-dashboard-"))
    os.environ.update(COASTWATCH_HOME=str(work / "home"), COASTWATCH_EMBEDDED_PORT="55496")
    settings = load_settings()
    cluster = Cluster(settings)
    try:
        subprocess.run(
            [
                sys.executable,
                "-m",
                "surveillance",
                "simulate",
                "--out",
                str(work),
                "--vessels",
                str(args.vessels),
                "--seed",
                str(args.seed),
            ],
            check=True,
            capture_output=True,
        )
        cluster.up()
        with Store.open(settings) as store:
            ingest_files([work / "feed.nmea"], store)
            synthetic_alerts(store, args.alerts, np.random.default_rng(args.seed))
            latest = store.latest_position_time()
            assert latest is not None
            window = (latest - timedelta(hours=24), latest + timedelta(seconds=1))
            clock = time.perf_counter()
            positions = store.position_arrays(window)
            read_positions = time.perf_counter() - clock
            clock = time.perf_counter()
            alerts = store.alerts(window)
            read_alerts = time.perf_counter() - clock
            vessels = len(np.unique(positions.mmsi))
        map_times = page_seconds("page_map.py")
        alerts_times = page_seconds("page_alerts.py")
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    print(
        f"{vessels:,} vessels heard, {len(positions):,} positions in 24 h, {len(alerts):,} alerts"
    )
    print(
        f"{'':<14}{'after start':>12}{'new visitor':>12}{'refresh':>9}{'baseline':>10}"
        f"{'x baseline':>12}"
    )
    rows = (("map page", *map_times, read_positions), ("alerts page", *alerts_times, read_alerts))
    for name, first, fresh, again, read in rows:
        print(
            f"{name:<14}{first:>12.2f}{fresh:>12.2f}{again:>9.2f}{read:>10.2f}{fresh / read:>12.2f}"
        )
    print("seconds; baselines: reading every position of the 24 h (map), the alerts (alerts)")
    met = max(map_times[1], alerts_times[1]) < 1.5
    print("goal (each page under 1.5 s for a new visitor): " + ("met" if met else "MISSED"))


if __name__ == "__main__":
    main()
