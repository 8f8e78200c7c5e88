"""The health of a Dask scheduler and of its workers, as ``db status`` and the Sources page
show it: who joined, their threads, memory and running tasks, when each was last heard.

A probe first opens a plain TCP connection, which says at once why a scheduler that is down
cannot be reached (distributed's own connect retries until its timeout, then only says it
timed out); then it asks the scheduler for its identity over one connection of its own
(distributed's ``rpc``), registering no client. All of it is bounded by ``timeout_s``.

>>> worker_health("tcp://127.0.0.1:1", timeout_s=1.0).detail  # doctest: +SKIP
'no scheduler at tcp://127.0.0.1:1: connection refused (nothing listens on port 1 of 127.0.0.1)'
"""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass
from typing import Any

__all__ = ["SchedulerHealth", "WorkerHealth", "worker_health"]

_MB = 1e6
_RUNNING_STATES = ("executing", "long-running")
_TCP_SCHEMES = ("tcp", "tls")
_DEFAULT_PORT = 8786


@dataclass(frozen=True)
class WorkerHealth:
    """One worker as the scheduler last heard of it; ``memory_limit_mb`` 0 means none."""

    name: str
    address: str
    nthreads: int
    memory_mb: float
    memory_limit_mb: float
    tasks_running: int
    last_seen_s: float


@dataclass(frozen=True)
class SchedulerHealth:
    """A scheduler, whether it answered (``detail`` says why not, in words) and its workers."""

    address: str
    reachable: bool
    detail: str
    workers: list[WorkerHealth]


def worker_health(address: str, timeout_s: float = 5.0) -> SchedulerHealth:
    """Ask the scheduler at ``address`` (``tcp://HOST:PORT``, ``tls://...``) about its workers,
    within ``timeout_s``; an unreachable scheduler is an answer too, never an exception."""
    deadline = time.monotonic() + timeout_s
    try:
        location = _tcp_location(address)
    except ValueError as exc:
        return _unreachable(address, f"not a Dask address ({exc}); give tcp://HOST:PORT")
    connection_args = _connection_args()
    if address.startswith("tls://") and connection_args.get("ssl_context") is None:
        return _unreachable(
            address,
            "tls:// needs the TLS settings of distributed.comm.tls in the Dask config",
        )
    if location is not None and (refused := _tcp_refusal(*location, timeout_s)) is not None:
        return _unreachable(address, refused)
    left_s = max(0.1, deadline - time.monotonic())
    try:
        identity = asyncio.run(asyncio.wait_for(_identity(address, connection_args), left_s))
    except TimeoutError:
        return _unreachable(
            address, f"something listens there, but did not answer in {timeout_s:g} s"
        )
    except OSError:
        return _unreachable(address, "something listens there, but it is no Dask scheduler")
    now = time.time()
    workers = sorted(
        (_worker(at, info, now) for at, info in identity.get("workers", {}).items()),
        key=lambda w: (w.name, w.address),
    )
    return SchedulerHealth(address, True, _summary(identity, workers, now), workers)


async def _identity(address: str, connection_args: dict[str, Any]) -> dict[str, Any]:
    from distributed.core import rpc

    async with rpc(address, connection_args=connection_args) as scheduler:
        identity: dict[str, Any] = await scheduler.identity(n_workers=-1)
        return identity


def _connection_args() -> dict[str, Any]:
    """What a client's connection needs under the Dask config in force (TLS certificates)."""
    from distributed.security import Security

    args: dict[str, Any] = Security().get_connection_args("client")
    return args


def _tcp_location(address: str) -> tuple[str, int] | None:
    """The host and port of a TCP-borne address (None for another transport); ValueError
    for what is no Dask address at all."""
    from distributed.comm import parse_address, parse_host_port

    scheme, location = parse_address(address)  # ValueError on no scheme it knows
    if scheme not in _TCP_SCHEMES:
        from distributed.comm.registry import get_backend

        get_backend(scheme)  # ValueError: unknown address scheme 'http' (known: ...)
        return None
    host, port = parse_host_port(location, default_port=_DEFAULT_PORT)
    if not 0 < int(port) < 65536:
        raise ValueError(f"port {port} is out of range")
    return host, int(port)


def _tcp_refusal(host: str, port: int, timeout_s: float) -> str | None:
    """Why a TCP connection to ``host:port`` fails, in words (None: something listens);
    distributed's own connect retries until its timeout and then only says it timed out."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return None
    except socket.gaierror:
        return f"host {host} not found"
    except ConnectionRefusedError:
        return f"connection refused (nothing listens on port {port} of {host})"
    except TimeoutError:
        return f"no answer from {host}:{port} in {timeout_s:g} s (host down, or a firewall)"
    except OSError as exc:
        return exc.strerror or str(exc)


def _unreachable(address: str, reason: str) -> SchedulerHealth:
    return SchedulerHealth(address, False, f"no scheduler at {address}: {reason}", [])


def _worker(address: str, info: dict[str, Any], now: float) -> WorkerHealth:
    metrics = info.get("metrics", {})
    counts = metrics.get("task_counts", {})
    return WorkerHealth(
        name=str(info.get("name", address)),
        address=address,
        nthreads=int(info.get("nthreads", 0)),
        memory_mb=float(metrics.get("memory", 0)) / _MB,
        memory_limit_mb=float(info.get("memory_limit") or 0) / _MB,
        tasks_running=sum(int(counts.get(state, 0)) for state in _RUNNING_STATES),
        # the scheduler's clock against ours: a skew between machines is clamped at zero
        last_seen_s=max(0.0, now - float(info.get("last_seen", now))),
    )


def _summary(identity: dict[str, Any], workers: list[WorkerHealth], now: float) -> str:
    if not workers:
        return "up, no worker has joined (`coastwatch workers --scheduler ...` adds some)"
    threads = sum(w.nthreads for w in workers)
    count = f"{len(workers)} worker" + ("" if len(workers) == 1 else "s")
    up_s = max(0.0, now - float(identity.get("started", now)))
    return f"up {_duration(up_s)}, {count}, {threads} threads"


def _duration(seconds: float) -> str:
    """``42 s``, ``7 min``, ``3.5 h``: how long, to the unit a person reads."""
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
