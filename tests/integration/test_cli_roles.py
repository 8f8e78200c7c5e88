"""Every role at the real CLI: one command it may run, one it may not. A refusal is exit 6
and one line naming the user, the role and the roles that may, before the command touches
anything; what a role may do runs under its PostgreSQL role (the audit log says which)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.cli import Coastwatch, Ran, as_user
from tests.builders.clock import T0_S
from tests.builders.nmea import feed, position, tagged
from tests.builders.users import ADMIN, ROLE_USERS, add_role_users

STS = "sts-20261126-0001"
WINDOW = ("--since", "2026-11-26T20:00Z", "--until", "2026-11-27T20:00Z")
HOME = "34.199,129.299"
SQUARE = ("mission", "plan", "expanding-square", "--at", "34.21,129.31", "--home", HOME)


@pytest.fixture
def users(store: Store, coastwatch: Coastwatch) -> dict[str, Coastwatch]:
    """Role -> the CLI acting as that role's user (the admin: the OS user, no --as)."""
    add_role_users(store)
    return {
        **{role: as_user(coastwatch, name) for role, name in ROLE_USERS.items()},
        "admin": coastwatch,
    }


def refused(ran: Ran, user: str, role: str, may: str) -> None:
    """Exit 6 and one line: who, as what, and the roles that may."""
    assert ran.code == 6, ran.stderr
    lines = ran.stderr.strip().splitlines()
    assert len(lines) == 1, ran.stderr
    assert lines[0].startswith(f"error: {user} ({role}) may not "), lines[0]
    assert lines[0].endswith(f"that needs the role {may}"), lines[0]


def history(store: Store) -> list[tuple[str, str]]:
    events = store.alert_events(STS)
    return list(zip(events["actor"], events["action"], strict=True))


def test_a_monitor_may_acknowledge_but_not_dismiss_or_report(
    store: Store, users: dict[str, Coastwatch], tmp_path: Path
) -> None:
    insert_alert(store, id=STS)
    monitor = users["monitor"]

    dismissed = monitor("alerts", "dismiss", STS, "--reason", "looks fine")
    output = tmp_path / "brief.geojson"
    reported = monitor("report", *WINDOW, "-o", str(output))
    acked = monitor("alerts", "ack", STS)

    refused(dismissed, ROLE_USERS["monitor"], "monitor", "intel")
    refused(reported, ROLE_USERS["monitor"], "monitor", "analyst")
    assert not output.exists() and store.exports().empty
    assert acked.code == 0, acked.stderr
    assert history(store) == [(ROLE_USERS["monitor"], "ack")]


def test_intel_may_dismiss_and_close_but_not_plan_a_mission(
    store: Store, users: dict[str, Coastwatch]
) -> None:
    insert_alert(store, id=STS)
    insert_alert(store, id="gap-431000003", type="ais_gap", mmsi=[431000003])
    intel = users["intel"]

    dismissed = intel("alerts", "dismiss", STS, "--reason", "pilot boat alongside")
    closed = intel("alerts", "close", "gap-431000003")
    planned = intel(*SQUARE)

    assert (dismissed.code, closed.code) == (0, 0), dismissed.stderr + closed.stderr
    assert history(store) == [(ROLE_USERS["intel"], "dismiss")]
    refused(planned, ROLE_USERS["intel"], "intel", "drone_operator")
    assert store.missions(None).empty


def test_an_analyst_may_report_but_not_acknowledge(
    store: Store, users: dict[str, Coastwatch], tmp_path: Path
) -> None:
    insert_alert(store, id=STS)
    analyst = users["analyst"]

    acked = analyst("alerts", "ack", STS)
    output = tmp_path / "brief.geojson"
    reported = analyst("report", *WINDOW, "-o", str(output))

    refused(acked, ROLE_USERS["analyst"], "analyst", "monitor or intel")
    assert history(store) == []
    assert reported.code == 0, reported.stderr
    assert [f["id"] for f in json.loads(output.read_text())["features"]] == [STS]
    assert store.exports()["actor"].tolist() == [ROLE_USERS["analyst"]]


def test_a_drone_operator_may_plan_a_mission_but_not_acknowledge(
    store: Store, users: dict[str, Coastwatch]
) -> None:
    insert_alert(store, id=STS)
    operator = users["drone_operator"]

    acked = operator("alerts", "ack", STS)
    planned = operator(*SQUARE)

    refused(acked, ROLE_USERS["drone_operator"], "drone_operator", "monitor or intel")
    assert history(store) == []
    assert planned.code == 0, planned.stderr
    assert store.missions(None)["kind"].tolist() == ["expanding_square"]


def test_the_admin_may_ingest_but_not_read_alerts(
    store: Store, users: dict[str, Coastwatch], tmp_path: Path
) -> None:
    insert_alert(store, id=STS)
    admin = users["admin"]
    nmea = tmp_path / "feed.nmea"
    nmea.write_bytes(feed(*(tagged(position(second=k), T0_S + 10 * k) for k in range(5))))

    listed = admin("alerts", "list", "--format", "json")
    ingested = admin("ingest", "ais", str(nmea))

    refused(listed, ADMIN, "admin", "monitor or intel or drone_operator or analyst")
    assert listed.stdout == ""
    assert ingested.code == 0, ingested.stderr
    assert store.table_counts()["ais_positions"] == 5


def test_a_users_actions_run_under_its_database_role(
    store: Store, users: dict[str, Coastwatch]
) -> None:
    insert_alert(store, id=STS)

    assert users["intel"]("alerts", "ack", STS).code == 0

    acted = store.audit_rows(action="alert.ack")
    assert acted[["actor", "db_user"]].to_dict("records") == [
        {"actor": ROLE_USERS["intel"], "db_user": "coastwatch_intel"}
    ]


def test_a_wrong_password_is_refused_before_the_command_runs(
    store: Store, coastwatch: Coastwatch
) -> None:
    add_role_users(store)
    insert_alert(store, id=STS)

    ran = as_user(coastwatch, ROLE_USERS["intel"], "not-the-password")("alerts", "ack", STS)

    assert ran.code == 6, ran.stderr
    assert history(store) == []
    assert pd.Series(store.audit_rows()["action"]).eq("login.failed").sum() == 1
