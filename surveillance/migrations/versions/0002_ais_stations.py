"""AIS base stations and aids to navigation (types 4 and 21)

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_geospatial_table(
        "ais_stations",
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("aid_type", sa.SmallInteger(), nullable=True),
        sa.Column("flag", sa.String(length=2), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("last_seen", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "kind IN ('base_station', 'aid_to_navigation')", name="ck_ais_stations_kind"
        ),
        sa.PrimaryKeyConstraint("mmsi"),
    )
    op.create_geospatial_index(
        "ix_ais_stations_geom",
        "ais_stations",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )


def downgrade() -> None:
    op.drop_geospatial_index(
        "ix_ais_stations_geom",
        table_name="ais_stations",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("ais_stations")
