"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 17:15:56.618044
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # PostGIS is left in place on downgrade: other schemas of the database may use it.
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.create_geospatial_table(
        "ais_positions",
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("sog_knots", sa.REAL(), nullable=True),
        sa.Column("cog_deg", sa.REAL(), nullable=True),
        sa.Column("heading_deg", sa.SmallInteger(), nullable=True),
        sa.Column("nav_status", sa.SmallInteger(), nullable=True),
        sa.Column("msg_type", sa.SmallInteger(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("mmsi", "ts"),
        postgresql_partition_by="RANGE (ts)",
    )
    op.create_geospatial_index(
        "ix_ais_positions_geom",
        "ais_positions",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index(
        "ix_ais_positions_ts", "ais_positions", ["ts"], unique=False, postgresql_using="brin"
    )
    op.create_geospatial_table(
        "alerts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="new", nullable=False),
        sa.Column("score", sa.SmallInteger(), nullable=False),
        sa.Column("start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("end", sa.DateTime(timezone=True), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("mmsi", postgresql.ARRAY(sa.BigInteger()), server_default="{}", nullable=False),
        sa.Column(
            "evidence", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "score_reasons",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("rule_version", sa.String(length=32), nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "status IN ('new', 'acknowledged', 'escalated', 'dismissed', 'closed')",
            name="ck_alerts_status",
        ),
        sa.CheckConstraint(
            "type IN ('sts_transfer', 'loitering', 'ais_gap', 'dark_rendezvous', 'suspicious_landing', 'dark_vessel', 'zone_entry', 'identity_anomaly', 'lead_match', 'watchlist')",
            name="ck_alerts_type",
        ),
        sa.CheckConstraint("score BETWEEN 0 AND 100", name="ck_alerts_score"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "ix_alerts_geom",
        "alerts",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index("ix_alerts_mmsi", "alerts", ["mmsi"], unique=False, postgresql_using="gin")
    op.create_index("ix_alerts_start", "alerts", ["start"], unique=False)
    op.create_index("ix_alerts_status_score", "alerts", ["status", "score"], unique=False)
    op.create_geospatial_table(
        "leads",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("title", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=True),
        sa.Column(
            "mentions", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    op.create_geospatial_index(
        "ix_leads_geom", "leads", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_index("ix_leads_published_at", "leads", ["published_at"], unique=False)
    op.create_geospatial_table(
        "ports",
        sa.Column("locode", sa.String(length=5), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("country", sa.String(length=64), nullable=True),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("locode"),
    )
    op.create_geospatial_index(
        "ix_ports_geom", "ports", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_table(
        "quarantine",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=128), nullable=False),
        sa.Column("reason", sa.String(length=64), nullable=False),
        sa.Column("raw", sa.Text(), nullable=False),
        sa.Column("raw_sha256", sa.String(length=64), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint(
            "source", "reason", "raw_sha256", name="uq_quarantine_source_reason_raw"
        ),
    )
    op.create_index("ix_quarantine_reason", "quarantine", ["reason"], unique=False)
    op.create_table(
        "reference_datasets",
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "loaded_at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column(
            "summary", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.PrimaryKeyConstraint("name"),
    )
    op.create_geospatial_table(
        "scenes",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("uri", sa.Text(), nullable=False),
        sa.Column("sensor", sa.String(length=32), nullable=True),
        sa.Column("acquired_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "footprint",
            Geometry(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "ingested_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("sha256"),
    )
    op.create_index("ix_scenes_acquired_at", "scenes", ["acquired_at"], unique=False)
    op.create_geospatial_index(
        "ix_scenes_footprint",
        "scenes",
        ["footprint"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_table(
        "users",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("disabled", sa.Boolean(), server_default="false", nullable=False),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint(
            "role IN ('admin', 'monitor', 'officer', 'operator', 'analyst')", name="ck_users_role"
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("username"),
    )
    op.create_table(
        "vessel_identities",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("valid_from", sa.DateTime(timezone=True), nullable=False),
        sa.Column("imo", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("callsign", sa.String(length=16), nullable=True),
        sa.Column("ship_type", sa.SmallInteger(), nullable=True),
        sa.Column("length_m", sa.Float(), nullable=True),
        sa.Column("beam_m", sa.Float(), nullable=True),
        sa.Column("draught_m", sa.Float(), nullable=True),
        sa.Column("destination", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("mmsi", "valid_from", name="uq_vessel_identities_mmsi_valid_from"),
    )
    op.create_table(
        "vessels",
        sa.Column("mmsi", sa.BigInteger(), nullable=False),
        sa.Column("imo", sa.Integer(), nullable=True),
        sa.Column("name", sa.String(length=64), nullable=True),
        sa.Column("callsign", sa.String(length=16), nullable=True),
        sa.Column("ship_type", sa.SmallInteger(), nullable=True),
        sa.Column("flag", sa.String(length=2), nullable=True),
        sa.Column("length_m", sa.Float(), nullable=True),
        sa.Column("beam_m", sa.Float(), nullable=True),
        sa.Column("draught_m", sa.Float(), nullable=True),
        sa.Column("destination", sa.String(length=64), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("mmsi BETWEEN 0 AND 999999999", name="ck_vessels_mmsi"),
        sa.PrimaryKeyConstraint("mmsi"),
    )
    op.create_index("ix_vessels_imo", "vessels", ["imo"], unique=False)
    op.create_index("ix_vessels_name", "vessels", ["name"], unique=False)
    op.create_geospatial_table(
        "zones",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("aoi", sa.String(length=64), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="MULTIPOLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column(
            "properties",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("aoi", "kind", "name", name="uq_zones_aoi_kind_name"),
    )
    op.create_geospatial_index(
        "ix_zones_geom", "zones", ["geom"], unique=False, postgresql_using="gist", postgresql_ops={}
    )
    op.create_table(
        "alert_events",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("alert_id", sa.String(length=64), nullable=False),
        sa.Column(
            "ts", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=True),
        sa.Column("to_status", sa.String(length=16), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_alert_events_alert_id_ts", "alert_events", ["alert_id", "ts"], unique=False)
    op.create_geospatial_table(
        "detections",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("scene_id", sa.BigInteger(), nullable=True),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("length_m", sa.Float(), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("matched_mmsi", sa.BigInteger(), nullable=True),
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.CheckConstraint("source IN ('sar', 'optical', 'drone')", name="ck_detections_source"),
        sa.ForeignKeyConstraint(["scene_id"], ["scenes.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    op.create_geospatial_index(
        "ix_detections_geom",
        "detections",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index("ix_detections_ts", "detections", ["ts"], unique=False)
    op.create_geospatial_table(
        "missions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), server_default="planned", nullable=False),
        sa.Column("drone_id", sa.String(length=64), nullable=True),
        sa.Column("alert_id", sa.String(length=64), nullable=True),
        sa.Column(
            "area",
            Geometry(
                geometry_type="POLYGON",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "route",
            Geometry(
                geometry_type="LINESTRINGZ",
                srid=4326,
                dimension=3,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
            ),
            nullable=True,
        ),
        sa.Column(
            "waypoints",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("created_by", sa.String(length=64), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.CheckConstraint("kind IN ('survey', 'intercept')", name="ck_missions_kind"),
        sa.ForeignKeyConstraint(["alert_id"], ["alerts.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_geospatial_index(
        "ix_missions_area",
        "missions",
        ["area"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_geospatial_table(
        "drone_telemetry",
        sa.Column("drone_id", sa.String(length=64), nullable=False),
        sa.Column("ts", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "geom",
            Geometry(
                geometry_type="POINT",
                srid=4326,
                dimension=2,
                spatial_index=False,
                from_text="ST_GeomFromEWKT",
                name="geometry",
                nullable=False,
            ),
            nullable=False,
        ),
        sa.Column("altitude_m", sa.Float(), nullable=True),
        sa.Column("groundspeed_mps", sa.Float(), nullable=True),
        sa.Column("heading_deg", sa.Float(), nullable=True),
        sa.Column("battery_pct", sa.Float(), nullable=True),
        sa.Column("mission_id", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(["mission_id"], ["missions.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("drone_id", "ts"),
    )
    op.create_geospatial_index(
        "ix_drone_telemetry_geom",
        "drone_telemetry",
        ["geom"],
        unique=False,
        postgresql_using="gist",
        postgresql_ops={},
    )
    op.create_index("ix_drone_telemetry_ts", "drone_telemetry", ["ts"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_drone_telemetry_ts", table_name="drone_telemetry")
    op.drop_geospatial_index(
        "ix_drone_telemetry_geom",
        table_name="drone_telemetry",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("drone_telemetry")
    op.drop_geospatial_index(
        "ix_missions_area", table_name="missions", postgresql_using="gist", column_name="area"
    )
    op.drop_geospatial_table("missions")
    op.drop_index("ix_detections_ts", table_name="detections")
    op.drop_geospatial_index(
        "ix_detections_geom", table_name="detections", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("detections")
    op.drop_index("ix_alert_events_alert_id_ts", table_name="alert_events")
    op.drop_table("alert_events")
    op.drop_geospatial_index(
        "ix_zones_geom", table_name="zones", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("zones")
    op.drop_index("ix_vessels_name", table_name="vessels")
    op.drop_index("ix_vessels_imo", table_name="vessels")
    op.drop_table("vessels")
    op.drop_table("vessel_identities")
    op.drop_table("users")
    op.drop_geospatial_index(
        "ix_scenes_footprint", table_name="scenes", postgresql_using="gist", column_name="footprint"
    )
    op.drop_index("ix_scenes_acquired_at", table_name="scenes")
    op.drop_geospatial_table("scenes")
    op.drop_table("reference_datasets")
    op.drop_index("ix_quarantine_reason", table_name="quarantine")
    op.drop_table("quarantine")
    op.drop_geospatial_index(
        "ix_ports_geom", table_name="ports", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("ports")
    op.drop_index("ix_leads_published_at", table_name="leads")
    op.drop_geospatial_index(
        "ix_leads_geom", table_name="leads", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("leads")
    op.drop_index("ix_alerts_status_score", table_name="alerts")
    op.drop_index("ix_alerts_start", table_name="alerts")
    op.drop_index("ix_alerts_mmsi", table_name="alerts", postgresql_using="gin")
    op.drop_geospatial_index(
        "ix_alerts_geom", table_name="alerts", postgresql_using="gist", column_name="geom"
    )
    op.drop_geospatial_table("alerts")
    op.drop_index("ix_ais_positions_ts", table_name="ais_positions", postgresql_using="brin")
    op.drop_geospatial_index(
        "ix_ais_positions_geom",
        table_name="ais_positions",
        postgresql_using="gist",
        column_name="geom",
    )
    op.drop_geospatial_table("ais_positions")
