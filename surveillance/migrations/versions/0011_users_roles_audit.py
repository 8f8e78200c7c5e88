"""users who log in, PostgreSQL roles per Coastwatch role, row-level security, the audit log

``users`` gains an argon2id password hash, its PostgreSQL login role (for ``db url --user``),
the failed-login count and lock, and the last login; the roles become monitor, intel,
drone_operator, analyst and admin (officer became intel, operator drone_operator). Each role
is a PostgreSQL group role ``coastwatch_<role>`` with the grants it needs and no more
(surveillance/access.py says the same in code); ``leads`` is readable by intel only, by
grant and by row-level policy; the alert policies keep the monitor to acknowledging and
noting. ``audit_log`` is append-only (no grant, and a trigger refuses UPDATE, DELETE and
TRUNCATE) and hash-chained: each row's hash covers the previous row's hash and its own
content, computed by the database in lock order, so an edited or removed row shows.

The group roles belong to the server, not to the database: they are created when missing
and left in place on downgrade (another Coastwatch database on the server may use them).

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ROLES = ("monitor", "intel", "drone_operator", "analyst", "admin")
_OLD_ROLES = ("admin", "monitor", "officer", "operator", "analyst")
_RENAMED = {"officer": "intel", "operator": "drone_operator"}

#: What everyone but the admin sees: the picture (the map, vessels, alerts, missions).
_PICTURE = (
    "vessels",
    "vessel_identities",
    "ais_positions",
    "ais_stations",
    "scenes",
    "detections",
    "drone_telemetry",
    "missions",
    "ports",
    "zones",
    "alerts",
    "alert_events",
    "reference_datasets",
    "watchlist",
    "reception_hours",
    "station_hours",
    "anchorage_stops",
    "anchorages",
)
#: What the admin reads: the sources and the house, not the alerts, missions or leads.
_ADMIN_READS = (
    "vessels",
    "vessel_identities",
    "ais_positions",
    "ais_stations",
    "scenes",
    "detections",  # the Sources page counts what each scene found
    "drone_telemetry",
    "ports",
    "zones",
    "reference_datasets",
    "reception_hours",
    "station_hours",
    "anchorage_stops",
    "anchorages",
    "quarantine",
    "exports",
    "audit_log",
)
_USER_COLUMNS_SEEN = (
    "id, username, display_name, role, disabled, created_at, db_role, failed_logins, "
    "locked_until, last_login_at, password_set_at"
)
_GRANTS = {
    "monitor": [
        "GRANT INSERT ON alert_events TO {r}",
        "GRANT UPDATE (status, updated_at) ON alerts TO {r}",
    ],
    "intel": [
        "GRANT SELECT ON leads TO {r}",
        "GRANT INSERT ON alert_events TO {r}",
        "GRANT UPDATE (status, updated_at) ON alerts TO {r}",
        "GRANT INSERT, UPDATE, DELETE ON watchlist TO {r}",
        "GRANT SELECT ON exports TO {r}",
    ],
    "drone_operator": [
        "GRANT INSERT, UPDATE ON missions TO {r}",
        "GRANT INSERT, UPDATE ON detections TO {r}",
        "GRANT INSERT ON alert_events TO {r}",
    ],
    "analyst": ["GRANT SELECT, INSERT ON exports TO {r}"],
    "admin": [f"GRANT SELECT ({_USER_COLUMNS_SEEN}) ON users TO {{r}}"],
}

_HASH_FUNCTION = r"""
CREATE FUNCTION audit_row_hash(
    prev text, id bigint, ts timestamptz, actor text, db_user text, action text,
    subject text, detail jsonb
) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT encode(sha256(convert_to(concat_ws(E'\x1f',
        coalesce(prev, ''), id::text,
        to_char(ts AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
        actor, db_user, action, coalesce(subject, ''), coalesce(detail::text, '')
    ), 'UTF8')), 'hex')
$$
"""
# SECURITY DEFINER: it reads the last row's hash, which the inserting roles may not read.
# The advisory lock orders writers, so ids, times and the chain agree.
_CHAIN_FUNCTION = r"""
CREATE FUNCTION audit_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER
SET search_path = pg_catalog, public AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('coastwatch.audit_log'));
    NEW.id := nextval('audit_log_id_seq');
    NEW.ts := clock_timestamp();
    NEW.prev_hash := (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1);
    NEW.hash := audit_row_hash(NEW.prev_hash, NEW.id, NEW.ts, NEW.actor, NEW.db_user,
                               NEW.action, NEW.subject, NEW.detail);
    RETURN NEW;
