"""Schema management: Alembic migrations run from code, and on-demand time partitions."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, text

__all__ = [
    "upgrade",
    "downgrade_base",
    "current_revision",
    "head_revision",
    "position_partition_name",
    "position_partition_days",
    "lock_partitions",
    "create_position_partition",
    "POSITION_KEY",
]


def _config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "surveillance:migrations")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


#: Advisory lock keys: one process at a time migrates, or creates partitions.
_MIGRATION_LOCK = 0x43570001
_PARTITION_LOCK = 0x43570002


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Migrate the store up to ``revision`` (no-op when it is there already)."""
    if revision == "head" and current_revision(engine) == head_revision():
        return
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        command.upgrade(_config(conn), revision)


def downgrade_base(engine: Engine) -> None:
    """Undo every migration: all Coastwatch tables and their data are dropped."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _MIGRATION_LOCK})
        command.downgrade(_config(conn), "base")


def position_partition_name(day: date) -> str:
    return f"ais_positions_{day:%Y%m%d}"


def lock_partitions(conn: Connection) -> None:
    """Serialise partition creation for the rest of the transaction."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _PARTITION_LOCK})


def position_partition_days(conn: Connection, *, local: bool = False) -> set[date]:
    """The days ``ais_positions`` has a partition for; ``local``: those whose partition is
    a table of this server (not a foreign table, see surveillance/store/servers.py)."""
    names = conn.execute(
        text(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'ais_positions'::regclass AND (c.relkind = 'r' OR NOT :local)"
        ),
        {"local": local},
    ).scalars()
    return {datetime.strptime(n[-8:], "%Y%m%d").date() for n in names}


#: The key of every day partition of ``ais_positions`` (migration 0013: a day's, not the
#: table's, so that a day may be a foreign table).
POSITION_KEY = "mmsi, ts, report_hash"


def create_position_partition(conn: Connection, day: date) -> str:
    """Create one day's partition, keyed (the caller holds :func:`lock_partitions`)."""
    name = position_partition_name(day)
    conn.execute(
        text(
            f"CREATE TABLE {name} PARTITION OF ais_positions "
            f"(CONSTRAINT {name}_pkey PRIMARY KEY ({POSITION_KEY})) "
            f"FOR VALUES FROM ('{day.isoformat()} 00:00+00') "
            f"TO ('{(day + timedelta(days=1)).isoformat()} 00:00+00')"
        )
    )
    return name


def tables_with_prefix(conn: Connection, prefix: str) -> list[tuple[str, str | None]]:
    """The plain tables of the current schema whose names start with ``prefix`` (taken
    literally), with their comments: the load and archive tables runs leave behind."""
    rows = conn.execute(
        text(
            "SELECT c.relname, obj_description(c.oid, 'pg_class') FROM pg_class c "
            "WHERE c.relkind = 'r' AND c.relname LIKE :p "
            "AND c.relnamespace = current_schema()::regnamespace"
        ),
        {"p": prefix.replace("_", "\\_") + "%"},
    ).all()
    return [(name, comment) for name, comment in rows]
