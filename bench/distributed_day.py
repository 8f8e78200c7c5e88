"""Alerts over a day of 20,000 vessels: one process against a LocalCluster of 2 workers,
and the projection for N machines from the per-partition times.

The day comes from the fleet generator (:mod:`bench.fleet`): `coastwatch simulate` wrote
849,180 NMEA lines for 500 vessels in 82 s here, so 20,000 would be ~34 M lines and most
of an hour before decoding even starts. Into a throwaway embedded store; then, in the
same run:
  in process   Engine(settings, store).run(day): the baseline
  LocalCluster the same through Engine(settings, store, runner=DaskRunner(client)) on
               distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True),
               after removing the alerts the first run stored
(each engine first runs a minute, so that both have the geography loaded when timed)
and checks that both stored the same alerts (ids and scores).

The projection for N machines of 2 workers each takes the per-part seconds of the
LocalCluster run (RunStats.tasks) grouped by slice and phase: the critical path is the
driver's own seconds plus, per slice and phase, max(the longest task, the group's task
seconds / (2 N)). The driver's seconds (reading the context, the rules over the whole
window, scoring and writing) are the run's total less that sum for N = 1, so the
projection for one machine is the measured run. The parts stay as the LocalCluster cut
them (4 tiles a worker): the longest part bounds what more machines gain.

Default: a report every 300 s (5.8 M positions; the rules resample to 10 min) and a
budget (rules.detect_memory_budget_mb) that holds the day in one slice. At 60 s (28.8 M
positions) one process needs ~17 GB by the engine's own estimate (600 B a position):

    .venv/bin/python -m bench.distributed_day [--vessels 20000] [--interval-s 300]
    .venv/bin/python -m bench.distributed_day --interval-s 60 --budget-mb 20000  # full rate
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

import numpy as np
from distributed import Client, LocalCluster

from alerts.engine import Engine, RunStats
from alerts.runners import DaskRunner
from bench.fleet import DEFAULT_START, load_fleet
from bench.scratch_store import forget_alerts, scratch_store, stored_alerts

MACHINES = (1, 2, 4, 8, 16)
WORKERS_PER_MACHINE = 2


def _groups(stats: RunStats) -> list[list[float]]:
    """The task seconds of each (slice, phase): the tasks that may run side by side."""
    groups: dict[tuple[datetime, str], list[float]] = defaultdict(list)
    for task in stats.tasks:
        groups[(task.slice_start, task.phase)].append(task.seconds)
    return list(groups.values())


def critical_path_s(groups: list[list[float]], workers: int) -> float:
    """The tasks' share of the critical path on ``workers`` workers."""
    return sum(max(max(s), sum(s) / workers) for s in groups)


def projection(
    stats: RunStats, measured_s: float, measured_workers: int, machines: Sequence[int]
) -> tuple[float, list[tuple[int, int, float]]]:
    """The driver's seconds, and (machines, workers, seconds) for each machine count."""
    groups = _groups(stats)
    driver_s = max(0.0, measured_s - critical_path_s(groups, measured_workers))
    rows = []
    for n in machines:
        workers = WORKERS_PER_MACHINE * n
        rows.append((n, workers, driver_s + critical_path_s(groups, workers)))
    return driver_s, rows


def tracks_read(engine: Engine, day: tuple[datetime, datetime]) -> tuple[int, int]:
    """How many vessels the engine's parts of the day read, a vessel once per part whose
    halo box hears it (each reads the whole track), and how many vessels there are."""
    read_from = day[0] - timedelta(hours=engine.rules.detect_context_hours)
    parts = engine.parts((read_from, day[1]), engine.stored(read_from, day[1], day[1].timestamp()))
    heard = []
    for part in parts:
        box = part.tile.read_box(part.halo_km)
        heard.append(engine.store.vessels_heard(part.read, box) if box else np.zeros(0))
    return sum(len(h) for h in heard), len(np.unique(np.concatenate(heard)))


def phases(stats: RunStats) -> str:
    by_phase: dict[str, list[float]] = defaultdict(list)
    for task in stats.tasks:
        by_phase[task.phase].append(task.seconds)
    return ", ".join(
        f"{phase}: {len(s)} tasks, {sum(s):.1f} s in all, longest {max(s):.1f} s"
        for phase, s in by_phase.items()
    )


