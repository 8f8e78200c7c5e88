"""distinct reports: ais_positions keyed (mmsi, ts, report_hash), with the receiving station

Two transmitters on one MMSI, or two distinct reports of one vessel in one second, are both
kept; the same report heard by several receivers has one hash and is still stored once.
Rows stored before get a hash of their fields (the payload is gone). The primary key of the
partitioned table is replaced on the parent, so every day partition follows.

Revision ID: 0006
Revises: 0005
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: A stored row's fields as text (NULL as empty), hashed to 64 bits, for rows that predate
#: the payload hash; (mmsi, ts) was unique then, so any hash keeps the new key unique.
_FIELDS_HASH = (
    "hashtextextended(format('%s|%s|%s|%s|%s|%s|%s', ST_X(geom), ST_Y(geom), sog_knots, "
    "cog_deg, heading_deg, nav_status, msg_type), 0)"
)


def upgrade() -> None:
    op.add_column("ais_positions", sa.Column("report_hash", sa.BigInteger(), nullable=True))
    op.add_column("ais_positions", sa.Column("station", sa.String(length=64), nullable=True))
    # a type change with USING rewrites each partition once, its indexes built afresh: no
    # dead copy of every row as an UPDATE leaves, and no index kept up row by row
    op.execute(
        "ALTER TABLE ais_positions DROP CONSTRAINT ais_positions_pkey, "
        f"ALTER COLUMN report_hash TYPE bigint USING {_FIELDS_HASH}, "
        "ALTER COLUMN report_hash SET NOT NULL, "
        "ADD CONSTRAINT ais_positions_pkey PRIMARY KEY (mmsi, ts, report_hash)"
    )


def downgrade() -> None:
    # one row per (mmsi, ts) again: the one with the smallest hash stays
    op.execute(
        "DELETE FROM ais_positions a USING ais_positions b "
        "WHERE a.mmsi = b.mmsi AND a.ts = b.ts AND a.report_hash > b.report_hash"
    )
    op.drop_constraint("ais_positions_pkey", "ais_positions", type_="primary")
    op.drop_column("ais_positions", "station")
    op.drop_column("ais_positions", "report_hash")
    op.create_primary_key("ais_positions_pkey", "ais_positions", ["mmsi", "ts"])