END
$$
"""
_REFUSE_FUNCTION = r"""
CREATE FUNCTION audit_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$
"""

_ALERT_POLICIES = (
    "CREATE POLICY alerts_read ON alerts FOR SELECT USING (true)",
    # the monitor's update may only acknowledge; intel may move it anywhere the lifecycle goes
    "CREATE POLICY alerts_triage ON alerts FOR UPDATE USING (true) WITH CHECK ("
    "pg_has_role('coastwatch_intel', 'MEMBER') OR status IN ('new', 'acknowledged'))",
    "CREATE POLICY alert_events_read ON alert_events FOR SELECT USING (true)",
    "CREATE POLICY alert_events_act ON alert_events FOR INSERT WITH CHECK ("
    "pg_has_role('coastwatch_intel', 'MEMBER')"
    " OR (pg_has_role('coastwatch_monitor', 'MEMBER') AND action IN ('ack', 'note'))"
    " OR (pg_has_role('coastwatch_drone_operator', 'MEMBER') AND action = 'sighting'))",
)


def _in(values: Sequence[str]) -> str:
    return "role IN (" + ", ".join(f"'{v}'" for v in values) + ")"


def _group_roles() -> None:
    for role in ROLES:
        name = f"coastwatch_{role}"
        op.execute(
            f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{name}') THEN "
            f"CREATE ROLE {name} NOLOGIN; END IF; END $$"
        )
        # the store's owner sets these roles for its users' queries: a superuser may already
        op.execute(
            "DO $$ BEGIN IF NOT (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) "
            f"THEN GRANT {name} TO CURRENT_USER; END IF; END $$"
        )


def _users() -> None:
    op.drop_constraint("ck_users_role", "users", type_="check")
    for old, new in _RENAMED.items():
        op.execute(f"UPDATE users SET role = '{new}' WHERE role = '{old}'")
    op.create_check_constraint("ck_users_role", "users", _in(ROLES))
    op.add_column("users", sa.Column("password_hash", sa.Text()))
    op.add_column("users", sa.Column("db_role", sa.String(63)))
    op.add_column(
        "users", sa.Column("failed_logins", sa.Integer(), nullable=False, server_default="0")
    )
    op.add_column("users", sa.Column("locked_until", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("last_login_at", sa.DateTime(timezone=True)))
    op.add_column("users", sa.Column("password_set_at", sa.DateTime(timezone=True)))


def _audit_log() -> None:
    op.execute("CREATE SEQUENCE audit_log_id_seq")
    op.create_table(
        "audit_log",
        sa.Column("id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column(
            "ts",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default=sa.text("clock_timestamp()"),
        ),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("db_user", sa.String(63), nullable=False, server_default=sa.text("CURRENT_USER")),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.Text()),
        sa.Column("detail", JSONB()),
        sa.Column("prev_hash", sa.String(64)),
        sa.Column("hash", sa.String(64), nullable=False),
    )
    op.execute("ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id")
    op.create_index("ix_audit_log_ts", "audit_log", ["ts"])
    op.create_index("ix_audit_log_actor_ts", "audit_log", ["actor", "ts"])
    op.execute(_HASH_FUNCTION)
    op.execute(_CHAIN_FUNCTION)
    op.execute(_REFUSE_FUNCTION)
    op.execute(
        "CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_chain()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log "
        "FOR EACH ROW EXECUTE FUNCTION audit_refuse()"
    )
    op.execute(
        "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log "
        "FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse()"
    )


def _grants() -> None:
    everyone = ", ".join(f"coastwatch_{r}" for r in ROLES)
    not_admin = ", ".join(f"coastwatch_{r}" for r in ROLES if r != "admin")
    op.execute(f"GRANT USAGE ON SCHEMA public TO {everyone}")
    op.execute(f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {everyone}")
    op.execute(f"GRANT SELECT ON {', '.join(_PICTURE)} TO {not_admin}")
    op.execute(f"GRANT SELECT ON {', '.join(_ADMIN_READS)} TO coastwatch_admin")
    # anyone may append (only what it says, not the id, time, database user or hashes)
    op.execute(f"GRANT INSERT (actor, action, subject, detail) ON audit_log TO {everyone}")
    for role, grants in _GRANTS.items():
        for grant in grants:
            op.execute(grant.format(r=f"coastwatch_{role}"))


def _policies() -> None:
    op.execute("ALTER TABLE leads ENABLE ROW LEVEL SECURITY")
    op.execute(
        "CREATE POLICY leads_intel_only ON leads FOR SELECT "
        "USING (pg_has_role('coastwatch_intel', 'MEMBER'))"
    )
    op.execute("ALTER TABLE alerts ENABLE ROW LEVEL SECURITY")
    op.execute("ALTER TABLE alert_events ENABLE ROW LEVEL SECURITY")
    for policy in _ALERT_POLICIES:
        op.execute(policy)


def upgrade() -> None:
    _group_roles()
    _users()
    _audit_log()
    _grants()
    _policies()


def downgrade() -> None:
    for table, policy in (
        ("alert_events", "alert_events_act"),
        ("alert_events", "alert_events_read"),
        ("alerts", "alerts_triage"),
        ("alerts", "alerts_read"),
        ("leads", "leads_intel_only"),
    ):
        op.execute(f"DROP POLICY {policy} ON {table}")
    for table in ("alert_events", "alerts", "leads"):
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    everyone = ", ".join(f"coastwatch_{r}" for r in ROLES)
    op.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {everyone}")
    op.execute(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM {everyone}")
    op.execute(f"REVOKE ALL ON SCHEMA public FROM {everyone}")
    op.drop_table("audit_log")
    op.execute("DROP FUNCTION audit_chain()")
    op.execute("DROP FUNCTION audit_refuse()")
    op.execute(
        "DROP FUNCTION audit_row_hash(text, bigint, timestamptz, text, text, text, text, jsonb)"
    )
    for column in (
        "password_set_at",
        "last_login_at",
        "locked_until",
        "failed_logins",
        "db_role",
        "password_hash",
    ):
        op.drop_column("users", column)
    op.drop_constraint("ck_users_role", "users", type_="check")
    for old, new in _RENAMED.items():
        op.execute(f"UPDATE users SET role = '{old}' WHERE role = '{new}'")
    op.create_check_constraint("ck_users_role", "users", _in(_OLD_ROLES))
