"""The rules' read of one day: from a local day partition, against the same day on a store
server (a second local cluster, read through postgres_fdw).

Two throwaway embedded clusters; the store gets two days of the same synthetic traffic
(``--vessels`` each reporting every ``--every-s`` seconds, the second day shifted by 24 h);
the second day moves to the other cluster (``Store.spread_day``, timed too). Then, in the
same run, the median of ``--runs`` reads of each day by ``Store.position_arrays`` (the
window and a box that holds the fleet, as the rules read): rows/s of each and the ratio.
Both clusters share this machine's two cores, so the figure is the cost of the foreign
scan (a cursor fetching ``fetch_size`` rows a round trip, each row decoded twice), not of
a network.

    .venv/bin/python -m bench.store_servers [--vessels 2000] [--every-s 60] [--runs 3]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

from bench.timing import median_s
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store

DAY = datetime(2026, 11, 27, tzinfo=UTC)
BOX = (128.0, 30.0, 142.0, 42.0)


def traffic(start: datetime, vessels: int, every_s: int) -> pd.DataFrame:
    """Every vessel reporting every ``every_s`` seconds over the day, at 8 kn on a line."""
    steps = 86_400 // every_s
    rng = np.random.default_rng(7)
    mmsi = np.repeat(431_000_000 + np.arange(vessels), steps)
    t = start.timestamp() + np.tile(np.arange(steps) * every_s, vessels)
    t += np.repeat(rng.uniform(0, every_s, vessels), steps)
    lon0 = np.repeat(rng.uniform(130, 140, vessels), steps)
    lat0 = np.repeat(rng.uniform(31, 40, vessels), steps)
    run_deg = np.tile(np.arange(steps) * every_s, vessels) * 8 * 1852 / 3600 / 111_000 / 4
    nan = np.full(len(mmsi), np.nan)
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "ts": t,
            "lon": lon0 + run_deg,
            "lat": lat0,
            "sog_knots": np.full(len(mmsi), 8.0),
            "cog_deg": np.full(len(mmsi), 90.0),
            "heading_deg": nan,
            "nav_status": nan,
            "msg_type": np.ones(len(mmsi)),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=2000)
    parser.add_argument("--every-s", type=int, default=60)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-servers-"))
    clusters = [
        Cluster(load_settings(home=work / name, embedded_port=port, embedded_fsync=False))
        for name, port in (("store", 55493), ("server", 55494))
    ]
    try:
        store_url, server_url = (cluster.up() for cluster in clusters)
        settings = load_settings(database_url=store_url)
        with Store.open(settings) as store:
            clock = time.perf_counter()
            loader = store.position_loader("bench")
            for day in (DAY, DAY + timedelta(days=1)):
                loader.add(traffic(day, args.vessels, args.every_s))
            rows = loader.finish().new_rows // 2
            print(f"loaded 2 days of {rows:,} positions in {time.perf_counter() - clock:.0f} s")
            store.add_server("server", server_url)
            _, due = store.days_to_spread((DAY + timedelta(days=2)).date(), ["server"])
            clock = time.perf_counter()
            store.spread_day(due)
            spread_s = time.perf_counter() - clock
            days = {"local": DAY, "foreign": DAY + timedelta(days=1)}
            seconds = {}
            for name, start in days.items():
                window = (start, start + timedelta(days=1))
                read = store.position_arrays(window, BOX)
                assert len(read) == rows, (name, len(read), rows)
                seconds[name] = median_s(lambda w=window: store.position_arrays(w, BOX), args.runs)
    finally:
        for cluster in clusters:
            cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    print(f"spread one day ({rows:,} rows) to the server: {spread_s:.1f} s")
    print(f"\n{'day':>8}{'rows':>12}{'read s':>9}{'rows/s':>13}")
    for name, s in seconds.items():
        print(f"{name:>8}{rows:>12,}{s:>9.2f}{rows / s:>13,.0f}")
    ratio = seconds["foreign"] / seconds["local"]
    print(f"\nforeign day / local day (read time): {ratio:.2f}x")


if __name__ == "__main__":
    main()
