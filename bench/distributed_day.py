"""Alerts over a day of 20,000 vessels: one process against a LocalCluster of 2 workers,
and the projection for N machines from the per-partition times.

The day comes from the fleet generator (:mod:`bench.fleet`): `coastwatch simulate
--vessels 20000` writes and decodes some 200 M NMEA lines (every 10 s under way, once per
receiver that hears it), far past the few minutes this bench allows. Into a throwaway
embedded store; then, in the same run:
  in process   Engine(settings, store).run(day): the baseline
  LocalCluster the same on distributed.LocalCluster(n_workers=2, threads_per_worker=1,
               processes=True) through Engine(settings, store, runner=DaskRunner(client)),
               after removing the alerts the first run stored
and checks that both stored the same alerts (ids and scores). The projection for N
machines of 2 workers each takes the per-partition seconds of the in-process run
(RunStats.tasks, measured without contention): the critical path is the driver's own
seconds (the total less the tasks: reading the context, finishing and writing) plus, per
phase, max(the longest task, the phase's task seconds / (2 N)).

    .venv/bin/python -m bench.distributed_day [--vessels 20000] [--interval-s 60]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from distributed import Client, LocalCluster

from alerts.engine import Engine, RunStats
from bench.fleet import DEFAULT_START, load_fleet
from bench.scratch_store import forget_alerts, scratch_store, stored_alerts

MACHINES = (1, 2, 4, 8, 16)
WORKERS_PER_MACHINE = 2


def projection(stats: RunStats, total_s: float, machines: Sequence[int]) -> list[tuple[Any, ...]]:
    """(N, seconds, speed-up over one process) per machine count, from ``stats.tasks``."""
    by_phase: dict[str, list[float]] = defaultdict(list)
    for task in stats.tasks:
        by_phase[task.phase].append(task.seconds)
    driver_s = max(0.0, total_s - sum(sum(s) for s in by_phase.values()))
    rows = []
    for n in machines:
        workers = WORKERS_PER_MACHINE * n
        path_s = driver_s + sum(max(max(s), sum(s) / workers) for s in by_phase.values())
        rows.append((n, workers, path_s, total_s / path_s))
    return rows


def phases(stats: RunStats) -> str:
    counts: dict[str, list[float]] = defaultdict(list)
    for task in stats.tasks:
        counts[task.phase].append(task.seconds)
    return ", ".join(
        f"{phase}: {len(s)} tasks, {sum(s):.1f} s in all, longest {max(s):.1f} s"
        for phase, s in counts.items()
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vessels", type=int, default=20_000)
    parser.add_argument("--interval-s", type=float, default=60.0)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    from alerts.runners import DaskRunner  # the lead's runners (issue #15)

    day = (DEFAULT_START, DEFAULT_START + timedelta(days=1))
    with scratch_store("day") as (settings, store):
        print(f"loading a day of {args.vessels:,} vessels at {args.interval_s:g} s", flush=True)
        load = load_fleet(
            settings, store, args.vessels, 1, interval_s=args.interval_s, seed=args.seed
        )
        print(f"loaded {load.rows:,} rows at {load.load_rows_per_s:,.0f} rows/s", flush=True)
        warm = Engine(settings, store)
        warm.run(day[0], day[0] + timedelta(minutes=1))  # geography loads once, in both
        forget_alerts(store)

        clock = time.perf_counter()
        alone = Engine(settings, store).run(*day)
        alone_s = time.perf_counter() - clock
        first = stored_alerts(store, day)
        print(f"in process: {alone_s:.1f} s, {len(first)} alerts", flush=True)
        forget_alerts(store)

        with (
            LocalCluster(
                n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
            ) as cluster,
            Client(cluster) as client,
        ):
            clock = time.perf_counter()
            spread = Engine(settings, store, runner=DaskRunner(client)).run(*day)
            spread_s = time.perf_counter() - clock
        second = stored_alerts(store, day)
        print(f"LocalCluster of 2 workers: {spread_s:.1f} s, {len(second)} alerts", flush=True)

    same_ids = set(first) == set(second)
    same_scores = same_ids and all(abs(first[k] - second[k]) < 1e-9 for k in first)
    found = ", ".join(f"{k} {v}" for k, v in sorted(alone.found.items()) if v)
    print(
        f"\n{args.vessels:,} vessels ({load.vessels:,} with the events), one day, "
        f"{alone.positions:,} positions, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC"
    )
    print(f"{'run':<28}{'seconds':>9}{'alerts':>8}{'x in process':>14}")
    print(f"{'in process':<28}{alone_s:>9.1f}{len(first):>8}{1.0:>14.2f}")
    ratio = alone_s / spread_s
    print(f"{'LocalCluster, 2 workers':<28}{spread_s:>9.1f}{len(second):>8}{ratio:>14.2f}")
    print(
        "same alerts: "
        + ("yes (ids and scores)" if same_scores else "NO")
        + f"; only in process {len(set(first) - set(second))}, "
        f"only distributed {len(set(second) - set(first))}"
    )
    print(f"found in process: {found}")
    measured = alone if alone.tasks else spread
    print(f"partitions ({'in process' if alone.tasks else 'LocalCluster'}): {phases(measured)}")
    print(f"\nprojection ({WORKERS_PER_MACHINE} workers a machine)")
    print(f"{'machines':>9}{'workers':>9}{'seconds':>9}{'x one process':>15}")
    for n, workers, path_s, speedup in projection(measured, alone_s, MACHINES):
        print(f"{n:>9}{workers:>9}{path_s:>9.1f}{speedup:>15.2f}")


if __name__ == "__main__":
    main()
