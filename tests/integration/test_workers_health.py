"""The health of a Dask scheduler and its workers (surveillance/workers.py), from a real
LocalCluster of worker processes and from addresses where no scheduler answers, and as
``coastwatch db status`` shows it."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from distributed import Client, Event, LocalCluster

from surveillance.workers import worker_health
from tests.builders.cli import Coastwatch
from tests.builders.dask_cluster import WORKER_MEMORY_MB, closed_port, local_cluster, until_workers


@pytest.fixture(scope="module")
def cluster() -> Iterator[LocalCluster]:
    with local_cluster(n_workers=2) as started:
        until_workers(started.scheduler_address, 2)
        yield started


def test_the_scheduler_names_each_worker_with_its_threads_and_memory(
    cluster: LocalCluster,
) -> None:
    health = worker_health(cluster.scheduler_address)
    assert health.reachable, health.detail
    assert health.detail.endswith("2 workers, 2 threads")
    assert {w.address for w in health.workers} == set(cluster.scheduler_info["workers"])
    assert [w.name for w in health.workers] == ["0", "1"]
    for worker in health.workers:
        assert worker.nthreads == 1
        assert worker.memory_limit_mb == WORKER_MEMORY_MB
        assert 0 < worker.memory_mb < WORKER_MEMORY_MB  # a live process's resident memory
        assert worker.tasks_running == 0
        assert worker.last_seen_s >= 0


def test_a_task_running_on_a_worker_is_counted_there(cluster: LocalCluster) -> None:
    with Client(cluster.scheduler_address) as client:
        hold = Event("hold-a-worker", client=client)
        held = client.submit(hold.wait, pure=False)
        try:
            health = until_workers(cluster.scheduler_address, 2, running=1)
            assert sorted(w.tasks_running for w in health.workers) == [0, 1]
        finally:
            hold.set()
        assert held.result() is True


def test_a_closed_port_is_no_scheduler_and_says_why() -> None:
    port = closed_port()
    health = worker_health(f"tcp://127.0.0.1:{port}")
    assert not health.reachable
    assert health.workers == []
    assert health.detail == (
        f"no scheduler at tcp://127.0.0.1:{port}: connection refused "
        f"(nothing listens on port {port} of 127.0.0.1)"
    )


def test_a_listener_that_never_answers_is_given_up_on_at_the_timeout() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        address = f"tcp://127.0.0.1:{silent.getsockname()[1]}"
        health = worker_health(address, timeout_s=1.0)
    assert not health.reachable
    assert (
        health.detail
        == f"no scheduler at {address}: something listens there, but did not answer in 1 s"
    )


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("http://127.0.0.1:8786", "not a Dask address (unknown address scheme 'http'"),
        ("tcp://127.0.0.1:99999", "not a Dask address (port 99999 is out of range)"),
        ("tcp://no-such-host.invalid:8786", "host no-such-host.invalid not found"),
    ],
)
def test_an_address_where_no_scheduler_can_be_says_so_in_words(address: str, reason: str) -> None:
    health = worker_health(address)
    assert not health.reachable
    assert health.detail.startswith(f"no scheduler at {address}: {reason}")


def test_db_status_lists_the_workers_of_the_scheduler_given(
    coastwatch: Coastwatch, cluster: LocalCluster
) -> None:
    address = cluster.scheduler_address
    ran = coastwatch("db", "status", "--scheduler", address)
    assert ran.code == 0, ran.stderr
    lines = ran.stdout.splitlines()
    assert f"scheduler  {address}: up " in ran.stdout
    rows = [line.split() for line in lines if line.lstrip().startswith(("0 ", "1 "))]
    workers = {w.name: w for w in worker_health(address).workers}
    assert [(row[0], row[1], row[2]) for row in rows] == [
        (name, workers[name].address, "1") for name in ("0", "1")
    ]
    assert all(f"/ {WORKER_MEMORY_MB} MB" in " ".join(row) for row in rows)


def test_db_status_says_in_a_line_that_the_scheduler_setting_reaches_nobody(
    coastwatch: Coastwatch,
) -> None:
    address = f"tcp://127.0.0.1:{closed_port()}"
    ran = coastwatch("db", "status", env={"COASTWATCH_SCHEDULER": address})
    assert ran.code == 0, ran.stderr
    assert f"scheduler  no scheduler at {address}: connection refused" in ran.stdout
    assert "table" in ran.stdout  # the store's lines came first, as without a scheduler
