"""Who runs the parts of a slice: this process (:class:`InProcess`), or the workers of a
Dask distributed cluster (:class:`DaskRunner`), with the same task code (alerts/tasks.py).

On a cluster each worker opens the store itself (the URL travels with the task; positions
never pass through the scheduler) and keeps a part's tracks between its two phases; the
second phase asks for the worker that ran the first, and runs anywhere else, reading the
tracks again, if that worker is gone. A task whose worker dies is run again by Dask on
another (``distributed.scheduler.allowed-failures`` times); the engine takes each part's
findings once, so nothing is lost or doubled.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Protocol

import geopandas as gpd
from sqlalchemy import create_engine

from alerts.coast import Coast
from alerts.geography import rule_geography
from alerts.tasks import Found, Part, Shared, Survey, find, read_part, survey
from alerts.tracks import Tracks
from surveillance.errors import InputError
from surveillance.rule_settings import BaseRuleSettings
from surveillance.store import Store
from surveillance.store.position_read import PositionArrays

if TYPE_CHECKING:
    from distributed import Client

__all__ = ["Runner", "InProcess", "DaskRunner", "connect"]

Geography = tuple[Coast, gpd.GeoDataFrame]
OnPositions = Callable[[PositionArrays], None]
Progress = Callable[[str], None]


class Runner(Protocol):
    """Runs the two phases of a slice's parts and returns their results in part order."""

    @property
    def workers(self) -> int: ...

    def survey(
        self,
        store: Store,
        parts: list[Part],
        cfg: BaseRuleSettings,
        on_positions: OnPositions | None,
        on_step: Progress,
    ) -> list[Survey]: ...

    def find(
        self,
        store: Store,
        parts: list[Part],
        shared: Shared,
        geography: Callable[[], Geography],
        surveyed: list[Survey],
        on_step: Progress,
    ) -> list[Found]: ...


class InProcess:
    """The parts one after the other, in this process, on the engine's store."""

    workers = 1

    def __init__(self) -> None:
        self._tracks: dict[str, Tracks] = {}

    def survey(
        self,
        store: Store,
        parts: list[Part],
        cfg: BaseRuleSettings,
        on_positions: OnPositions | None,
        on_step: Progress,
    ) -> list[Survey]:
        results = []
        for k, part in enumerate(parts):
            on_step(_counted("reading positions", k, parts))
            clock = time.perf_counter()
            positions = read_part(store, part)
            if on_positions is not None:
                on_positions(positions)
            tracks = self._tracks[part.key] = Tracks(positions, cfg)
            found = survey(part, tracks, cfg)
            results.append(Survey(**{**found.__dict__, "seconds": time.perf_counter() - clock}))
        return results

    def find(
        self,
        store: Store,
        parts: list[Part],
        shared: Shared,
        geography: Callable[[], Geography],
        surveyed: list[Survey],
        on_step: Progress,
    ) -> list[Found]:
        results = []
        for k, part in enumerate(parts):
            on_step(_counted("running the rules", k, parts))
            tracks = self._tracks.pop(part.key, None)
            if tracks is None:  # not surveyed by this runner: read again
                tracks = Tracks(read_part(store, part), shared.settings.rules)
            results.append(find(part, tracks, shared, geography()))
        return results


def _counted(what: str, k: int, parts: list[Part]) -> str:
    return what if len(parts) == 1 else f"{what}: part {k + 1} of {len(parts)}"


