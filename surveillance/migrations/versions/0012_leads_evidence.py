"""leads as evidence: one lead per text, its sightings, entities, score and vessels

A lead is one text (a post, a listing, a page) known by the hash of its normalised text
(``content_hash``, unique); every URL it was read at is a row of ``lead_sightings``, so a
mirrored or re-posted page is one lead seen several times (a near-duplicate, by MinHash,
is a sighting with ``near`` set). ``entities`` holds what was found in the text, each
``{kind, value, text, start, end, confidence}``; ``mmsi`` the vessels it names (GIN
indexed, for the rules); ``score`` the smuggling-vocabulary score (0-100); ``minhash`` the
signature that near-duplicates are found by. ``url`` is no longer unique (a page that
changes is a new lead); ``mentions`` gives way to ``entities``.

``lead_sightings`` is readable by intel only, by grant and by row-level policy, like
``leads``.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import ARRAY, JSONB

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_HASH_OF_OLD_ROWS = (
    "encode(sha256(convert_to(coalesce(body, '') || E'\\x1f' || url, 'UTF8')), 'hex')"
)


def upgrade() -> None:
    op.drop_constraint("leads_url_key", "leads", type_="unique")
    op.drop_column("leads", "mentions")
    op.add_column("leads", sa.Column("content_hash", sa.Text()))
    op.execute(f"UPDATE leads SET content_hash = {_HASH_OF_OLD_ROWS}")
    op.alter_column("leads", "content_hash", nullable=False)
    op.create_unique_constraint("uq_leads_content_hash", "leads", ["content_hash"])
    op.add_column("leads", sa.Column("language", sa.String(16)))
    op.add_column(
        "leads", sa.Column("score", sa.SmallInteger(), nullable=False, server_default="0")
    )
    op.add_column("leads", sa.Column("entities", JSONB(), nullable=False, server_default="[]"))
    op.add_column(
        "leads",
        sa.Column("mmsi", ARRAY(sa.BigInteger()), nullable=False, server_default="{}"),
    )
    op.add_column("leads", sa.Column("minhash", sa.LargeBinary()))
    op.add_column("leads", sa.Column("last_seen_at", sa.DateTime(timezone=True)))
    op.execute("UPDATE leads SET last_seen_at = fetched_at")
    op.create_index("ix_leads_mmsi", "leads", ["mmsi"], postgresql_using="gin")
    op.create_index("ix_leads_fetched_at", "leads", ["fetched_at"])
    op.create_table(
        "lead_sightings",
        sa.Column("id", sa.BigInteger(), sa.Identity(), primary_key=True),
        sa.Column(
            "lead_id",
            sa.BigInteger(),
            sa.ForeignKey("leads.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("source", sa.String(64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("content_hash", sa.Text(), nullable=False),
        sa.Column("near", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published_at", sa.DateTime(timezone=True)),
        sa.UniqueConstraint("url", "content_hash", name="uq_lead_sightings_url_hash"),
    )
    op.create_index("ix_lead_sightings_lead_id", "lead_sightings", ["lead_id"])
    op.execute(
        "INSERT INTO lead_sightings "
        "(lead_id, source, url, content_hash, fetched_at, last_seen_at, published_at) "
        "SELECT id, source, url, content_hash, fetched_at, fetched_at, published_at FROM leads"
    )
    op.execute("GRANT SELECT ON lead_sightings TO coastwatch_intel")
    op.execute("ALTER TABLE lead_sightings ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY lead_sightings_intel_only ON lead_sightings FOR SELECT "
        "USING (pg_has_role('coastwatch_intel', 'MEMBER'))"
    )


def downgrade() -> None:
    op.drop_table("lead_sightings")
    op.drop_index("ix_leads_fetched_at", table_name="leads")
    op.drop_index("ix_leads_mmsi", table_name="leads")
    for column in ("last_seen_at", "minhash", "mmsi", "entities", "score", "language"):
        op.drop_column("leads", column)
    op.drop_constraint("uq_leads_content_hash", "leads", type_="unique")
    op.drop_column("leads", "content_hash")
    op.add_column("leads", sa.Column("mentions", JSONB(), nullable=False, server_default="{}"))
    op.execute("DELETE FROM leads a USING leads b WHERE a.url = b.url AND a.id > b.id")
    op.create_unique_constraint("leads_url_key", "leads", ["url"])
