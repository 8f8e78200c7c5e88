"""learnt maps: the reception map (messages per cell, station and hour), vessel stops and
the anchorages learnt from them

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _cell() -> list[sa.Column[int]]:
    return [
        sa.Column("cell_x", sa.Integer(), nullable=False),
        sa.Column("cell_y", sa.Integer(), nullable=False),
    ]


def upgrade() -> None:
    op.create_table(
        "reception_hours",
        *_cell(),
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("messages", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("cell_x", "cell_y", "station", "hour"),
    )
    op.create_index("ix_reception_hours_hour", "reception_hours", ["hour"])
    op.create_table(
        "station_hours",
        sa.Column("station", sa.String(length=64), nullable=False),
        sa.Column("hour", sa.DateTime(timezone=True), nullable=False),
        sa.Column("vessels", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("station", "hour"),
    )
    op.create_table(
        "anchorage_stops",
        *_cell(),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("first_stop", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_stop", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cell_x", "cell_y", "mmsi"),
    )
    op.create_table(
        "anchorages",
        *_cell(),
        sa.Column("lon", sa.Float(), nullable=False),
        sa.Column("lat", sa.Float(), nullable=False),
        sa.Column("vessels", sa.Integer(), nullable=False),
        sa.Column("last_stop", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("cell_x", "cell_y"),
    )


def downgrade() -> None:
    op.drop_table("anchorages")
    op.drop_table("anchorage_stops")
    op.drop_table("station_hours")
    op.drop_index("ix_reception_hours_hour", table_name="reception_hours")
    op.drop_table("reception_hours")
