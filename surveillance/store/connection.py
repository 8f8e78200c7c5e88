"""Reaching the store: its URL, opening the engine (migrated to the head), and the
housekeeping ``db status`` reads (schema revision, row counts, server versions)."""

from __future__ import annotations

from urllib.parse import quote

import psycopg
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError

from surveillance import schema
from surveillance.embedded import Cluster
from surveillance.errors import StoreError
from surveillance.models import Base
from surveillance.redaction import mask_secrets
from surveillance.settings import Settings

__all__ = [
    "TABLES",
    "libpq_url",
    "user_libpq_url",
    "database_url",
    "open_engine",
    "lost_store",
    "Housekeeping",
]

#: The tables of DESIGN.md "Store" (and the few the core adds), as ``db status`` lists them.
TABLES = tuple(sorted(Base.metadata.tables))


def libpq_url(settings: Settings) -> str:
    """The store's address as a libpq URI (``postgresql://``); starts the embedded cluster."""
    if settings.database_url is None:
        return Cluster(settings).up()
    raw = settings.database_url.get_secret_value()
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(  # not echoed: what is not a URL cannot be masked with certainty
            "the database URL (COASTWATCH_DATABASE_URL or --database-url) is not a URL",
            hint="postgresql://USER:PASSWORD@HOST:PORT/DATABASE, or a libpq URI",
        ) from None
    if url.get_backend_name() != "postgresql":
        raise StoreError(f"the store must be PostgreSQL with PostGIS, not {url.drivername}")
    return "postgresql://" + raw.split("://", 1)[1]  # as given, less a +driver suffix


#: What a user's URL keeps of the service URL's query: where the server is (a socket
#: directory in ``host``) and how TLS is checked; never a password or the service's options.
_KEPT_QUERY = ("host", "hostaddr", "port", "sslmode", "sslrootcert", "sslcert", "sslkey")


def user_libpq_url(settings: Settings, db_role: str) -> str:
    """A libpq URI that logs in as the database role ``db_role`` (a user's), with no
    password in it: libpq asks for it (or takes PGPASSWORD), or the embedded cluster's
    socket vouches. The server, database and TLS checks are the store's own."""
    url = make_url(libpq_url(settings))
    host = url.host or ""
    where = (f"[{host}]" if ":" in host else host) + ("" if url.port is None else f":{url.port}")
    query = [
        f"{key}={quote(str(_first(url.query[key])), safe='/')}"
        for key in _KEPT_QUERY
        if key in url.query
    ]
    database = quote(url.database or "", safe="")
    return f"postgresql://{quote(db_role, safe='')}@{where}/{database}" + (
        "?" + "&".join(query) if query else ""
    )


def _first(value: str | tuple[str, ...]) -> str:
    """One value of a URL query parameter (SQLAlchemy gives a tuple when it repeats)."""
    return value if isinstance(value, str) else value[0]


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the store (psycopg 3 driver)."""
    return "postgresql+psycopg://" + libpq_url(settings).split("://", 1)[1]


def open_engine(settings: Settings, *, migrate: bool = True) -> Engine:
    """Connect (bringing the embedded cluster up if needed), migrating to the head."""
    engine = create_engine(database_url(settings), pool_pre_ping=True)
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        if migrate:
            schema.upgrade(engine)
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(
            f"cannot reach the store: {mask_secrets(str(exc.orig).strip())}",
            hint="check COASTWATCH_DATABASE_URL (server, credentials, PostGIS installed), "
            "or unset it to use the embedded store",
        ) from None
    return engine


def lost_store(error: BaseException) -> StoreError | None:
    """The StoreError for a connection to the store that broke in the middle of work (the
    server stopped or crashed, the network went), wherever it broke; None for any other
    error. The CLI's last line of defence, so a store going away is a message, never a
    traceback."""
    orig = error.orig if isinstance(error, DBAPIError) else error
    if not isinstance(orig, psycopg.OperationalError):
        return None
    first_line = (str(orig).strip().splitlines() or [repr(orig)])[0]
    return StoreError(
        f"lost the connection to the store: {first_line}",
        hint="what was committed before is kept; once the store is back (`coastwatch db "
        "status`), run the same command again: loading the same input twice stores it once",
    )


class Housekeeping:
    """What ``db status`` shows about the store as a whole."""

    engine: Engine

    def revision(self) -> tuple[str | None, str]:
        """The schema revision of the store, and the one this code expects."""
        return schema.current_revision(self.engine), schema.head_revision()

    def table_counts(self) -> dict[str, int]:
        """Exact row count of every Coastwatch table; of ``ais_positions``, the days on the
        store's own server (a day on a store server would be read across the network:
        ``server_health`` estimates those)."""
        with self.engine.connect() as conn:
            present = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                ).scalars()
            )
            return {table: _rows(conn, table) for table in TABLES if table in present}

    def server_versions(self) -> dict[str, str]:
        """The versions of PostgreSQL and PostGIS the store runs on."""
        with self.engine.connect() as conn:
            return {
                "postgresql": conn.execute(text("SHOW server_version")).scalar_one(),
                "postgis": conn.execute(text("SELECT postgis_lib_version()")).scalar_one(),
            }


def _rows(conn: Connection, table: str) -> int:
    """Exact row count of a table; of ``ais_positions``, its local days'."""
    if table != "ais_positions":
        return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
    local_days = [
        schema.position_partition_name(d) for d in schema.position_partition_days(conn, local=True)
    ]
    return sum(
        int(conn.execute(text(f"SELECT count(*) FROM {day}")).scalar_one()) for day in local_days
    )
