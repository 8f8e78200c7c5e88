"""``coastwatch workers``: Dask workers for ``detect --scheduler``, with a scheduler of their
own on this machine or joining one elsewhere, until Ctrl-C.

The same as ``dask scheduler`` and ``dask worker tcp://HOST:8786 --nworkers N --nthreads 1
--memory-limit ...`` (docs/distributed.md), with Coastwatch's defaults: one worker process
per core, one thread each (the rules hold the GIL), a memory limit of
``rules.detect_memory_budget_mb`` each.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
from dataclasses import dataclass

import click

from surveillance.cli.app import AppContext, console, needs, out, pass_app
from surveillance.errors import InputError

__all__ = ["workers"]


@dataclass(frozen=True)
class _Plan:
    """What to start: ``n_workers`` processes of ``threads`` threads and ``memory_mb`` each,
    joining ``scheduler`` or, when it is None, a scheduler of their own on ``host:port``."""

    n_workers: int
    threads: int
    memory_mb: float
    scheduler: str | None
    host: str
    port: int
    dashboard_address: str | None


def _cores() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@click.command()
@click.option(
    "--workers",
    "n_workers",
    type=click.IntRange(min=1),
    help="Worker processes to start (default: one per CPU core of this machine).",
)
@click.option(
    "--threads",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="Threads per worker (the rules are numpy and pandas code: processes scale, threads not).",
)
@click.option(
    "--memory-limit",
    "memory_limit_mb",
    type=click.FloatRange(min=0, min_open=True),
    metavar="MB",
    help="Memory of each worker; Dask pauses one at 80 % of it and restarts it at 95 % "
    "(default: rules.detect_memory_budget_mb).",
)
@click.option(
    "--scheduler",
    metavar="tcp://HOST:PORT",
    help="Join this scheduler (`dask scheduler`, or `coastwatch workers` on another machine) "
    "instead of starting one.",
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface the scheduler of its own listens on (0.0.0.0: every interface, for workers "
    "on other machines).",
)
@click.option(
    "--port",
    type=click.IntRange(min=0, max=65535),
    default=0,
    help="Port of the scheduler of its own (default: any free one; Dask's usual is 8786).",
)
@click.option(
    "--dashboard-address",
    metavar="[HOST]:PORT",
    help="Serve Dask's diagnostics dashboard there (needs bokeh); off by default.",
)
@pass_app
@needs("sources")
def workers(
    app: AppContext,
    n_workers: int | None,
    threads: int,
    memory_limit_mb: float | None,
    scheduler: str | None,
    host: str,
    port: int,
    dashboard_address: str | None,
) -> None:
    """Start Dask workers for `coastwatch detect --scheduler`, until Ctrl-C.

    Without --scheduler: a scheduler and the workers on this machine; the scheduler's
    address is printed, to give `detect --scheduler` or put in COASTWATCH_SCHEDULER. With
    --scheduler: the workers join that one. Each worker reads its partitions from the store
    itself: give every machine the same COASTWATCH_DATABASE_URL (docs/distributed.md).
    """
    if scheduler is not None:
        _check_reachable(scheduler)
    plan = _Plan(
        n_workers=n_workers or _cores(),
        threads=threads,
        memory_mb=memory_limit_mb or app.settings.rules.detect_memory_budget_mb,
        scheduler=scheduler,
        host=host,
        port=port,
        dashboard_address=dashboard_address,
    )
    _quiet_distributed()
    asyncio.run(_serve(plan))
    console.print("workers stopped")


def _quiet_distributed() -> None:
    """Dask's warnings only, unless -v: distributed sets its loggers to INFO when imported."""
    import distributed  # noqa: F401

    if not logging.getLogger().isEnabledFor(logging.INFO):
        logging.getLogger("distributed").setLevel(logging.WARNING)
        # its warning of a cluster that failed to start: the error says why, in one line
        logging.getLogger("distributed.deploy.spec").setLevel(logging.ERROR)


def _check_reachable(address: str) -> None:
    from surveillance.workers import worker_health

    health = worker_health(address)
    if not health.reachable:
        raise InputError(
            health.detail,
            hint="start one there first: `coastwatch workers --host 0.0.0.0 --port 8786` "
            "or `dask scheduler`",
        )


async def _serve(plan: _Plan) -> None:
    """Run the plan until SIGINT or SIGTERM, then close every worker (and the scheduler)."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for stopping in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(stopping, stop.set)
    if plan.scheduler is None:
        await _own_scheduler(plan, stop)
    else:
        await _join(plan, plan.scheduler, stop)


async def _own_scheduler(plan: _Plan, stop: asyncio.Event) -> None:
    from distributed import LocalCluster

    cluster = LocalCluster(
        n_workers=plan.n_workers,
        threads_per_worker=plan.threads,
        memory_limit=f"{plan.memory_mb}MB",
        processes=True,
        host=plan.host,
        scheduler_port=plan.port,
        dashboard_address=plan.dashboard_address,
        # without a dashboard, the scheduler's HTTP server (/health) on any free port, not 8787
        scheduler_kwargs=None
        if plan.dashboard_address
        else {"dashboard_address": f"{plan.host}:0"},
        asynchronous=True,
    )
    try:
        await cluster
    except RuntimeError as exc:  # distributed's "Cluster failed to start", the reason below
        raise InputError(
            f"cannot start a scheduler on {plan.host}:{plan.port}: {_first_cause(exc)}",
            hint="give another --port, or for --host an address of this machine",
        ) from None
    async with cluster:
        address = cluster.scheduler_address
        out.print(f"scheduler {address}", markup=False, highlight=False)
        _say_started(plan, f"with a scheduler at {address}")
        console.print(
            f"run the rules on them: coastwatch detect --scheduler {address} "
            f"(or COASTWATCH_SCHEDULER={address})",
            markup=False,
            highlight=False,
        )
        await stop.wait()
        console.print("stopping the workers and the scheduler")


def _first_cause(error: BaseException) -> str:
    """The words of the innermost error behind ``error`` (an OSError: port taken, no such
    host), which distributed wraps twice."""
    while error.__cause__ is not None or error.__context__ is not None:
        error = error.__cause__ or error.__context__  # type: ignore[assignment]
    return str(error)


async def _join(plan: _Plan, scheduler: str, stop: asyncio.Event) -> None:
    from distributed import Nanny

    nannies = [
        Nanny(
            scheduler,
            nthreads=plan.threads,
            memory_limit=f"{plan.memory_mb}MB",
            dashboard_address=plan.dashboard_address,
        )
        for _ in range(plan.n_workers)
    ]
    try:
        await asyncio.gather(*nannies)
        _say_started(plan, f"joined the scheduler at {scheduler}")
        await stop.wait()
        console.print("stopping the workers")
    finally:
        await asyncio.gather(*(nanny.close() for nanny in nannies))


def _say_started(plan: _Plan, where: str) -> None:
    each = "1 thread" if plan.threads == 1 else f"{plan.threads} threads"
    count = f"{plan.n_workers} worker" + ("" if plan.n_workers == 1 else "s")
    console.print(
        f"{count} of {each} and {plan.memory_mb:,.0f} MB each {where}; Ctrl-C stops them",
        markup=False,
        highlight=False,
    )
