"""The store API: the one way into PostGIS for ingesters, rules and the dashboard.

:class:`Store` is a facade over one module per family of tables (positions, vessels,
reference geography, detections and drone sightings, leads, missions, quarantine, alerts,
watchlist, exports, source statistics, users, the audit log, housekeeping, store servers).
Writes stage a batch with COPY and merge it with one ``INSERT .. ON CONFLICT`` (see
:mod:`surveillance.store.bulk`), so loading the same data twice stores it once. Reads take a
time window and a bounding box and return GeoDataFrames in EPSG:4326. :meth:`Store.as_role`
runs a user's queries under their role's PostgreSQL role (grants, row-level security).

>>> with Store.open(load_settings()) as store:                                # doctest: +SKIP
...     store.positions(window=(since, until), bbox=(129, 33, 131, 35))
"""

from __future__ import annotations

from collections.abc import Callable
from types import TracebackType

import psycopg
from sqlalchemy import Engine, ExceptionContext, create_engine, event

from surveillance.access import group_role
from surveillance.errors import AccessDenied, InputError
from surveillance.settings import Settings
from surveillance.store.alerts import AlertTables
from surveillance.store.archive import ArchiveTables
from surveillance.store.audit import AuditCheck, AuditTables
from surveillance.store.connection import (
    TABLES,
    Housekeeping,
    database_url,
    libpq_url,
    open_engine,
    user_libpq_url,
)
from surveillance.store.detections import DetectionTables
from surveillance.store.exports import ExportTables
from surveillance.store.leads import LEAD_COLUMNS, LeadCounts, LeadRecord, LeadTables
from surveillance.store.learnt import LearntMaps
from surveillance.store.missions import MissionRecord, MissionTables
from surveillance.store.positions import PositionTables
from surveillance.store.quarantine import QuarantineTables
from surveillance.store.reference import REFERENCE_KINDS, ReferenceTables
from surveillance.store.scenes import SceneRecord, SceneTables
from surveillance.store.servers import ServerHealth, StoreServer
from surveillance.store.sightings import SightingRecord, SightingTables
from surveillance.store.source_stats import SourceStatistics
from surveillance.store.spread import DaySpreading, SpreadDay
from surveillance.store.telemetry import TELEMETRY_COLUMNS, TelemetryTables
from surveillance.store.users import LoginPolicy, UserRecord, UserTables
from surveillance.store.vessels import VesselTables
from surveillance.store.watchlist import WatchlistTables
from surveillance.store.window import BBox, Window

__all__ = [
    "Store",
    "SceneRecord",
    "MissionRecord",
    "SightingRecord",
    "LeadRecord",
    "LeadCounts",
    "LEAD_COLUMNS",
    "UserRecord",
    "LoginPolicy",
    "AuditCheck",
    "TELEMETRY_COLUMNS",
    "database_url",
    "libpq_url",
    "user_libpq_url",
    "Window",
    "BBox",
    "TABLES",
    "REFERENCE_KINDS",
    "ServerHealth",
    "StoreServer",
    "SpreadDay",
]


class Store(
    PositionTables,
    VesselTables,
    ReferenceTables,
    DetectionTables,
    SightingTables,
    LeadTables,
    SceneTables,
    MissionTables,
    TelemetryTables,
    QuarantineTables,
    AlertTables,
    WatchlistTables,
    ExportTables,
    SourceStatistics,
    ArchiveTables,
    DaySpreading,
    LearntMaps,
    UserTables,
    AuditTables,
    Housekeeping,
):
    """Typed reads and batched, idempotent writes over the Coastwatch schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        if not event.contains(engine, "handle_error", _refused_nul):
            event.listen(engine, "handle_error", _refused_nul)

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Store:
        """Connect (bringing the embedded cluster up if needed), migrating to the head."""
        return cls(open_engine(settings, migrate=migrate))

    def as_role(self, role: str) -> Store:
        """The same store with every query run as ``role``'s PostgreSQL group role (its
        grants and row-level policies, see surveillance/access.py); close it when done."""
        options = f"-c role={group_role(role)}"
        engine = create_engine(
            self.engine.url, pool_pre_ping=True, connect_args={"options": options}
        )
        event.listen(engine, "handle_error", _refused_as(role))
        return Store(engine)

    def close(self) -> None:
        """Release the store's connections."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _refused_nul(context: ExceptionContext) -> None:
    """Text holding a NUL character, which PostgreSQL text cannot store (psycopg refuses
    it before sending), as an InputError rather than a driver's traceback."""
    error = context.original_exception
    if isinstance(error, psycopg.DataError) and "NUL (0x00)" in str(error):
        raise InputError(
            "text with a NUL character (\\x00) cannot be stored or looked for",
            hint="remove the control character and try again",
        ) from None


def _refused_as(role: str) -> Callable[[ExceptionContext], None]:
    """A refusal by the database's grants or row-level policies, as AccessDenied (exit 6)."""

    def refused(context: ExceptionContext) -> None:
        error = context.original_exception
        if getattr(error, "sqlstate", None) == "42501":  # insufficient_privilege
            said = str(error).strip().splitlines()[0]
            raise AccessDenied(
                f"the store refused it to the {role} role: {said}",
                hint="the role's grants and row-level policies decide (surveillance/access.py)",
            ) from None

    return refused
