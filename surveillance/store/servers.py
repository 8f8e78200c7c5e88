"""Store servers: other PostGIS servers that hold day partitions of ``ais_positions``.

A store server is a foreign server of the store (``postgres_fdw``, marked by its comment in
``pg_foreign_server``: the catalog is the registry) with a user mapping for PUBLIC: the
store's own grants and row-level policies decide who reads ``ais_positions`` (a user's
group role too, see surveillance/access.py), and every reader reaches the server as the
URL's user. The store's own server reads a day held there as a foreign partition, and pushes
the window and the box down to it (``extensions 'postgis'``). Each server keeps a copy of
the reference tables (vessels, zones, ports ...), so it can answer a joined query alone.
Moving days there is :mod:`surveillance.store.spread`.

The password of a server's URL goes into the user mapping only: never into a log line, an
error or ``db status``, which show ``host:port/database``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo
from sqlalchemy import Connection, Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

from surveillance import schema
from surveillance.errors import InputError, StoreError
from surveillance.redaction import mask_secrets
from surveillance.store.bulk import store_errors

__all__ = [
    "REFERENCE_TABLES",
    "ServerHealth",
    "StoreServer",
    "StoreServers",
    "remote",
    "copy_table",
    "table_shape",
    "TableShape",
]

log = logging.getLogger(__name__)

#: The comment that marks a foreign server as one of the store's.
_MARK = "coastwatch store server"
#: What the rules and the dashboard join positions with: copied to every server.
REFERENCE_TABLES = (
    "vessels",
    "vessel_identities",
    "ais_stations",
    "ports",
    "zones",
    "anchorages",
    "watchlist",
)
_NAME = re.compile(r"[a-z][a-z0-9_]{0,39}")
_CONNECT_TIMEOUT_S = 5
#: Rows a foreign scan fetches per round trip (postgres_fdw's default is 100).
_FETCH_SIZE = 10_000


@dataclass(frozen=True)
class ServerHealth:
    """What ``db status`` says of a store server: can it be reached (``detail``: its
    versions, or why not, in words), and the days and rows (an estimate) it holds."""

    name: str
    address: str  # host:port/db, no password
    reachable: bool
    detail: str
    days: int
    rows: int


@dataclass(frozen=True)
class StoreServer:
    """A registered store server; ``conninfo`` (with the password) is for connecting only."""

    name: str
    address: str
    conninfo: str = field(repr=False)


@contextmanager
def remote(server: StoreServer) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A connection to the store server, in a transaction committed at the end of the
    block; unreachable, it is a one-line StoreError."""
    try:
        conn = psycopg.connect(server.conninfo, connect_timeout=_CONNECT_TIMEOUT_S)
    except psycopg.Error as exc:
        raise StoreError(
            f"cannot reach store server {server.name} at {server.address}: {_said(exc)}",
            hint="check that the server is up and the URL's user may log in "
            "(`coastwatch db servers list` shows the address)",
        ) from None
    try:
        with conn.transaction():
            yield conn
    except psycopg.Error as exc:
        raise StoreError(f"store server {server.name} refused: {_said(exc)}") from None
    finally:
        conn.close()


def _said(error: BaseException) -> str:
    """The first line of a driver's error, with any secret masked."""
    return mask_secrets((str(error).strip().splitlines() or [repr(error)])[0])


@dataclass(frozen=True)
class TableShape:
    """DDL for a copy of a table on another server: the table, then (once the rows are
    in: an index is built faster in one pass) its key and a GiST index per geometry."""

    table: sql.Composed
    indexes: list[sql.Composed]


