"""Roles enforced by the database: grants, row-level security on leads, the monitor kept to
acknowledging, an audit log nobody can edit whose chain shows a hand-made change, and
logins that are slowed, then locked."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy import text

from surveillance.errors import AccessDenied, InputError, LoginRefused
from surveillance.store import LoginPolicy, Store
from tests.builders.alerts import insert_alert
from tests.builders.leads import add_lead
from tests.builders.users import ADMIN, PASSWORD, add_role_users, add_user

HOSTILE_QUERIES = (
    "SELECT * FROM leads",
    "SELECT count(*) FROM leads",
    "SELECT body FROM leads WHERE true OR 1 = 1",
    "SELECT * FROM leads UNION ALL SELECT * FROM leads",
    "TABLE leads",
)


@pytest.fixture
def as_role(store: Store) -> Iterator[dict[str, Store]]:
    stores = {role: store.as_role(role) for role in add_role_users(store)}
    yield stores
    for each in stores.values():
        each.close()


def test_leads_are_refused_to_every_role_but_intel_whatever_the_query(
    store: Store, as_role: dict[str, Store]
) -> None:
    add_lead(store)
    with as_role["intel"].engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM leads")).scalar() == 1
    for role in ("monitor", "drone_operator", "analyst", "admin"):
        for query in HOSTILE_QUERIES:
            with (
                pytest.raises(AccessDenied, match="permission denied"),
                as_role[role].engine.connect() as conn,
            ):
                conn.execute(text(query)).all()


def test_row_level_security_hides_leads_even_from_a_role_granted_the_table(
    store: Store, as_role: dict[str, Store]
) -> None:
    add_lead(store)
    with store.engine.begin() as conn:  # a grant made by mistake
        conn.execute(text("GRANT SELECT ON leads TO coastwatch_analyst"))
    with as_role["analyst"].engine.connect() as conn:
        for query in HOSTILE_QUERIES:
            assert conn.execute(text(query)).all() in ([], [(0,)])


def test_the_monitor_may_acknowledge_but_the_database_refuses_it_a_dismissal(
    store: Store, as_role: dict[str, Store]
) -> None:
    alert = insert_alert(store)
    monitor = as_role["monitor"]
    assert monitor.act_on_alert(alert, "ack", "mona") == "acknowledged"
    with pytest.raises(AccessDenied, match="row-level security"):
        monitor.act_on_alert(alert, "dismiss", "mona", "looks like fishing")
    with pytest.raises(AccessDenied), monitor.engine.begin() as conn:  # nor by hand
        conn.execute(text("UPDATE alerts SET status = 'closed' WHERE id = :id"), {"id": alert})
    assert as_role["intel"].act_on_alert(alert, "close", "ines") == "closed"
    with pytest.raises(AccessDenied):
        as_role["analyst"].act_on_alert(alert, "note", "ana", "seen")


def test_every_action_lands_in_the_audit_log_which_no_role_may_change(
    store: Store, as_role: dict[str, Store]
) -> None:
    alert = insert_alert(store)
    as_role["monitor"].act_on_alert(alert, "ack", "mona")
    actions = store.audit_rows()["action"].tolist()
    assert actions[:2] == ["alert.ack", "user.add"]
    for each in as_role.values():
        for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
            with pytest.raises(AccessDenied), each.engine.begin() as conn:
                conn.execute(text(statement))
    for statement in ("UPDATE audit_log SET actor = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
            conn.execute(text(statement))  # not even the owner, while the trigger stands
    with pytest.raises(Exception, match="append-only"), store.engine.begin() as conn:
        conn.execute(text("TRUNCATE audit_log"))
    row = store.audit_rows(action="alert.ack").iloc[0]
    assert row["actor"] == "mona" and row["db_user"] == "coastwatch_monitor"


def _by_hand(store: Store, statement: str) -> None:
    """What a superuser with a psql prompt could do: triggers off, then the change."""
    with store.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))


def test_audit_verify_passes_a_clean_log_and_names_an_edited_or_removed_row(
    store: Store,
) -> None:
    for n in range(5):
        add_user(store, f"user{n}", "analyst")
    check = store.verify_audit()
    assert check.ok and check.rows == 6 and check.head is not None  # the first admin too
    ids = store.audit_rows()["id"].sort_values().tolist()
    _by_hand(store, f"UPDATE audit_log SET subject = 'someone else' WHERE id = {ids[2]}")
    check = store.verify_audit()
    assert (check.ok, check.bad_id) == (False, ids[2])
    assert "content" in (check.reason or "")


def test_audit_verify_names_the_row_after_a_removed_one(store: Store) -> None:
    for n in range(4):
        add_user(store, f"user{n}", "monitor")
    ids = store.audit_rows()["id"].sort_values().tolist()
    _by_hand(store, f"DELETE FROM audit_log WHERE id = {ids[1]}")
    check = store.verify_audit()
    assert (check.ok, check.bad_id) == (False, ids[2])
    _by_hand(store, f"DELETE FROM audit_log WHERE id = {ids[0]}")
    assert store.verify_audit().bad_id == ids[2]


def test_failed_logins_are_recorded_slowed_then_locked(store: Store) -> None:
    add_user(store, "mona", "monitor")
    policy = LoginPolicy(lock_after=3, lock_minutes=15, delay_s=0.0)
    now = datetime.now(UTC)
    assert store.login("mona", PASSWORD, via="test", policy=policy, now=now).role == "monitor"
    for _ in range(2):
        with pytest.raises(LoginRefused, match="wrong user name or password"):
            store.login("mona", "guess", via="test", policy=policy, now=now)
    with pytest.raises(LoginRefused, match="now locked for 15 min"):
        store.login("mona", "guess", via="test", policy=policy, now=now)
    with pytest.raises(LoginRefused, match="locked") as refused:
        store.login("mona", PASSWORD, via="test", policy=policy, now=now + timedelta(minutes=5))
    assert 500 < refused.value.retry_after <= 600
    later = now + timedelta(minutes=16)
    assert store.login("mona", PASSWORD, via="test", policy=policy, now=later).failed_logins == 0
    with pytest.raises(LoginRefused, match="wrong user name or password"):
        store.login("nobody", PASSWORD, via="test", policy=policy)
    actions = store.audit_rows(user="mona")["action"].tolist()
    assert actions == ["login", "login.locked", "login.locked", "login.failed", "login.failed",
                       "login"]  # fmt: skip
    assert policy.delay(1) == 0 and LoginPolicy().delay(2) == 1.0 and LoginPolicy().delay(9) == 8


def test_a_disabled_user_cannot_log_in_by_the_store_or_the_database(
    store: Store, cluster_url: str
) -> None:
    user = add_user(store, "ana", "analyst")
    assert user.db_role is not None and user.db_role.endswith(".ana")
    database = store.engine.url.database
    with psycopg.connect(cluster_url, dbname=database, user=user.db_role) as conn:
        assert conn.execute("SELECT current_user").fetchone() == (user.db_role,)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT * FROM leads")
    store.set_disabled("ana", True, by=ADMIN)
    with pytest.raises(LoginRefused, match="disabled"):
        store.login("ana", PASSWORD, via="test", policy=LoginPolicy(delay_s=0))
    with pytest.raises(psycopg.OperationalError, match="not permitted to log in"):
        psycopg.connect(cluster_url, dbname=database, user=user.db_role)


def test_a_role_change_moves_the_database_role_too(store: Store, cluster_url: str) -> None:
    user = add_user(store, "ines", "analyst")
    add_lead(store)
    store.set_role("ines", "intel", by=ADMIN)
    assert store.user("ines").role == "intel"  # type: ignore[union-attr]
    with psycopg.connect(cluster_url, dbname=store.engine.url.database, user=user.db_role) as c:
        assert c.execute("SELECT count(*) FROM leads").fetchone() == (1,)


def test_users_are_checked_on_the_way_in(store: Store) -> None:
    with pytest.raises(InputError, match="not a user name"):
        add_user(store, "Robert'); DROP TABLE users;--", "analyst")
    with pytest.raises(InputError, match="no role"):
        add_user(store, "bob", "superuser")
    with pytest.raises(InputError, match="too short"):
        add_user(store, "bob", "analyst", password="short")
    add_user(store, "bob", "analyst")
    with pytest.raises(InputError, match="already"):
        add_user(store, "bob", "monitor")
    assert [u.username for u in store.users()] == sorted([ADMIN, "bob"])
