"""Bulk loading of AIS positions for one ingest run, as fast as PostgreSQL allows.

A day the store has no partition for yet is loaded into a plain table with no index
(binary COPY at full speed); when the run finishes, its duplicates are removed, its
indexes built in one pass each, and it is attached as that day's partition: the data
appears all at once. A day that already has a partition takes the careful path: COPY to a
staging table and ``INSERT .. ON CONFLICT DO NOTHING``, so loading a file twice stores it
once. The conflict names no key: each day holds its own (migration 0013), and a day that
lives on another server (a foreign table) takes only the untargeted form, which the remote
day's key then decides.

A row is known by ``KEY`` (mmsi, ts, report_hash): two distinct reports of one MMSI in one
second are both kept, the same report (same payload, so same hash) once.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import IntegrityError

from surveillance import schema
from surveillance.store.bulk import store_errors
from surveillance.store.pgbinary import COPY_COLUMNS, encode_positions

__all__ = ["KEY", "PositionLoader", "LoadStats", "Encoded", "encode_by_day"]

log = logging.getLogger(__name__)

_LOAD_PREFIX = "ais_load_"
#: The primary key of every day partition of ``ais_positions``.
KEY = schema.POSITION_KEY

#: Positions in binary COPY form, per UTC day: (payload, rows).
Encoded = dict[date, tuple[bytes, int]]


@dataclass
class LoadStats:
    """What a run stored: new rows, and the partitions it built from scratch."""

    new_rows: int = 0
    partitions_built: list[str] = field(default_factory=list)


def _copy_binary(conn: Connection, table: str, payload: bytes) -> None:
    raw = conn.connection.driver_connection
    assert raw is not None
    with (
        raw.cursor() as cur,
        cur.copy(f"COPY {table} ({', '.join(COPY_COLUMNS)}) FROM STDIN (FORMAT BINARY)") as copy,
    ):
        copy.write(payload)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def encode_by_day(frame: pd.DataFrame, source: str) -> Encoded:
    """Binary COPY data per UTC day; pure, so decoding workers can do it."""
    days = (frame["ts"].to_numpy(dtype=np.float64) // 86_400).astype(np.int64)
    out: Encoded = {}
    for day_number in np.unique(days):
        part = frame[days == day_number]
        day = date(1970, 1, 1) + timedelta(days=int(day_number))
        out[day] = (encode_positions(part, source), len(part))
    return out


def _day_bounds(day: date) -> tuple[str, str]:
    return f"{day.isoformat()} 00:00+00", f"{(day + timedelta(days=1)).isoformat()} 00:00+00"


class PositionLoader:
    """Collects positions over a run (``add``) and makes them visible (``finish``)."""

    def __init__(self, engine: Engine, source: str, *, bulk: bool = True) -> None:
        """``bulk=False`` (live feeds) makes every batch queryable at once instead."""
        self.engine = engine
        self.bulk = bulk
        self.source = source
        self.stats = LoadStats()
        self._loading: dict[date, str] = {}  # day -> its load table
        self._copied: dict[str, int] = {}  # load table -> rows copied into it
        self._copies: set[tuple[int, int, int, int]] = set()  # mmsi, hash, copy µs, first µs
        self._merged = False  # some rows went straight into ais_positions
        self._drop_abandoned_loads()

    def _drop_abandoned_loads(self) -> None:
        """Remove load tables left by runs that died before finishing."""
        with store_errors("ais_positions"), self.engine.begin() as conn:
            for name, owner in schema.tables_with_prefix(conn, _LOAD_PREFIX):
                host, _, pid = (owner or "").rpartition(":")
                if host == socket.gethostname() and pid.isdigit() and not _alive(int(pid)):
                    log.warning("dropping %s, left by an ingest run that did not finish", name)
                    conn.execute(text(f"DROP TABLE {name}"))

    def drop_copies(self, copies: pd.DataFrame) -> None:
        """Note reports loaded twice in this run (``mmsi``, ``key_hash``, the copy's ``ts``
        and the first one's ``ts_first``, unix seconds); ``finish`` removes the copies."""
        columns = copies[["mmsi", "key_hash", "ts", "ts_first"]]
        for mmsi, key_hash, ts, first in columns.itertuples(index=False):
            self._copies.add((int(mmsi), int(key_hash), round(ts * 1e6), round(first * 1e6)))

    def add(self, frame: pd.DataFrame) -> None:
        """Load a batch (``mmsi, ts`` in unix seconds, ``lon, lat``, report fields, and
        ``key_hash`` and ``station`` if known: see :func:`pgbinary.encode_positions`)."""
        if not frame.empty:
            self.add_encoded(encode_by_day(frame, self.source))

    def add_encoded(self, batch: Encoded) -> None:
        """Load a batch already in COPY form (see :func:`encode_by_day`)."""
        if not batch:
            return
        with store_errors("ais_positions"), self.engine.begin() as conn:
            existing = schema.position_partition_days(conn)
            for day, (payload, rows) in sorted(batch.items()):
                if day in self._loading:
                    _copy_binary(conn, self._loading[day], payload)
                    self._copied[self._loading[day]] += rows
                elif day in existing or not self.bulk:
                    if day not in existing:
                        schema.lock_partitions(conn)
                        schema.create_position_partition(conn, day)
                        existing.add(day)
                    self.stats.new_rows += self._merge(conn, payload)
                else:
                    table = f"{_LOAD_PREFIX}{day:%Y%m%d}_{uuid.uuid4().hex[:12]}"
                    conn.execute(
                        text(f"CREATE TABLE {table} (LIKE ais_positions INCLUDING DEFAULTS)")
                    )
                    # COMMENT takes no bind parameter: the host name is quoted as a literal
                    owner = f"{socket.gethostname()}:{os.getpid()}".replace("'", "''")
                    conn.exec_driver_sql(f"COMMENT ON TABLE {table} IS '{owner}'")
                    self._loading[day] = table
                    _copy_binary(conn, table, payload)
                    self._copied[table] = rows

    def _merge(self, conn: Connection, payload: bytes) -> int:
        conn.execute(text("CREATE TEMP TABLE _stage_positions (LIKE ais_positions)"))
        _copy_binary(conn, "_stage_positions", payload)
        cols = ", ".join(COPY_COLUMNS)
        result = conn.execute(
            text(
                f"INSERT INTO ais_positions ({cols}) SELECT DISTINCT ON ({KEY}) {cols} "
                f"FROM _stage_positions ORDER BY {KEY} ON CONFLICT DO NOTHING"
            )
        )
        conn.execute(text("DROP TABLE _stage_positions"))
        self._merged = True
        return result.rowcount

    def finish(self) -> LoadStats:
        """Index and attach the partitions this run built; returns what was stored."""
        for day, table in sorted(self._loading.items()):
            with store_errors("ais_positions"), self.engine.begin() as conn:
                schema.lock_partitions(conn)
                name = schema.position_partition_name(day)
                if day in schema.position_partition_days(conn):
                    # another run made the partition meanwhile: merge into it
                    self._merged = True
                    cols = ", ".join(COPY_COLUMNS)
                    result = conn.execute(
                        text(
                            f"INSERT INTO ais_positions ({cols}) SELECT DISTINCT ON ({KEY}) "
                            f"{cols} FROM {table} ORDER BY {KEY} ON CONFLICT DO NOTHING"
                        )
                    )
                    self.stats.new_rows += result.rowcount
                    conn.execute(text(f"DROP TABLE {table}"))
                    continue
                self.stats.new_rows += self._index_and_attach(conn, table, name, day)
                self.stats.partitions_built.append(name)
        self._loading.clear()
        if self._merged:
            self.stats.new_rows -= self._delete_merged_copies()
            self._merged = False
        return self.stats

    def _noted_copies(self) -> tuple[str, dict[str, list[Any]]]:
        """The copies noted by :meth:`drop_copies` as a query ``c(mmsi, ts, h, same)`` (one
        row per key; ``same``: the first report has that key too) and its parameters."""
        rows = sorted(self._copies)
        params: dict[str, list[Any]] = {
            "m": [m for m, _, _, _ in rows],
            "h": [h for _, h, _, _ in rows],
            "t": [datetime.fromtimestamp(c / 1e6, UTC) for _, _, c, _ in rows],
            "same": [c == f for _, _, c, f in rows],
        }
        query = (
            "SELECT mmsi, ts, h, bool_or(same) AS same FROM unnest(CAST(:m AS bigint[]), "
            "CAST(:h AS bigint[]), CAST(:t AS timestamptz[]), CAST(:same AS boolean[])) "
            "AS c(mmsi, h, ts, same) GROUP BY mmsi, ts, h"
        )
        return query, params

    def _delete_merged_copies(self) -> int:
        """Remove from ais_positions the copies the merge path stored (at another time than
        the first report: the key told them apart)."""
        if not self._copies:
            return 0
        copies, params = self._noted_copies()
        with store_errors("ais_positions"), self.engine.begin() as conn:
            return conn.execute(
                text(
                    f"DELETE FROM ais_positions t USING ({copies}) AS c WHERE t.mmsi = c.mmsi "
                    "AND t.ts = c.ts AND t.report_hash = c.h AND NOT c.same"
                ),
                params,
            ).rowcount

    def _delete_known_copies(self, table: str) -> int:
        """Remove the copies noted by :meth:`drop_copies`: every row of a copy's key, but
        one when the first report has that key too (same hash, same time)."""
        if not self._copies:
            return 0
        copies, params = self._noted_copies()
        with self.engine.begin() as conn:
            return conn.execute(
                text(
                    f"WITH c AS ({copies}) DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT "
                    "unnest(CASE WHEN c.same THEN (array_agg(t.ctid))[2:] "
                    f"ELSE array_agg(t.ctid) END) FROM {table} t JOIN c ON t.mmsi = c.mmsi "
                    "AND t.ts = c.ts AND t.report_hash = c.h GROUP BY c.mmsi, c.ts, c.h, c.same))"
                ),
                params,
            ).rowcount

    def _index_and_attach(self, conn: Connection, table: str, name: str, day: date) -> int:
        """Index a loaded table (its two big indexes built side by side) and attach it."""
        deleted = self._unique_index(table)
        rows = self._copied[table] - deleted
        low, high = _day_bounds(day)
        conn.execute(text(f"ALTER TABLE {table} ADD PRIMARY KEY USING INDEX {table}_pkey"))
        conn.execute(
            text(
                f"ALTER TABLE {table} ADD CONSTRAINT {table}_bounds "
                f"CHECK (ts >= '{low}' AND ts < '{high}')"
            )
        )
        conn.execute(text(f"ALTER TABLE {table} RENAME TO {name}"))
        conn.execute(
            text(
                f"ALTER TABLE ais_positions ATTACH PARTITION {name} "
                f"FOR VALUES FROM ('{low}') TO ('{high}')"
            )
        )
        # statistics now, not when autovacuum comes by: without them the planner takes the
        # day for empty, and an index probe per vessel (the map's latest positions) turns
        # into a scan of the day per vessel. The keys' only, from a small sample: a fixed
        # cost per day (geometry statistics take half a second a day); autovacuum does the
        # full ANALYZE soon after, as a column list leaves the day counted as changed
        conn.execute(text("SET LOCAL default_statistics_target = 10"))
        conn.execute(text(f"ANALYZE {name} (mmsi, ts)"))
        log.info("built partition %s: %d rows, indexed after the load", name, rows)
        return rows

    def _unique_index(self, table: str) -> int:
        """Build the GiST index beside the unique (``KEY``) and BRIN ones; rows deleted."""

        deleted = self._delete_known_copies(table)

        def gist() -> None:
            with self.engine.begin() as conn:
                conn.execute(text(f"CREATE INDEX {table}_geom ON {table} USING gist (geom)"))

        with ThreadPoolExecutor(max_workers=1) as pool:
            spatial = pool.submit(gist)
            with self.engine.begin() as conn:
                try:
                    with conn.begin_nested():
                        conn.execute(text(f"CREATE UNIQUE INDEX {table}_pkey ON {table} ({KEY})"))
                except IntegrityError:
                    # The same report with the same time in two batches: rare; remove the
                    # copies in one pass, then build the index.
                    deleted += conn.execute(
                        text(
                            f"DELETE FROM {table} WHERE ctid = ANY(ARRAY(SELECT unnest("
                            f"(array_agg(ctid))[2:]) FROM {table} GROUP BY {KEY} "
                            "HAVING count(*) > 1))"
                        )
                    ).rowcount
                    conn.execute(text(f"CREATE UNIQUE INDEX {table}_pkey ON {table} ({KEY})"))
                conn.execute(text(f"CREATE INDEX {table}_ts ON {table} USING brin (ts)"))
            spatial.result()
        return deleted
