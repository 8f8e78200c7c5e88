"""``coastwatch audit list|verify`` through the real CLI: filters, hostile text kept text,
admin only, and a hand-made change named by its row id."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.users import ADMIN, PASSWORD, add_user

HOSTILE = "[bold red]<SVG ONLOAD=X=1>[/]"


def _rows(coastwatch: Coastwatch, *args: str) -> list[dict[str, object]]:
    ran = coastwatch("audit", "list", "--format", "json", *args)
    assert ran.code == 0, ran.stderr
    rows: list[dict[str, object]] = json.loads(ran.stdout)
    return rows


def _by_hand(store: Store, statement: str) -> None:
    """What a superuser with a psql prompt could do: triggers off, then the change."""
    with store.engine.begin() as conn:
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        conn.execute(text(statement))


def test_audit_list_filters_by_user_action_and_time(store: Store, coastwatch: Coastwatch) -> None:
    add_user(store, "bob", "analyst")
    add_user(store, "carol", "intel")
    store.login("bob", PASSWORD, via="cli")
    rows = _rows(coastwatch)
    assert [r["action"] for r in rows][:3] == ["login", "user.add", "user.add"]  # newest first
    assert {r["id"] for r in rows} == set(store.audit_rows()["id"])
    assert [r["subject"] for r in _rows(coastwatch, "--user", "bob")] == ["bob"]
    added = _rows(coastwatch, "--action", "user.add")
    assert [r["subject"] for r in added] == ["carol", "bob", ADMIN]
    assert all(r["actor"] == ADMIN and r["detail"] for r in added)
    assert len(_rows(coastwatch, "--action", "user.add", "--limit", "2")) == 2
    later = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    assert _rows(coastwatch, "--since", later) == []
    earlier = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    assert len(_rows(coastwatch, "--since", earlier)) == len(rows)


def test_audit_list_refuses_bad_filters_clearly(coastwatch: Coastwatch) -> None:
    bad_time = coastwatch("audit", "list", "--since", "yesterday")
    assert bad_time.code == 2 and "--since wants ISO 8601" in bad_time.stderr
    bad_action = coastwatch("audit", "list", "--action", "drop")
    assert bad_action.code == 2 and "no audit action 'drop'" in bad_action.stderr


def test_hostile_text_in_the_log_prints_as_text(store: Store, coastwatch: Coastwatch) -> None:
    assert coastwatch("--as", HOSTILE, "audit", "list", env={"COASTWATCH_PASSWORD": "x"}).code == 6
    ran = coastwatch("audit", "list", "--action", "login.failed")
    assert ran.code == 0, ran.stderr
    assert "[bold red]<SVG ONLOAD=X=1>[/]" in ran.stdout.replace("\n", "")  # not styled away


def test_only_the_admin_reads_or_verifies_the_log(store: Store, coastwatch: Coastwatch) -> None:
    add_user(store, "ivan", "intel")
    for args in (("audit", "list"), ("audit", "verify")):
        ran = coastwatch("--as", "ivan", *args, env={"COASTWATCH_PASSWORD": PASSWORD})
        assert ran.code == 6 and "ivan" in ran.stderr, ran.stderr


def test_audit_verify_passes_a_clean_log_and_names_a_row_changed_by_hand(
    store: Store, coastwatch: Coastwatch
) -> None:
    for n in range(4):
        add_user(store, f"user{n}", "analyst")
    clean = coastwatch("audit", "verify")
    assert clean.code == 0, clean.stderr
    head = store.verify_audit().head
    assert "5 rows checked" in clean.stdout and f"head hash: {head}" in clean.stdout
    ids = sorted(store.audit_rows()["id"])
    _by_hand(store, f"UPDATE audit_log SET subject = 'someone else' WHERE id = {ids[2]}")
    broken = coastwatch("audit", "verify")
    assert broken.code == 1
    assert f"row {ids[2]}:" in broken.stderr and "does not match its hash" in broken.stderr


def test_audit_verify_names_the_row_after_a_removed_one(
    store: Store, coastwatch: Coastwatch
) -> None:
    for n in range(3):
        add_user(store, f"user{n}", "analyst")
    ids = sorted(store.audit_rows()["id"])
    _by_hand(store, f"DELETE FROM audit_log WHERE id = {ids[1]}")
    broken = coastwatch("audit", "verify")
    assert broken.code == 1 and f"row {ids[2]}:" in broken.stderr
    assert "removed or changed" in broken.stderr
