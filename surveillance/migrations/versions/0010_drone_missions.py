"""drone missions: plans as flown, telemetry per vehicle, sightings as detections

``missions`` keeps the whole plan (the QGroundControl ``.plan`` document), its home, altitude
band, statistics and planned times (for deconfliction), and where and when it was uploaded;
its kind is any of the planner's patterns. ``drone_telemetry`` gains the MAVLink system id,
the mission progress (current and reached item), flight mode, arming and where the sample
came from. ``detections`` gains what a drone sighting needs: the mission and the alert it
answers, the operator's note, the photo, and who reported it.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS = ("survey", "expanding_square", "sector", "intercept", "patrol", "orbit", "imported")
STATUSES = ("planned", "uploaded", "started", "flown", "aborted")

_MISSION_COLUMNS = (
    ("plan", JSONB()),
    ("home", Geometry("POINT", srid=4326, spatial_index=False)),
    ("home_alt_m", sa.Float()),
    ("min_alt_m", sa.Float()),
    ("max_alt_m", sa.Float()),
    ("stats", JSONB()),
    ("planned_start", sa.DateTime(timezone=True)),
    ("planned_end", sa.DateTime(timezone=True)),
    ("uploaded_at", sa.DateTime(timezone=True)),
    ("uploaded_to", sa.Text()),
    ("system_id", sa.Integer()),
)
_TELEMETRY_COLUMNS = (
    ("system_id", sa.Integer()),
    ("mission_seq", sa.Integer()),
    ("reached_seq", sa.Integer()),
    ("mode", sa.String(32)),
    ("armed", sa.Boolean()),
    ("link", sa.Text()),
)
_SIGHTING_COLUMNS = (
    ("mission_id", sa.BigInteger()),
    ("alert_id", sa.String(64)),
    ("drone_id", sa.String(64)),
    ("note", sa.Text()),
    ("photo", sa.LargeBinary()),
    ("photo_name", sa.Text()),
    ("reported_by", sa.String(64)),
)


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def upgrade() -> None:
    op.drop_constraint("ck_missions_kind", "missions", type_="check")
    op.create_check_constraint("ck_missions_kind", "missions", _in("kind", KINDS))
    op.create_check_constraint("ck_missions_status", "missions", _in("status", STATUSES))
    for name, kind in _MISSION_COLUMNS:
        op.add_column("missions", sa.Column(name, kind))
    op.create_index("ix_missions_planned_start", "missions", ["planned_start"])
    for name, kind in _TELEMETRY_COLUMNS:
        op.add_column("drone_telemetry", sa.Column(name, kind))
    for name, kind in _SIGHTING_COLUMNS:
        op.add_column("detections", sa.Column(name, kind))
    op.create_foreign_key(
        "fk_detections_mission_id",
        "detections",
        "missions",
        ["mission_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_foreign_key(
        "fk_detections_alert_id",
        "detections",
        "alerts",
        ["alert_id"],
        ["id"],
        ondelete="SET NULL",
    )
    op.create_index("ix_detections_alert_id", "detections", ["alert_id"])


def downgrade() -> None:
    op.drop_index("ix_detections_alert_id", table_name="detections")
    op.drop_constraint("fk_detections_alert_id", "detections", type_="foreignkey")
    op.drop_constraint("fk_detections_mission_id", "detections", type_="foreignkey")
    for name, _ in reversed(_SIGHTING_COLUMNS):
        op.drop_column("detections", name)
    for name, _ in reversed(_TELEMETRY_COLUMNS):
        op.drop_column("drone_telemetry", name)
    op.drop_index("ix_missions_planned_start", table_name="missions")
    for name, _ in reversed(_MISSION_COLUMNS):
        op.drop_column("missions", name)
    op.drop_constraint("ck_missions_status", "missions", type_="check")
    op.drop_constraint("ck_missions_kind", "missions", type_="check")
    op.create_check_constraint("ck_missions_kind", "missions", "kind IN ('survey', 'intercept')")
