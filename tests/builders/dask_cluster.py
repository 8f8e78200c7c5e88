"""Real Dask clusters for tests: a scheduler and worker processes on this machine, no
dashboard, and a free port that nothing listens on."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from contextlib import contextmanager

from distributed import LocalCluster

from surveillance.workers import SchedulerHealth, worker_health

__all__ = ["WORKER_MEMORY_MB", "closed_port", "local_cluster", "until_workers"]

WORKER_MEMORY_MB = 600
_WAIT_S = 60.0


@contextmanager
def local_cluster(n_workers: int = 2, memory_mb: int = WORKER_MEMORY_MB) -> Iterator[LocalCluster]:
    """``n_workers`` worker processes of one thread and ``memory_mb`` each."""
    with LocalCluster(
        n_workers=n_workers,
        threads_per_worker=1,
        processes=True,
        memory_limit=f"{memory_mb}MB",
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},  # its HTTP server: not on 8787
    ) as cluster:
        yield cluster


def closed_port() -> int:
    """A TCP port of 127.0.0.1 that was free a moment ago (and is closed again)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def until_workers(address: str, count: int, running: int | None = None) -> SchedulerHealth:
    """The scheduler's health once ``count`` workers have joined (and, given ``running``,
    that many tasks run on them, as their heartbeats tell): the last answer after a minute."""
    deadline = time.monotonic() + _WAIT_S
    while True:
        health = worker_health(address)
        tasks = sum(w.tasks_running for w in health.workers)
        done = len(health.workers) == count and running in (None, tasks)
        if done or time.monotonic() > deadline:
            return health
        time.sleep(0.2)
