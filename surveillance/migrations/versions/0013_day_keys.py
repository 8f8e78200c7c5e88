"""day keys: each day partition of ais_positions holds its own (mmsi, ts, report_hash) key

PostgreSQL refuses a foreign table as a partition of a table with a unique index, so the
key moves from ``ais_positions`` to its day partitions: a day held by another server
(postgres_fdw, see surveillance/store/servers.py) is keyed there. The partition bound is on
``ts``, part of the key, so a key per day is a key of the whole table. Writes conflict on
``ON CONFLICT DO NOTHING`` (every unique index of the day), which foreign days support too.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

from alembic import op
from sqlalchemy import text

from surveillance.errors import StoreError

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_KEY = "mmsi, ts, report_hash"


def _days(kind: str) -> list[str]:
    """The day partitions of ``ais_positions`` of a kind: ``r`` local, ``f`` foreign."""
    return list(
        op.get_bind()
        .execute(
            text(
                "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                "WHERE i.inhparent = 'ais_positions'::regclass AND c.relkind = :kind "
                "ORDER BY c.relname"
            ),
            {"kind": kind},
        )
        .scalars()
    )


def upgrade() -> None:
    op.execute("ALTER TABLE ais_positions DROP CONSTRAINT ais_positions_pkey")
    for day in _days("r"):
        op.execute(f"ALTER TABLE {day} ADD CONSTRAINT {day}_pkey PRIMARY KEY ({_KEY})")


def downgrade() -> None:
    if held := _days("f"):
        raise StoreError(
            f"{len(held)} day(s) of positions are held by store servers ({held[0]} ...): "
            "the table's key cannot come back over foreign days",
            hint="drop their foreign tables first (DROP FOREIGN TABLE ais_positions_YYYYMMDD; "
            "the rows stay on the servers)",
        )
    for day in _days("r"):
        op.execute(f"ALTER TABLE {day} DROP CONSTRAINT {day}_pkey")
    op.execute(f"ALTER TABLE ais_positions ADD CONSTRAINT ais_positions_pkey PRIMARY KEY ({_KEY})")
