"""``coastwatch workers`` run as a person runs it: a scheduler and worker processes of its
own, or workers joining a scheduler; Ctrl-C stops them all, cleanly."""

from __future__ import annotations

import signal
import socket
import subprocess
from collections.abc import Iterator

import psutil
import pytest

from surveillance.store import Store
from tests.builders.cli import start
from tests.builders.dask_cluster import closed_port, local_cluster, until_workers

_STOP_S = 60


@pytest.fixture
def url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _interrupted(command: subprocess.Popen[str]) -> tuple[int, str]:
    """Ctrl-C to ``command``: its exit code and what it said on stderr."""
    command.send_signal(signal.SIGINT)
    _, err = command.communicate(timeout=_STOP_S)
    return command.returncode, err


def _descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _left(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` still alive once their parent is gone (multiprocessing's
    resource tracker sees its pipe close and exits a moment after; a worker left would not)."""
    return psutil.wait_procs(processes, timeout=_STOP_S)[1]


@pytest.fixture
def own_cluster(url: str) -> Iterator[subprocess.Popen[str]]:
    """``coastwatch workers --workers 2 --memory-limit 500``, running."""
    command = start("--database-url", url, "workers", "--workers", "2", "--memory-limit", "500")
    yield command
    if command.poll() is None:
        command.kill()
        command.communicate()


def test_workers_start_a_scheduler_and_its_workers_and_stop_on_ctrl_c(
    own_cluster: subprocess.Popen[str],
) -> None:
    assert own_cluster.stdout is not None
    said = own_cluster.stdout.readline().split()
    assert said[0] == "scheduler", said
    health = until_workers(said[1], 2)
    assert [w.nthreads for w in health.workers] == [1, 1], health.detail
    assert [w.memory_limit_mb for w in health.workers] == [500.0, 500.0]
    children = _descendants(own_cluster.pid)
    assert len(children) >= 2  # a process per worker (and multiprocessing's helpers)
    code, err = _interrupted(own_cluster)
    assert code == 0, err
    assert "Traceback" not in err
    assert err.rstrip().endswith("workers stopped")
    assert _left(children) == []


def test_workers_join_a_scheduler_and_leave_it_on_ctrl_c(url: str) -> None:
    with local_cluster(n_workers=1) as cluster:
        address = cluster.scheduler_address
        until_workers(address, 1)
        joined = start("--database-url", url, "workers", "--scheduler", address, "--workers", "2")
        try:
            health = until_workers(address, 3)
            assert len(health.workers) == 3, health.detail
            children = _descendants(joined.pid)
            code, err = _interrupted(joined)
        finally:
            if joined.poll() is None:
                joined.kill()
        assert code == 0, err
        assert "Traceback" not in err
        assert len(until_workers(address, 1).workers) == 1  # the joined two left
        assert _left(children) == []


def test_workers_refuse_in_a_line_a_scheduler_that_is_not_there(url: str) -> None:
    address = f"tcp://127.0.0.1:{closed_port()}"
    joined = start("--database-url", url, "workers", "--scheduler", address)
    _, err = joined.communicate(timeout=_STOP_S)
    assert joined.returncode == 2
    assert err.splitlines()[0] == (
        f"error: no scheduler at {address}: connection refused "
        f"(nothing listens on port {address.rsplit(':', 1)[1]} of 127.0.0.1)"
    )


def test_workers_refuse_in_a_line_a_port_already_taken(url: str) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        started = start("--database-url", url, "workers", "--workers", "1", "--port", str(port))
        _, err = started.communicate(timeout=_STOP_S)
    assert started.returncode == 2
    assert err.splitlines() == [
        f"error: cannot start a scheduler on 127.0.0.1:{port}: [Errno 98] Address already in use",
        "hint: give another --port, or for --host an address of this machine",
    ]