def table_shape(conn: Connection, table: str, name: str, key: str | None = None) -> TableShape:
    """The shape of ``table`` (its columns) as a table named ``name``, keyed by ``key`` or
    by the table's own primary key."""
    columns = conn.execute(
        text(
            "SELECT a.attname, format_type(a.atttypid, a.atttypmod), a.attnotnull "
            "FROM pg_attribute a WHERE a.attrelid = CAST(:t AS regclass) AND a.attnum > 0 "
            "AND NOT a.attisdropped ORDER BY a.attnum"
        ),
        {"t": table},
    ).all()
    if key is None:
        key = ", ".join(
            conn.execute(
                text(
                    "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                    "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = "
                    "CAST(:t AS regclass) AND i.indisprimary "
                    "ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)"
                ),
                {"t": table},
            ).scalars()
        )
    body = [
        sql.SQL("{} {}{}").format(
            sql.Identifier(column), sql.SQL(kind), sql.SQL(" NOT NULL" if not_null else "")
        )
        for column, kind, not_null in columns
    ]
    indexes = (
        [
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} PRIMARY KEY ({})").format(
                sql.Identifier(name), sql.Identifier(f"{name}_pkey"), sql.SQL(key)
            )
        ]
        if key
        else []
    )
    indexes += [
        sql.SQL("CREATE INDEX {} ON {} USING gist ({})").format(
            sql.Identifier(f"{name}_{column}"), sql.Identifier(name), sql.Identifier(column)
        )
        for column, kind, _ in columns
        if kind.startswith("geometry")
    ]
    return TableShape(
        sql.SQL("CREATE TABLE {} ({})").format(sql.Identifier(name), sql.SQL(", ").join(body)),
        indexes,
    )


def copy_table(
    local: Connection,
    source: str | sql.Composable,
    target: psycopg.Connection[tuple[object, ...]],
    table: str,
) -> int:
    """Stream ``source`` (a table, or a query) from the store into the server's ``table``
    by binary COPY; the rows the server took."""
    raw = local.connection.driver_connection
    if raw is None:
        raise StoreError("the store connection was closed")
    what = sql.Identifier(source) if isinstance(source, str) else sql.SQL("({})").format(source)
    with (
        raw.cursor() as out_cur,
        out_cur.copy(sql.SQL("COPY {} TO STDOUT (FORMAT BINARY)").format(what)) as out,
        target.cursor() as in_cur,
    ):
        with in_cur.copy(
            sql.SQL("COPY {} FROM STDIN (FORMAT BINARY)").format(sql.Identifier(table))
        ) as into:
            for block in out:
                into.write(block)
        return in_cur.rowcount


def _parse(name: str, url: str) -> tuple[dict[str, str], dict[str, str]]:
    """A server's options (host, port, dbname) and its user mapping's (user, password)."""
    if not _NAME.fullmatch(name):
        raise InputError(
            f"not a store server name: {name!r}",
            hint="lower-case letters, digits and _, starting with a letter (at most 40)",
        )
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise InputError(  # not echoed: what is not a URL cannot be masked with certainty
            "the store server's URL is not a URL",
            hint="postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
        ) from None
    if parsed.get_backend_name() != "postgresql" or not parsed.database:
        raise InputError(
            "a store server's URL is postgresql://USER:PASSWORD@HOST:PORT/DATABASE",
            hint="the database must be named",
        )
    query = {k: v if isinstance(v, str) else v[0] for k, v in parsed.query.items()}
    options = {
        "host": parsed.host or query.get("host", "localhost"),
        "port": str(parsed.port or query.get("port", 5432)),
        "dbname": parsed.database,
    }
    if "sslmode" in query:
        options["sslmode"] = query["sslmode"]
    mapping = {"user": parsed.username or query.get("user", "")}
    if parsed.password:
        mapping["password"] = str(parsed.password)
    return options, {k: v for k, v in mapping.items() if v}


def _address(options: dict[str, str]) -> str:
    return f"{options['host']}:{options['port']}/{options['dbname']}"


def _options(pairs: Sequence[str] | None) -> dict[str, str]:
    """A catalog's ``{key=value, ...}`` options as a dict."""
    return dict(pair.split("=", 1) for pair in pairs or ())


def _as_server(name: str, options: dict[str, str], mapping: dict[str, str]) -> StoreServer:
    keys = ("host", "port", "dbname", "sslmode")
    login = {k: mapping[k] for k in ("user", "password") if k in mapping}
    return StoreServer(
        name,
        _address(options),
        make_conninfo(**{k: options[k] for k in keys if k in options}, **login),
    )


def _options_sql(options: dict[str, str]) -> sql.Composed:
    return sql.SQL(", ").join(
        sql.SQL("{} {}").format(sql.Identifier(k), sql.Literal(v)) for k, v in options.items()
    )


