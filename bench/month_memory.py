"""A month of 5,000 vessels, window by window within a memory budget: total time and peak
memory per process, in process and on a LocalCluster of 2 workers.

The month comes from the fleet generator (:mod:`bench.fleet`) into a throwaway embedded
store. Then, with ``rules.detect_memory_budget_mb`` set (default 2048):
  one day      Engine.run over the first day, in process; x 30 is the baseline (a month
               that streams its slices costs what its days cost one by one)
  in process   Engine.run(since, until) over the month; peak RSS of this process during
               the run (psutil, sampled every 0.2 s)
  LocalCluster the same through DaskRunner on LocalCluster(n_workers=2,
               threads_per_worker=1, processes=True, memory_limit=the budget): peak RSS of
               each worker (its VmHWM: a fresh program) and of the driver
Alerts are removed between runs; both month runs must store the same alerts.
Printed: positions, days, seconds, positions/s, peak MB per process, budget, ratio.

Also printed: what a position cost in memory at the peak (the growth of this process over
the positions of one slice with its context), beside the engine's planning figure.
The default interval (600 s: 21.6 M rows, ~3 GB of disk; the rules resample to 10 min,
and at 1200 s they miss the planted loiterer and AIS gap)
keeps the run near 20 minutes on two shared cores (the engine read ~50,000 positions/s
here with other work on them); the issue's full size (216 M rows, ~25+ GB of disk, some
three hours here):

    .venv/bin/python -m bench.month_memory [--vessels 5000] [--days 30] [--interval-s 600]
    .venv/bin/python -m bench.month_memory --interval-s 60                 # full size
"""

from __future__ import annotations

import argparse
import resource
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import psutil
from distributed import Client, LocalCluster

from alerts.engine import Engine, RunStats
from alerts.partition import BYTES_PER_POSITION
from alerts.runners import DaskRunner
from bench.fleet import DEFAULT_START, load_fleet
from bench.scratch_store import forget_alerts, scratch_store, stored_alerts
from surveillance.settings import Settings
from surveillance.store import Store


@dataclass
class Peak:
    """The highest resident memory seen, and that at the start, in MB."""

    mb: float = 0.0
    start_mb: float = 0.0


@contextmanager
def peak_rss(every_s: float = 0.2) -> Iterator[Peak]:
    """Sample this process's resident memory while the block runs."""
    peak, done, me = Peak(), threading.Event(), psutil.Process()

    def sample() -> None:
        while not done.wait(every_s):
            peak.mb = max(peak.mb, me.memory_info().rss / 2**20)

    peak.mb = peak.start_mb = me.memory_info().rss / 2**20
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join()


def _max_rss_mb() -> float:
    """This process's peak resident memory since its program started: VmHWM, which execve
    resets (ru_maxrss keeps the high mark of the process a worker was forked from: the
    driver's, after its own month in process)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Run:
    name: str
    seconds: float
    stats: RunStats
    peak_mb: dict[str, float]
    grew_mb: float = 0.0  # this process's peak less its memory at the start

    @property
    def bytes_per_position(self) -> float:
        """What a position read in one slice (with its context) cost at the peak."""
        per_slice = self.stats.positions / max(1, self.stats.slices)
        return self.grew_mb * 2**20 / per_slice if per_slice else 0.0


def timed(name: str, engine: Engine, window: tuple[datetime, datetime]) -> Run:
    with peak_rss() as peak:
        clock = time.perf_counter()
        stats = engine.run(*window)
        seconds = time.perf_counter() - clock
    print(f"{name}: {seconds:.1f} s, peak {peak.mb:,.0f} MB", flush=True)
    return Run(name, seconds, stats, {"this process": peak.mb}, peak.mb - peak.start_mb)


def on_cluster(settings: Settings, store: Store, window: tuple[datetime, datetime]) -> Run:
    budget_mb = settings.rules.detect_memory_budget_mb
    with (
        LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            memory_limit=f"{budget_mb}MB",
            dashboard_address=":0",
        ) as cluster,
        Client(cluster) as client,
    ):
        engine = Engine(settings, store, runner=DaskRunner(client))
        engine.run(window[0], window[0] + timedelta(minutes=1))  # the workers' geography
        forget_alerts(store)
        run = timed("LocalCluster", engine, window)
        workers = client.run(_max_rss_mb)
    run.peak_mb = {"driver": run.peak_mb["this process"]}
    for k, address in enumerate(sorted(workers)):
        run.peak_mb[f"worker {k + 1}"] = workers[address]
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=5000)
    parser.add_argument("--days", type=int, default=30)
    parser.add_argument("--interval-s", type=float, default=600.0)
    parser.add_argument("--budget-mb", type=float, default=2048.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    month = (DEFAULT_START, DEFAULT_START + timedelta(days=args.days))
    first_day = (DEFAULT_START, DEFAULT_START + timedelta(days=1))
    with scratch_store("month", args.budget_mb) as (settings, store):
        print(
            f"loading {args.days} days of {args.vessels:,} vessels at {args.interval_s:g} s",
            flush=True,
        )
        load = load_fleet(
            settings, store, args.vessels, args.days, interval_s=args.interval_s, seed=args.seed
        )
        print(f"loaded {load.rows:,} rows at {load.load_rows_per_s:,.0f} rows/s", flush=True)
        engine = Engine(settings, store)
        engine.run(month[0], month[0] + timedelta(minutes=1))  # the geography loads once
        forget_alerts(store)
        day = timed("one day, in process", engine, first_day)
        forget_alerts(store)
        alone = timed("month, in process", engine, month)
        first = stored_alerts(store, month)
        forget_alerts(store)
        spread = on_cluster(settings, store, month)
        second = stored_alerts(store, month)

    baseline_s = day.seconds * args.days
    print(
        f"\n{args.vessels:,} vessels ({load.vessels:,} with the events), {args.days} days at "
        f"{args.interval_s:g} s: {load.rows:,} positions ({alone.stats.positions:,} read "
        "with each slice's context); "
        f"budget {args.budget_mb:,.0f} MB"
    )
    head = f"x (1 day x {args.days})"
    print(f"{'run':<22}{'seconds':>9}{'positions/s':>13}{head:>16}  peak MB")
    for run in (day, alone, spread):
        rate = run.stats.positions / run.seconds
        ratio = f"{run.seconds / baseline_s:.2f}" if run is not day else f"base / {args.days}"
        peaks = ", ".join(f"{who} {mb:,.0f}" for who, mb in run.peak_mb.items())
        print(f"{run.name:<22}{run.seconds:>9.1f}{rate:>13,.0f}{ratio:>16}  {peaks}")
    worst = max(mb for who, mb in spread.peak_mb.items() if who.startswith("worker"))
    print(
        f"within the budget: in process {alone.peak_mb['this process'] <= args.budget_mb}, "
        f"each worker {worst <= args.budget_mb} (highest {worst:,.0f} MB)"
    )
    print(
        f"in process the peak grew {alone.grew_mb:,.0f} MB over ~"
        f"{alone.stats.positions / alone.stats.slices:,.0f} positions a slice "
        f"({alone.stats.slices} slices): {alone.bytes_per_position:,.0f} B a position "
        f"(the engine plans with {BYTES_PER_POSITION})"
    )
    print(
        f"same alerts in process and on the cluster: {'yes' if first == second else 'NO'} "
        f"({len(first)} and {len(second)})"
    )


if __name__ == "__main__":
    main()
