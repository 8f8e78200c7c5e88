"""Hostile strings where people type text: watchlist names and notes (CLI and store), alert
notes, alert list filters, report options, mission names, audit filters. Each is stored and
read back as given, or refused with a clear error; never run as SQL, and the tables are
intact afterwards."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import text

from surveillance.errors import CoastwatchError, InputError
from surveillance.store import Store
from surveillance.watchlist import normalise
from tests.builders.alerts import insert_alert
from tests.builders.cli import Coastwatch
from tests.builders.users import ADMIN

HOSTILE = {
    "sql": "'; DROP TABLE alerts;--",
    "quote": 'O\'Brien "the" `tick` \\ back',
    "pyformat": "%(x)s %s %% {0}",
    "named": ":name :1 $1 ? @p",
    "nul": "before\x00after",
    "long": "W" * 10_000,
    "rtl": "\u202egnp.exe\u202c \u200f\ufeff",
    "markup": "<script>alert(1)</script><SVG ONLOAD=X=1>",
}
NOTE_TABLES = ("alerts", "alert_events", "watchlist", "missions", "audit_log", "vessels")


def intact(store: Store) -> dict[str, int]:
    """Each table still there, and its rows counted."""
    with store.engine.connect() as conn:
        return {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in NOTE_TABLES
        }


def kept_or_refused(ran_code: int, stderr: str) -> bool:
    """A command either worked or refused with a message (exit 2), never a crash."""
    return ran_code == 0 or (ran_code == 2 and "error:" in stderr)


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_watchlist_note_from_the_cli_is_kept_as_given(
    store: Store, coastwatch: Coastwatch, kind: str
) -> None:
    hostile = HOSTILE[kind]
    ran = coastwatch("watchlist", "add", "--mmsi", "431000001", "--note", hostile)
    assert kept_or_refused(ran.code, ran.stderr), ran.stderr
    notes = store.watchlist()["note"].tolist()
    assert notes == ([hostile] if ran.code == 0 else []), ran.stderr
    assert intact(store)["alerts"] == 0


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_vessel_name_is_normalised_and_stored_or_refused(
    store: Store, coastwatch: Coastwatch, kind: str
) -> None:
    hostile = HOSTILE[kind]
    ran = coastwatch("watchlist", "add", "--name", hostile)
    assert kept_or_refused(ran.code, ran.stderr), ran.stderr
    values = store.watchlist()["value"].tolist()
    assert values == ([normalise("name", hostile)] if ran.code == 0 else [])
    if ran.code == 0:
        listed = json.loads(coastwatch("watchlist", "list", "--format", "json").stdout)
        assert [e["value"] for e in listed] == values
        removed = coastwatch("watchlist", "remove", "--name", hostile)
        assert removed.code == 0 and store.watchlist().empty
    assert set(intact(store)) == set(NOTE_TABLES)


def test_the_store_keeps_hostile_watchlist_notes_and_actors(store: Store) -> None:
    kinds = [k for k in HOSTILE if k != "nul"]
    entries = pd.DataFrame(
        {
            "kind": "mmsi",
            "value": [str(431000100 + n) for n in range(len(kinds))],
            "note": [HOSTILE[k] for k in kinds],
        }
    )
    assert store.add_watchlist(entries, HOSTILE["sql"][:40]) == len(kinds)
    kept = store.watchlist().set_index("value")["note"]
    assert [kept[v] for v in entries["value"]] == [HOSTILE[k] for k in kinds]
    assert intact(store)["watchlist"] == len(kinds)


@pytest.mark.parametrize("kind", HOSTILE)
def test_an_alert_note_is_kept_as_given_in_its_history(
    store: Store, coastwatch: Coastwatch, kind: str
) -> None:
    alert_id = insert_alert(store)
    hostile = HOSTILE[kind]
    ran = coastwatch("alerts", "note", alert_id, hostile)
    assert kept_or_refused(ran.code, ran.stderr), ran.stderr
    notes = store.alert_events(alert_id)["note"].dropna().tolist()
    assert notes == ([hostile] if ran.code == 0 else [])
    if ran.code == 0:
        shown = coastwatch("alerts", "show", alert_id)
        assert shown.code == 0, shown.stderr
    assert intact(store)["alerts"] == 1


def test_the_store_keeps_a_hostile_note_and_refuses_a_nul_clearly(store: Store) -> None:
    alert_id = insert_alert(store)
    store.act_on_alert(alert_id, "ack", ADMIN, note=HOSTILE["pyformat"] + HOSTILE["named"])
    assert store.alert_events(alert_id)["note"].dropna().tolist() == [
        HOSTILE["pyformat"] + HOSTILE["named"]
    ]
    with pytest.raises(InputError, match="NUL character"):
        store.act_on_alert(alert_id, "note", ADMIN, note=HOSTILE["nul"])
    assert len(store.alert_events(alert_id)) == 1  # the refused note left nothing behind
    with pytest.raises(CoastwatchError, match="no alert"):
        store.act_on_alert(HOSTILE["sql"], "ack", ADMIN)
    assert intact(store)["alerts"] == 1


@pytest.mark.parametrize("kind", HOSTILE)
def test_alert_filters_refuse_what_is_not_a_type_or_status(
    store: Store, coastwatch: Coastwatch, kind: str
) -> None:
    insert_alert(store)
    hostile = HOSTILE[kind]
    for option in ("--type", "--status", "--since", "--until"):
        ran = coastwatch("alerts", "list", option, hostile)
        assert ran.code == 2 and "Traceback" not in ran.stderr, (option, ran.stderr)
    if "\x00" in hostile:
        with pytest.raises(InputError, match="NUL character"):
            store.alerts(types=(hostile,), statuses=(hostile,))
    else:
        assert store.alerts(types=(hostile,), statuses=(hostile,)).empty
    assert len(store.alerts()) == 1 and intact(store)["alerts"] == 1


@pytest.mark.parametrize("kind", HOSTILE)
def test_report_options_refuse_hostile_text(
    store: Store, coastwatch: Coastwatch, kind: str, tmp_path: pytest.TempPathFactory
) -> None:
    insert_alert(store)
    out = f"{tmp_path}/report.csv"
    window = ("--since", "2026-11-25", "--until", "2026-11-28")
    for option in (("--bbox", HOSTILE[kind]), ("--since", HOSTILE[kind])):
        ran = coastwatch("report", *window, *option, "-o", out, "--format", "csv")
        assert ran.code == 2 and "error:" in ran.stderr, (option, ran.stderr)
    assert intact(store)["alerts"] == 1


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_mission_name_is_kept_as_given(store: Store, coastwatch: Coastwatch, kind: str) -> None:
    hostile = HOSTILE[kind]
    ran = coastwatch(
        "mission",
        "plan",
        "sector",
        "--at",
        "34.21,129.31",
        "--home",
        "34.20,129.29",
        "--radius",
        "400",
        "--name",
        hostile,
    )
    assert kept_or_refused(ran.code, ran.stderr), ran.stderr
    names = store.missions()["name"].tolist()
    assert names == ([hostile] if ran.code == 0 else [])
    if ran.code == 0:
        listed = json.loads(coastwatch("mission", "list", "--format", "json").stdout)
        assert [m["name"] for m in listed] == [hostile]
    assert set(intact(store)) == set(NOTE_TABLES)


def test_audit_filters_are_values_not_sql(store: Store) -> None:
    before = intact(store)["audit_log"]
    for hostile in HOSTILE.values():
        if "\x00" in hostile:
            with pytest.raises(InputError, match="NUL character"):
                store.audit_rows(user=hostile, action=hostile)
        else:
            assert store.audit_rows(user=hostile, action=hostile).empty
    assert intact(store)["audit_log"] == before and store.verify_audit().ok