class StoreServers:
    """Registering store servers, their copies of the reference tables, and their health."""

    engine: Engine

    def store_servers(self) -> list[StoreServer]:
        """The registered store servers, by name."""
        with store_errors("pg_foreign_server"), self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT s.srvname, s.srvoptions, u.umoptions FROM pg_foreign_server s "
                    "LEFT JOIN pg_user_mappings u ON u.srvid = s.oid AND u.umuser = 0 "
                    "WHERE obj_description(s.oid, 'pg_foreign_server') = :mark ORDER BY 1"
                ),
                {"mark": _MARK},
            ).all()
        return [_as_server(name, _options(opts), _options(um)) for name, opts, um in rows]

    def store_server(self, name: str) -> StoreServer:
        """One registered server, by name; InputError if there is none of that name."""
        for server in self.store_servers():
            if server.name == name:
                return server
        raise InputError(
            f"no store server {name!r}", hint="`coastwatch db servers list` shows them"
        )

    def server_days(self) -> dict[date, str]:
        """The days of positions held by store servers: day -> server name."""
        with store_errors("ais_positions"), self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT c.relname, s.srvname FROM pg_inherits i "
                    "JOIN pg_class c ON c.oid = i.inhrelid "
                    "JOIN pg_foreign_table f ON f.ftrelid = c.oid "
                    "JOIN pg_foreign_server s ON s.oid = f.ftserver "
                    "WHERE i.inhparent = 'ais_positions'::regclass"
                )
            ).all()
        return {datetime.strptime(n[-8:], "%Y%m%d").date(): s for n, s in rows}

    def add_server(self, name: str, url: str) -> StoreServer:
        """Register a PostGIS server as a store server: PostGIS made there, a foreign
        server and user mapping here (checked from this server's side), then the
        reference tables copied over."""
        options, mapping = _parse(name, url)
        server = _as_server(name, options, mapping)
        with remote(server) as conn:
            if (
                conn.execute(
                    "SELECT 1 FROM pg_available_extensions WHERE name = 'postgis'"
                ).fetchone()
                is None
            ):
                raise StoreError(
                    f"no PostGIS on store server {name} at {server.address}",
                    hint="install PostGIS 3 there (postgresql-<version>-postgis-3)",
                )
            conn.execute("CREATE EXTENSION IF NOT EXISTS postgis")
        with store_errors("pg_foreign_server"), self.engine.begin() as local:
            if local.execute(
                text("SELECT 1 FROM pg_foreign_server WHERE srvname = :n"), {"n": name}
            ).first():
                raise InputError(
                    f"the store already has a foreign server named {name}",
                    hint="`coastwatch db servers list` shows the store servers; pick another name",
                )
            raw = local.connection.driver_connection
            assert raw is not None
            raw.execute("CREATE EXTENSION IF NOT EXISTS postgres_fdw")
            server_options = {**options, "extensions": "postgis", "fetch_size": str(_FETCH_SIZE)}
            ident = sql.Identifier(name)
            raw.execute(
                sql.SQL("CREATE SERVER {} FOREIGN DATA WRAPPER postgres_fdw OPTIONS ({})").format(
                    ident, _options_sql(server_options)
                )
            )
            raw.execute(sql.SQL("COMMENT ON SERVER {} IS {}").format(ident, sql.Literal(_MARK)))
            raw.execute(
                sql.SQL("CREATE USER MAPPING FOR PUBLIC SERVER {} OPTIONS ({})").format(
                    ident, _options_sql({**mapping, **_passwordless(local, mapping)})
                )
            )
            self._check_reach(local, server)
        self.sync_reference([name])
        log.info("store server %s added at %s", name, server.address)
        return server

    def _check_reach(self, local: Connection, server: StoreServer) -> None:
        """Make sure the store's own server reaches the new one (it is that server, not
        this process, that reads the days): a probe foreign table, rolled back."""
        raw = local.connection.driver_connection
        assert raw is not None
        try:
            with raw.transaction():
                raw.execute(
                    sql.SQL(
                        "CREATE FOREIGN TABLE coastwatch_probe (datname name) SERVER {} "
                        "OPTIONS (schema_name 'pg_catalog', table_name 'pg_database')"
                    ).format(sql.Identifier(server.name))
                )
                raw.execute("SELECT count(*) FROM coastwatch_probe")
                raise _ProbeDone
        except _ProbeDone:
            return
        except psycopg.Error as exc:
            raise StoreError(
                f"the store's server cannot reach store server {server.name} at "
                f"{server.address}: {_said(exc)}",
                hint="the address must work from the store's server too (a host it "
                "resolves, a password for a role that is not a superuser)",
            ) from None

    def remove_server(self, name: str) -> None:
        """Unregister a store server; refused while it holds days of positions."""
        server = self.store_server(name)
        held = sorted(day for day, where in self.server_days().items() if where == name)
        if held:
            listed = ", ".join(day.isoformat() for day in held[:5]) + (
                " ..." if len(held) > 5 else ""
            )
            raise InputError(
                f"store server {name} holds {len(held)} day(s) of positions ({listed}): "
                "not removed",
                hint="a server is removed once it holds no day",
            )
        with store_errors("pg_foreign_server"), self.engine.begin() as conn:
            raw = conn.connection.driver_connection
            assert raw is not None
            raw.execute(sql.SQL("DROP SERVER {} CASCADE").format(sql.Identifier(server.name)))
        log.info("store server %s removed", name)

    def sync_reference(self, names: Sequence[str] = ()) -> dict[str, int]:
        """Replace the reference tables on each server (or those named) by the store's, in
        one transaction per server; rows copied per server."""
        servers = [self.store_server(n) for n in names] if names else self.store_servers()
        copied: dict[str, int] = {}
        for server in servers:
            with store_errors("reference tables"), self.engine.connect() as local:
                present = [t for t in REFERENCE_TABLES if _exists(local, t)]
                shapes = {table: table_shape(local, table, table) for table in present}
                with remote(server) as conn:
                    rows = 0
                    for table in present:
                        conn.execute(
                            sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table))
                        )
                        conn.execute(shapes[table].table)
                        rows += copy_table(local, table, conn, table)
                        for index in shapes[table].indexes:
                            conn.execute(index)
                        conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(table)))
                local.rollback()
            copied[server.name] = rows
            log.info("reference tables copied to %s: %d rows", server.name, rows)
        return copied

    def server_health(self) -> list[ServerHealth]:
        """Each store server's state (the store's own server is not listed)."""
        held: dict[str, list[date]] = {}
        for day, name in self.server_days().items():
            held.setdefault(name, []).append(day)
        health = []
        for server in self.store_servers():
            days = held.get(server.name, [])
            tables = [schema.position_partition_name(day) for day in days]
            try:
                with remote(server) as conn:
                    version = _value(conn, "SHOW server_version")
                    postgis = _value(
                        conn, "SELECT extversion FROM pg_extension WHERE extname = 'postgis'"
                    )
                    rows = _value(
                        conn,
                        "SELECT coalesce(sum(greatest(reltuples, 0)), 0)::bigint FROM pg_class "
                        "WHERE relname = ANY(%s)",
                        tables,
                    )
            except StoreError as exc:
                health.append(
                    ServerHealth(server.name, server.address, False, str(exc), len(days), 0)
                )
                continue
            detail = f"PostgreSQL {version}, " + (f"PostGIS {postgis}" if postgis else "no PostGIS")
            health.append(
                ServerHealth(server.name, server.address, True, detail, len(days), int(rows or 0))
            )
        return health


def _passwordless(local: Connection, mapping: dict[str, str]) -> dict[str, str]:
    """With no password (a trusted socket, as the embedded store's), readers that are not
    superusers (the users' group roles) may still use the mapping: a superuser says so."""
    if "password" in mapping:
        return {}
    superuser = local.execute(text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user"))
    return {"password_required": "false"} if superuser.scalar_one() else {}


class _ProbeDone(Exception):
    """Ends the probe's transaction (rolling it back) once the probe has read."""


def _value(conn: psycopg.Connection[tuple[object, ...]], query: str, *params: object) -> str | None:
    """The first column of a query's first row, as text (None: no row, or NULL)."""
    row = conn.execute(query, params or None).fetchone()
    return None if row is None or row[0] is None else str(row[0])


def _exists(conn: Connection, table: str) -> bool:
    return conn.execute(text("SELECT to_regclass(:t) IS NOT NULL"), {"t": table}).scalar_one()
