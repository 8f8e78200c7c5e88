"""Retention: day partitions of ``ais_positions`` moved out of the store into GeoParquet.

A day is archived in three steps, each safe to interrupt: the partition is detached and
renamed ``ais_archiving_YYYYMMDD`` (its rows leave the store's reads, and a new partition of
that day can be made meanwhile); it is written to ``ais_positions_YYYY-MM-DD.parquet`` (a
temporary name, then renamed once its row count reads back right); only then is the
detached table dropped. A run after an interruption picks up every detached table. The
files in the archive directory are the record of what was archived (:func:`archived_files`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import Connection, Engine, text

from surveillance import schema
from surveillance.errors import InputError, StoreError
from surveillance.store.bulk import store_errors
from surveillance.store.geoparquet import archive_metadata, write_table

__all__ = ["ArchiveDay", "ArchiveFile", "ArchivedDay", "ArchiveTables", "archived_files"]

_DETACHED_PREFIX = "ais_archiving_"
_ARCHIVE_LOCK = 0x43570003  # one `db archive` at a time per store
_FILE = re.compile(r"ais_positions_(\d{4}-\d{2}-\d{2})(?:_\d+)?\.parquet")


@dataclass(frozen=True)
class ArchiveDay:
    """A day of positions due for the archive: its table (a partition, or detached by an
    earlier run that did not finish) and how many rows it holds."""

    day: date
    table: str
    rows: int
    detached: bool


@dataclass(frozen=True)
class ArchivedDay:
    """A day written to the archive and removed from the store."""

    day: date
    rows: int
    path: Path
    file_bytes: int


@dataclass(frozen=True)
class ArchiveFile:
    """An archive file found in a directory."""

    day: date
    path: Path
    file_bytes: int


def archived_files(directory: Path) -> list[ArchiveFile]:
    """The archive files in ``directory`` (complete ones only: partial files have another
    name), by day."""
    if not directory.is_dir():
        return []
    found = []
    for path in directory.iterdir():
        match = _FILE.fullmatch(path.name)
        if match and path.is_file():
            day = date.fromisoformat(match.group(1))
            found.append(ArchiveFile(day, path, path.stat().st_size))
    return sorted(found, key=lambda f: (f.day, f.path.name))


def _file_for(directory: Path, day: date) -> Path:
    """A name for the day's file that is not taken (a day archived twice gets two files)."""
    path = directory / f"ais_positions_{day.isoformat()}.parquet"
    number = 1
    while path.exists():
        number += 1
        path = directory / f"ais_positions_{day.isoformat()}_{number}.parquet"
    return path


def _written_before(directory: Path, day: date, oid: int, rows: int) -> Path | None:
    """The file an interrupted run wrote from this very table (same oid and rows), if any."""
    for found in archived_files(directory):
        about = archive_metadata(found.path) if found.day == day else None
        if about and about.get("oid") == oid and about.get("rows") == rows:
            return found.path
    return None


def check_writable(directory: Path) -> None:
    """Make ``directory`` (with its parents) and make sure a file can be written there."""
    probe = directory / ".coastwatch-write-test"
    try:
        directory.mkdir(parents=True, exist_ok=True)
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(
            f"cannot write the archive to {directory}: {exc.strerror or exc}",
            hint="give a writable directory with --out, or set archive_dir",
        ) from None


class ArchiveTables:
    """Day partitions of positions into GeoParquet files, and out of the store."""

    engine: Engine

    @contextmanager
    def archive_lock(self) -> Iterator[None]:
        """Hold the store's archive lock (one archiving run at a time) for the block."""
        with self.engine.connect() as conn:
            got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": _ARCHIVE_LOCK})
            if not got.scalar_one():
                raise StoreError("another `coastwatch db archive` is running on this store")
            conn.commit()
            try:
                yield
            finally:
                conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": _ARCHIVE_LOCK})
                conn.commit()

    def days_to_archive(self, before: datetime) -> list[ArchiveDay]:
        """Days whose partition ends at or before ``before``, and every table left detached
        by an interrupted run, oldest first; days held by store servers are archived there
        (docs/store-servers.md), not here."""
        with self.engine.connect() as conn:
            due = [
                (day, schema.position_partition_name(day), False)
                for day in schema.position_partition_days(conn, local=True)
                if datetime.combine(day + timedelta(days=1), datetime.min.time(), UTC) <= before
            ]
            due += [(_day_of(name), name, True) for name in _detached(conn)]
            return [
                ArchiveDay(day, table, _count(conn, table), is_detached)
                for day, table, is_detached in sorted(due)
            ]

    def unfinished_archive_days(self) -> list[date]:
        """Days detached by a run that did not finish: out of the store's reads until the
        next ``db archive`` writes them."""
        with self.engine.connect() as conn:
            return sorted(_day_of(name) for name in _detached(conn))

    def detach_day(self, day: date) -> str:
        """Take the day's partition out of ``ais_positions``; the detached table's name."""
        name = f"{_DETACHED_PREFIX}{day:%Y%m%d}"
        with self.engine.begin() as conn, store_errors("ais_positions"):
            schema.lock_partitions(conn)
            partition = schema.position_partition_name(day)
            conn.execute(text(f"ALTER TABLE ais_positions DETACH PARTITION {partition}"))
            conn.execute(text(f"ALTER TABLE {partition} RENAME TO {name}"))
        return name

    def archive_day(
        self, due: ArchiveDay, directory: Path, progress: Callable[[int], None] | None = None
    ) -> ArchivedDay:
        """Detach the day (unless an earlier run did), write its file, check it, then drop
        the detached table. ``progress`` sees the rows written so far."""
        table = due.table if due.detached else self.detach_day(due.day)
        with self.engine.connect() as conn, store_errors(table):
            oid = int(conn.execute(text("SELECT CAST(:t AS regclass)::oid"), {"t": table}).one()[0])
            rows = _count(conn, table)
            path = _written_before(directory, due.day, oid, rows)
            if path is None:
                path = _file_for(directory, due.day)
                about = {"table": "ais_positions", "day": due.day.isoformat(), "rows": rows}
                write_table(conn, table, path, {**about, "oid": oid}, progress)
            conn.rollback()  # end the read before the drop
        with self.engine.begin() as conn:
            conn.execute(text(f"DROP TABLE {table}"))
        return ArchivedDay(due.day, rows, path, path.stat().st_size)


def _detached(conn: Connection) -> list[str]:
    """The tables detached for the archive and not yet dropped."""
    return [name for name, _ in schema.tables_with_prefix(conn, _DETACHED_PREFIX)]


def _day_of(table: str) -> date:
    return datetime.strptime(table[-8:], "%Y%m%d").date()


def _count(conn: Connection, table: str) -> int:
    return int(conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one())
