"""alert revisions: when late data changes what the rules found

``seen_until``: the data time up to which the rules had looked when they last changed the
alert (a change past it is the event going on, one before it a revision by late data).
``withdrawn_at``: set when a later run no longer finds the alert; it is kept, with its
status, and its history says why (``alert_events``).

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("alerts", sa.Column("seen_until", sa.DateTime(timezone=True)))
    op.add_column("alerts", sa.Column("withdrawn_at", sa.DateTime(timezone=True)))


def downgrade() -> None:
    op.drop_column("alerts", "withdrawn_at")
    op.drop_column("alerts", "seen_until")
