"""Moving day partitions of ``ais_positions`` to store servers (``coastwatch db spread``).

A day moves in two transactions, each safe to interrupt. On the server: the day is copied
(binary COPY) into ``ais_spreading_YYYYMMDD``, keyed and indexed like a local day, its rows
counted against the store's, then renamed ``ais_positions_YYYYMMDD``. In the store, with
the day locked against writes since the copy began: the local partition is detached and
dropped, and a foreign table of the server's day attached in its place. Until the store's
transaction commits the local day is the truth: a run after an interruption drops what an
earlier run left on the server and copies the day again.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from psycopg import sql
from sqlalchemy import Connection, text

from surveillance import schema
from surveillance.errors import InputError, StoreError
from surveillance.store.bulk import store_errors
from surveillance.store.servers import StoreServers, copy_table, remote, table_shape

__all__ = ["SpreadDay", "DaySpreading"]

log = logging.getLogger(__name__)

_STAGING_PREFIX = "ais_spreading_"
_SPREAD_LOCK = 0x43570004  # one day moved at a time per store


@dataclass(frozen=True)
class SpreadDay:
    """A local day of positions and the store server it is to move to."""

    day: date
    rows: int
    server: str


def _bounds(day: date) -> tuple[str, str]:
    return f"{day.isoformat()} 00:00+00", f"{(day + timedelta(days=1)).isoformat()} 00:00+00"


class DaySpreading(StoreServers):
    """Local days of positions onto store servers."""

    def days_to_spread(self, before: date, servers: Sequence[str] = ()) -> list[SpreadDay]:
        """The local days before ``before``, each with its server: round-robin by day over
        ``servers`` (default: every store server), so a day goes where a re-run sends it."""
        known = [s.name for s in self.store_servers()]
        unknown = [name for name in servers if name not in known]
        if unknown:
            raise InputError(
                f"no store server {', '.join(map(repr, unknown))}",
                hint="`coastwatch db servers list` shows them; `db servers add` adds one",
            )
        targets = list(servers) or known
        if not targets:
            raise InputError(
                "the store has no store server to spread days to",
                hint="add one: coastwatch db servers add NAME postgresql://USER:PASSWORD@HOST/DB",
            )
        with store_errors("ais_positions"), self.engine.connect() as conn:
            local = sorted(
                d for d in schema.position_partition_days(conn, local=True) if d < before
            )
            return [
                SpreadDay(
                    day,
                    _count(conn, schema.position_partition_name(day)),
                    targets[day.toordinal() % len(targets)],
                )
                for day in local
            ]

    def spread_day(self, due: SpreadDay) -> int:
        """Move one day to its server; the rows moved (0 if the day is no longer local)."""
        server = self.store_server(due.server)
        name = schema.position_partition_name(due.day)
        staging = f"{_STAGING_PREFIX}{due.day:%Y%m%d}"
        low, high = _bounds(due.day)
        with store_errors(name), self.engine.begin() as local:
            local.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _SPREAD_LOCK})
            if due.day in self.server_days():
                return 0  # another run moved it meanwhile
            local.execute(text(f"LOCK TABLE {name} IN SHARE MODE"))  # no writes till commit
            rows = _count(local, name)
            with remote(server) as conn:
                # left by a run that stopped before the store's commit: the local day rules
                conn.execute(
                    sql.SQL("DROP TABLE IF EXISTS {}, {}").format(
                        sql.Identifier(staging), sql.Identifier(name)
                    )
                )
                shape = table_shape(local, "ais_positions", staging, schema.POSITION_KEY)
                conn.execute(shape.table)
                copied = copy_table(local, name, conn, staging)
                if copied != rows:
                    raise StoreError(
                        f"copying {due.day} to {server.name}: {copied:,} rows arrived of "
                        f"{rows:,}; the day stays local"
                    )
                for index in shape.indexes:
                    conn.execute(index)
                conn.execute(
                    sql.SQL(
                        "ALTER TABLE {t} ADD CONSTRAINT {c} CHECK (ts >= {lo} AND ts < {hi}); "
                        "CREATE INDEX {b} ON {t} USING brin (ts); ANALYZE {t}; "
                        "ALTER TABLE {t} RENAME TO {n}"
                    ).format(
                        t=sql.Identifier(staging),
                        c=sql.Identifier(f"{name}_bounds"),
                        b=sql.Identifier(f"{name}_ts"),
                        lo=sql.Literal(low),
                        hi=sql.Literal(high),
                        n=sql.Identifier(name),
                    )
                )
            schema.lock_partitions(local)
            local.execute(text(f"ALTER TABLE ais_positions DETACH PARTITION {name}"))
            local.execute(text(f"DROP TABLE {name}"))
            raw = local.connection.driver_connection
            assert raw is not None
            raw.execute(
                sql.SQL(
                    "CREATE FOREIGN TABLE {n} PARTITION OF ais_positions FOR VALUES FROM ({lo}) "
                    "TO ({hi}) SERVER {s} OPTIONS (table_name {t})"
                ).format(
                    n=sql.Identifier(name),
                    lo=sql.Literal(low),
                    hi=sql.Literal(high),
                    s=sql.Identifier(server.name),
                    t=sql.Literal(name),
                )
            )
        log.info("moved %s (%d rows) to store server %s", name, rows, server.name)
        return rows


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