def _steps(stats: RunStats) -> str:
    top = sorted(stats.seconds.items(), key=lambda kv: -kv[1])[:7]
    return ", ".join(f"{name} {seconds:.1f}" for name, seconds in top)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=20_000)
    parser.add_argument("--interval-s", type=float, default=300.0)
    parser.add_argument("--budget-mb", type=float, default=6144.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    day = (DEFAULT_START, DEFAULT_START + timedelta(days=1))
    with scratch_store("day", args.budget_mb) as (settings, store):
        print(f"loading a day of {args.vessels:,} vessels at {args.interval_s:g} s", flush=True)
        load = load_fleet(
            settings, store, args.vessels, 1, interval_s=args.interval_s, seed=args.seed
        )
        print(f"loaded {load.rows:,} rows at {load.load_rows_per_s:,.0f} rows/s", flush=True)
        engine = Engine(settings, store)
        engine.run(day[0], day[0] + timedelta(minutes=1))  # the geography loads once
        forget_alerts(store)
        clock = time.perf_counter()
        alone = engine.run(*day)
        alone_s = time.perf_counter() - clock
        first = stored_alerts(store, day)
        print(f"in process: {alone_s:.1f} s, {len(first)} alerts", flush=True)
        forget_alerts(store)

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
            ) as cluster,
            Client(cluster) as client,
        ):
            engine = Engine(settings, store, runner=DaskRunner(client))
            engine.run(day[0], day[0] + timedelta(minutes=1))  # the workers' geography
            forget_alerts(store)
            clock = time.perf_counter()
            spread = engine.run(*day)
            spread_s = time.perf_counter() - clock
            read_by_parts, vessels = tracks_read(engine, day)
        second = stored_alerts(store, day)
        print(f"LocalCluster of 2 workers: {spread_s:.1f} s, {len(second)} alerts", flush=True)

    same_ids = set(first) == set(second)
    same_scores = same_ids and all(abs(first[k] - second[k]) < 1e-9 for k in first)
    found = ", ".join(f"{k} {v}" for k, v in sorted(alone.found.items()) if v)
    print(
        f"\n{args.vessels:,} vessels ({load.vessels:,} with the events' own), one day at "
        f"{args.interval_s:g} s: {load.rows:,} positions; {alone.slices} slice(s), "
        f"budget {args.budget_mb:,.0f} MB"
    )
    print(f"{'run':<28}{'seconds':>9}{'alerts':>8}{'x in process':>14}")
    print(f"{'in process':<28}{alone_s:>9.1f}{len(first):>8}{1.0:>14.2f}")
    ratio = alone_s / spread_s
    print(f"{'LocalCluster, 2 workers':<28}{spread_s:>9.1f}{len(second):>8}{ratio:>14.2f}")
    print(
        "same alerts: "
        + ("yes (ids and scores)" if same_scores else "NO")
        + f"; only in process {len(set(first) - set(second))}, "
        f"only on the cluster {len(set(second) - set(first))}"
    )
    print(f"found: {found}")
    print(f"parts on the cluster: {phases(spread)}")
    print(
        f"the parts read {read_by_parts:,} tracks of {vessels:,} vessels "
        f"({read_by_parts / vessels:.2f} each: a track crossing tiles is read whole by each)"
    )
    print("seconds by step, in process: " + _steps(alone))
    print("seconds by step, on the cluster (the parts' summed): " + _steps(spread))
    driver_s, rows = projection(spread, spread_s, WORKERS_PER_MACHINE, MACHINES)
    print(
        f"\nprojection ({WORKERS_PER_MACHINE} workers a machine; driver {driver_s:.1f} s, "
        "parts as on the LocalCluster)"
    )
    print(f"{'machines':>9}{'workers':>9}{'seconds':>9}{'x one process':>15}")
    for n, workers, path_s in rows:
        print(f"{n:>9}{workers:>9}{path_s:>9.1f}{alone_s / path_s:>15.2f}")


if __name__ == "__main__":
    main()
