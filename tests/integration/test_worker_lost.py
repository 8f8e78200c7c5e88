"""A worker lost mid-run: on a real LocalCluster of two worker processes, one dies the
moment it starts reading a part or running the rules of one; Dask runs that part again on
the other, and the store holds exactly the alerts a single-process run stores, none lost,
none doubled."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import dask
import pandas as pd
import pytest
from distributed import LocalCluster, WorkerPlugin

from alerts.engine import Engine, RunStats
from alerts.runners import DaskRunner, connect
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders.clock import T0
from tests.builders.dask_cluster import local_cluster, until_workers
from tests.builders.positions import OPEN_SEA, drifting, load_positions

#: Open sea far from any shore, spread over the tiles of a two-worker run: a loiterer each.
LOITERING_AT = [(125.0, 29.0), (135.0, 30.5), (140.0, 27.0), (145.0, 33.0), (147.0, 40.0)]
STS_AT = (143.0, 30.0)  # a tanker and a bunker lying 300 m apart
WINDOW = (T0, T0 + timedelta(hours=24))
_COLUMNS = ["id", "type", "score", "start", "end", "mmsi", "evidence", "score_reasons"]


class DiesOnItsFirstTask(WorkerPlugin):
    """The first worker (of the whole cluster: the marker file says who came first) to start
    a task of ``phase`` ends its process there and then, as a machine lost would."""

    def __init__(self, phase: str, marker: Path) -> None:
        self.phase, self.marker = phase, marker
        self.address = ""

    def setup(self, worker: Any) -> None:
        self.address = worker.address

    def transition(self, key: Any, start: str, finish: str, **kwargs: Any) -> None:
        if finish != "executing" or not str(key).startswith(f"{self.phase}-"):
            return
        try:
            made = os.open(self.marker, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(made, f"{self.address} {key}".encode())
        os.close(made)
        os._exit(1)


def _at(frame: pd.DataFrame, lon: float, lat: float) -> pd.DataFrame:
    return frame.assign(lon=frame["lon"] - OPEN_SEA[0] + lon, lat=frame["lat"] - OPEN_SEA[1] + lat)


@pytest.fixture
def busy_day(store: Store) -> Store:
    start = T0 + timedelta(hours=2)
    frames = [_at(drifting(431100001 + k, start, 6), *at) for k, at in enumerate(LOITERING_AT)]
    sts_lon, sts_lat = STS_AT
    frames += [
        _at(drifting(431200001, start, 5), sts_lon, sts_lat),
        _at(drifting(431200002, start, 5), sts_lon + 0.003, sts_lat),
    ]
    load_positions(store, pd.concat(frames, ignore_index=True))
    return store


@pytest.fixture
def cluster() -> Iterator[LocalCluster]:
    """Two workers; the scheduler's active memory manager drops the replicas no task waits
    for every 50 ms (2 s by default), so a worker is soon the only one holding a datum."""
    amm = {"distributed.scheduler.active-memory-manager.interval": "50ms"}
    with dask.config.set(amm), local_cluster(n_workers=2, memory_mb=3000) as started:
        until_workers(started.scheduler_address, 2)
        yield started


def _settings(store: Store) -> Settings:
    return load_settings(database_url=store.engine.url.render_as_string(hide_password=False))


def _stored(store: Store) -> pd.DataFrame:
    alerts = store.alerts()
    return alerts[[c for c in _COLUMNS if c in alerts.columns]].sort_values("id", ignore_index=True)


@pytest.mark.parametrize("phase", ["survey", "find"])
def test_a_worker_lost_mid_run_loses_and_doubles_no_alert(
    busy_day: Store,
    clone_store: Callable[[Store], Store],
    cluster: LocalCluster,
    tmp_path: Path,
    phase: str,
) -> None:
    alone = clone_store(busy_day)
    in_process = Engine(_settings(alone), alone).run(*WINDOW)
    marker = tmp_path / "died"
    with connect(cluster.scheduler_address) as client:
        client.register_plugin(DiesOnItsFirstTask(phase, marker), name="dies-on-its-first-task")
        runner = DaskRunner(client)
        distributed = Engine(_settings(busy_day), busy_day, runner=runner).run(*WINDOW)
    dead, killed_task = marker.read_text().split()

    assert killed_task.startswith(f"{phase}-")
    done = [t for t in distributed.tasks if t.phase == phase]
    assert len(done) > 1 and dead not in {t.worker for t in done}  # all done elsewhere
    assert not distributed.failed and not in_process.failed
    assert _found(distributed) == _found(in_process)
    assert set(_found(in_process)) >= {"loitering", "sts_transfer"}
    pd.testing.assert_frame_equal(_stored(busy_day), _stored(alone))


def _found(stats: RunStats) -> dict[str, int]:
    return {rule: count for rule, count in stats.found.items() if count}