def connect(address: str, timeout_s: float = 10.0) -> Client:
    """A client of the Dask scheduler at ``address``; an InputError in words if none answers."""
    from distributed import Client

    try:
        return Client(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise InputError(
            f"no Dask scheduler answers at {address}: {exc}",
            hint="start one (`coastwatch workers`, or `dask scheduler` and `dask worker`) "
            "or leave out --scheduler to run in process",
        ) from None


class DaskRunner:
    """The parts as tasks on a Dask distributed cluster."""

    def __init__(self, client: Client, retries: int = 1) -> None:
        self.client, self.retries = client, retries

    @property
    def workers(self) -> int:
        return max(1, len(self.client.scheduler_info(n_workers=-1)["workers"]))

    def survey(
        self,
        store: Store,
        parts: list[Part],
        cfg: BaseRuleSettings,
        on_positions: OnPositions | None,
        on_step: Progress,
    ) -> list[Survey]:
        if on_positions is not None:
            raise InputError("the follow mode runs in process: it takes no scheduler")
        url = _url(store)
        futures = [
            self.client.submit(
                _remote_survey, url, part, cfg, key=f"survey-{part.key}", retries=self.retries
            )
            for part in parts
        ]
        return list(self._gather(futures, "reading positions and stops", on_step))

    def find(
        self,
        store: Store,
        parts: list[Part],
        shared: Shared,
        geography: Callable[[], Geography],
        surveyed: list[Survey],
        on_step: Progress,
    ) -> list[Found]:
        url = _url(store)
        everywhere = self.client.submit(_held, shared, pure=False)
        where = [s.worker for s in surveyed]
        futures = [
            self.client.submit(
                _remote_find,
                url,
                part,
                everywhere,
                key=f"find-{part.key}",
                workers=[worker] if worker else None,
                allow_other_workers=True,
                retries=self.retries,
            )
            for part, worker in zip(parts, where, strict=True)
        ]
        return list(self._gather(futures, "running the rules", on_step))

    def _gather(self, futures: list[Any], what: str, on_step: Progress) -> Iterator[Any]:
        from distributed import KilledWorker, as_completed
        from distributed.client import FutureCancelledError

        workers = self.workers  # one question to the scheduler, not one per part
        try:
            with self.client.as_current():
                for done, _ in enumerate(as_completed(futures), 1):
                    on_step(f"{what}: {done} of {len(futures)} parts on {workers} workers")
            return iter(self.client.gather(futures))
        except (KilledWorker, FutureCancelledError, OSError) as exc:
            raise InputError(
                f"the cluster lost a part of the run ({type(exc).__name__}: {exc}); nothing "
                "of this slice was stored",
                hint="check the workers with `coastwatch db status --scheduler ADDRESS`, then "
                "run detect again: a rerun stores each alert once",
            ) from None


def _held(value: Shared) -> Shared:
    """The slice's shared context as a task's result: Dask can make it again on another
    worker if every worker holding it dies (scattered data it could not)."""
    return value


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


# What a worker process keeps between tasks: its stores, the geography, parts' tracks.
_STORES: dict[str, Store] = {}
_GEOGRAPHY: dict[tuple[Any, ...], Geography] = {}
_TRACKS: dict[str, tuple[float, Tracks]] = {}
_TRACKS_KEPT_S = 3600.0  # tracks whose second phase never came (the engine failed) go


def _worker_store(url: str) -> Store:
    if url not in _STORES:
        _STORES[url] = Store(create_engine(url, pool_pre_ping=True))
    return _STORES[url]


def _worker_address() -> str:
    from distributed import get_worker

    return str(get_worker().address)


def _remote_survey(url: str, part: Part, cfg: BaseRuleSettings) -> Survey:
    clock = time.perf_counter()
    now = time.monotonic()
    for key in [k for k, (at, _) in _TRACKS.items() if now - at > _TRACKS_KEPT_S]:
        del _TRACKS[key]
    tracks = Tracks(read_part(_worker_store(url), part), cfg)
    _TRACKS[part.key] = (now, tracks)
    found = survey(part, tracks, cfg, _worker_address())
    return replace(found, seconds=time.perf_counter() - clock)


def _remote_find(url: str, part: Part, shared: Shared) -> Found:
    store = _worker_store(url)
    kept = _TRACKS.pop(part.key, None)
    clock = time.perf_counter()
    tracks = kept[1] if kept else Tracks(read_part(store, part), shared.settings.rules)
    settings = shared.settings
    key = (
        url,
        shared.geography,
        settings.aoi_bbox_deg,
        settings.rules.zone_kinds,
        tuple(shared.extra_zones["name"]),
    )
    if key not in _GEOGRAPHY:
        _GEOGRAPHY[key] = rule_geography(settings, store, shared.extra_zones)
    found = find(part, tracks, shared, _GEOGRAPHY[key], _worker_address())
    return replace(found, seconds=time.perf_counter() - clock)
