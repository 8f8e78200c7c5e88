"""scene detail: how a scene looked, its quicklook, and what AIS says of each detection

``scenes`` gains the product, platform, mode, polarisations, pixel spacing, size, orbit,
a PNG quicklook for the map and free metadata; its sensor is ``sar`` or ``optical``.
``detections`` gains the ship's width and heading, where it lies in its scene, its
distance to the coast, the evidence chip, and the outcome of matching against AIS.

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SCENE_COLUMNS = (
    ("product", sa.Text()),
    ("platform", sa.String(32)),
    ("mode", sa.String(16)),
    ("polarisations", sa.String(32)),
    ("pixel_spacing_m", sa.Float()),
    ("width_px", sa.Integer()),
    ("height_px", sa.Integer()),
    ("orbit_number", sa.Integer()),
    ("orbit_pass", sa.String(16)),
    ("quicklook_png", sa.LargeBinary()),
)
_DETECTION_COLUMNS = (
    ("width_m", sa.Float()),
    ("heading_deg", sa.Float()),
    ("pixel_row", sa.Float()),
    ("pixel_col", sa.Float()),
    ("coast_distance_m", sa.Float()),
    ("chip_png", sa.LargeBinary()),
    ("match_distance_m", sa.Float()),
    ("dark", sa.Boolean()),
    ("matched_at", sa.DateTime(timezone=True)),
)


def upgrade() -> None:
    for name, kind in _SCENE_COLUMNS:
        op.add_column("scenes", sa.Column(name, kind))
    op.add_column("scenes", sa.Column("meta", JSONB(), nullable=False, server_default="{}"))
    op.create_check_constraint("ck_scenes_sensor", "scenes", "sensor IN ('sar', 'optical')")
    for name, kind in _DETECTION_COLUMNS:
        op.add_column("detections", sa.Column(name, kind))
    op.add_column(
        "detections", sa.Column("near_vessels", JSONB(), nullable=False, server_default="[]")
    )
    op.create_index("ix_detections_scene_id", "detections", ["scene_id"])


def downgrade() -> None:
    op.drop_index("ix_detections_scene_id", table_name="detections")
    for name in ("near_vessels", *(n for n, _ in reversed(_DETECTION_COLUMNS))):
        op.drop_column("detections", name)
    op.drop_constraint("ck_scenes_sensor", "scenes", type_="check")
    for name in ("meta", *(n for n, _ in reversed(_SCENE_COLUMNS))):
        op.drop_column("scenes", name)
