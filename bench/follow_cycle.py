"""One ``detect --follow`` cycle against the full-window run it replaces, in the same run.

It simulates a day of 5,000 vessels on the coast of Japan (``rules_speed.simulate``),
ingests all of it but the last hour into a throwaway embedded store, and measures:
  full window   Engine.run over the last 24 h: what every follow cycle did before
  cycle         Follower.cycle after 30 s of new traffic is ingested (the ingest not timed):
                read the new reports, run each rule over the vessels they concern, store
The first cycle is a full run that fills the tails; the next ones are incremental.
Goal (issue #10): a cycle under 0.5 s.

    .venv/bin/python bench/follow_cycle.py [--vessels 5000] [--cycles 10] [--seed 5]
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from rules_speed import simulate

from ais_ingest.pipeline import ingest_files
from alerts.cli_watchlist import read_entries
from alerts.engine import Engine
from alerts.evaluate import truth_window
from alerts.follow import Follower
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store

_TAG_TIME = re.compile(rb"c:(\d+)")
STEP = timedelta(seconds=30)


def cut(feed: Path, last_hour_from: datetime, cycles: int, out: Path) -> list[Path]:
    """The feed before ``last_hour_from``, then ``cycles`` files of 30 s each after it."""
    head = out / "head.nmea"
    steps = [out / f"step-{k:03d}.nmea" for k in range(cycles)]
    parts: list[list[bytes]] = [[] for _ in range(cycles + 1)]
    cutoff = last_hour_from.timestamp()
    for line in feed.read_bytes().splitlines(keepends=True):
        found = _TAG_TIME.search(line)
        if not found:
            continue
        k = int((int(found[1]) - cutoff) // STEP.total_seconds())
        if k < 0:
            parts[0].append(line)
        elif k < cycles:
            parts[k + 1].append(line)
    for path, lines in zip([head, *steps], parts, strict=True):
        path.write_bytes(b"".join(lines))
    return [head, *steps]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=5000)
    parser.add_argument("--cycles", type=int, default=10)
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-follow-"))
    settings = load_settings(home=work / "home", embedded_port=55498)
    cluster = Cluster(settings)
    try:
        clock = time.perf_counter()
        truth = simulate(work / "day", args.vessels, args.seed)
        print(
            f"simulated {args.vessels} vessels in {time.perf_counter() - clock:.0f} s", flush=True
        )
        end = truth_window(truth)[1]
        edge = end - timedelta(hours=1)
        head, *steps = cut(work / "day" / "feed.nmea", edge, args.cycles, work)
        cluster.up()
        with Store.open(settings) as store:
            ingest_files([head], store)
            listed, _ = read_entries(work / "day" / "watchlist.csv")
            store.add_watchlist(listed, "bench")
            engine = Engine(settings, store)
            engine.run(edge - timedelta(minutes=1), edge)  # geography loads once
            clock = time.perf_counter()
            full = engine.run(edge - timedelta(hours=24), edge, edge)
            full_s = time.perf_counter() - clock
            follower = Follower(engine)
            follower.cycle(edge)  # a full run: fills the tails
            seconds, new = [], []
            for k, path in enumerate(steps):
                ingest_files([path], store)
                clock = time.perf_counter()
                stats = follower.cycle(min(edge + STEP * (k + 1), datetime.now(UTC)))
                seconds.append(time.perf_counter() - clock)
                new.append(stats.positions)
                parts = ", ".join(f"{n} {s:.3f}" for n, s in stats.seconds.items())
                print(
                    f"  cycle {k + 1}: {stats.positions:,} new reports, "
                    f"{seconds[-1]:.3f} s ({parts})"
                )
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    cycle_s = statistics.median(seconds)
    print(
        f"\nfull window (24 h, {full.positions:,} positions of {full.vessels:,} vessels): "
        f"{full_s:.2f} s"
    )
    print(
        f"follow cycle (30 s of traffic, median {statistics.median(new):,.0f} new reports): "
        f"median {cycle_s:.3f} s, max {max(seconds):.3f} s; {full_s / cycle_s:.1f} x faster"
    )
    print("goal (a cycle under 0.5 s): " + ("met" if cycle_s < 0.5 else "MISSED"))


if __name__ == "__main__":
    main()
