"""alert types from the registered rules: drop the CHECK constraint on alerts.type

A rule registered by any package adds its type without a migration; the store checks the
type against the registered rules when it writes alerts (surveillance.alert_types).

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

#: The types the constraint of 0001 allowed; a downgrade fails while alerts of others exist.
_TYPES_0001 = (
    "sts_transfer",
    "loitering",
    "ais_gap",
    "dark_rendezvous",
    "suspicious_landing",
    "dark_vessel",
    "zone_entry",
    "identity_anomaly",
    "lead_match",
    "watchlist",
)


def upgrade() -> None:
    op.drop_constraint("ck_alerts_type", "alerts", type_="check")


def downgrade() -> None:
    allowed = ", ".join(f"'{t}'" for t in _TYPES_0001)
    op.create_check_constraint("ck_alerts_type", "alerts", f"type IN ({allowed})")
