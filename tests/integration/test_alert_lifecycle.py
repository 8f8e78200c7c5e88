"""Alerts as an intelligence officer meets them: `coastwatch alerts
list|show|ack|escalate|dismiss|close|note` on a real store, and the audit trail each action
leaves in alert_events."""

from __future__ import annotations

import json
from datetime import timedelta

import pandas as pd
import pytest

from surveillance.errors import InputError
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import T0
from tests.builders.users import add_user

STS = "sts-20261126-0001"


@pytest.fixture
def anna(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """An intelligence officer at the CLI (the role that may take every action)."""
    return as_user(coastwatch, add_user(store, "anna", "intel").username)


@pytest.fixture
def ben(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """A second intelligence officer."""
    return as_user(coastwatch, add_user(store, "ben", "intel").username)


def history(store: Store, alert_id: str) -> list[tuple[str, str, str, str, str | None]]:
    events = store.alert_events(alert_id)
    columns = ["actor", "action", "from_status", "to_status", "note"]
    return [
        tuple(None if pd.isna(v) else v for v in row)
        for row in events[columns].itertuples(index=False)
    ]


def test_list_json_has_the_shape_design_fixes(store: Store, anna: Coastwatch) -> None:
    reasons = [{"reason": "night", "points": 10}]
    insert_alert(store, id=STS, score=80, end=T0 + timedelta(hours=3), score_reasons=reasons)
    insert_alert(
        store, id="gap-431000003", type="ais_gap", mmsi=[431000003], score=40, lon=129.5, lat=33.25
    )

    ran = anna("alerts", "list", "--format", "json")

    assert ran.code == 0, ran.stderr
    assert json.loads(ran.stdout) == [
        {
            "id": STS,
            "type": "sts_transfer",
            "status": "new",
            "score": 80,
            "start": "2026-11-26T22:00:00Z",
            "end": "2026-11-27T01:00:00Z",
            "lat": 34.0,
            "lon": 130.0,
            "mmsi": [431000001, 431000002],
            "score_reasons": reasons,
            "rule_version": "test-1",
        },
        {
            "id": "gap-431000003",
            "type": "ais_gap",
            "status": "new",
            "score": 40,
            "start": "2026-11-26T22:00:00Z",
            "end": None,
            "lat": 33.25,
            "lon": 129.5,
            "mmsi": [431000003],
            "score_reasons": [],
            "rule_version": "test-1",
        },
    ]


def test_list_json_of_no_alerts_is_an_empty_array(anna: Coastwatch) -> None:
    ran = anna("alerts", "list", "--format", "json")
    assert (ran.code, json.loads(ran.stdout)) == (0, [])


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (["--type", "ais_gap"], ["gap"]),
        (["--type", "ais_gap", "--type", "loitering"], ["loiter", "gap"]),
        (["--status", "acknowledged"], ["loiter"]),
        (["--min-score", "60"], ["sts", "loiter"]),
        (["--since", "2026-11-27T00:00Z"], ["loiter", "gap"]),
        (["--until", "2026-11-27"], ["sts"]),
        (["--since", "2026-11-27T01:00+01:00", "--until", "2026-11-27T03:00Z"], ["loiter"]),
        (["--limit", "2"], ["sts", "loiter"]),
    ],
)
def test_list_filters(
    store: Store, anna: Coastwatch, options: list[str], expected: list[str]
) -> None:
    insert_alert(store, id="sts", score=90)
    insert_alert(
        store,
        id="loiter",
        type="loitering",
        mmsi=[431000004],
        score=60,
        status="acknowledged",
        start=T0 + timedelta(hours=2),
    )
    insert_alert(
        store, id="gap", type="ais_gap", mmsi=[431000003], score=30, start=T0 + timedelta(hours=6)
    )

    ran = anna("alerts", "list", "--format", "json", *options)

    assert ran.code == 0, ran.stderr
    assert [a["id"] for a in json.loads(ran.stdout)] == expected


def test_list_refuses_a_time_that_is_not_iso(anna: Coastwatch) -> None:
    ran = anna("alerts", "list", "--since", "yesterday")
    assert ran.code == 2
    assert "--since wants ISO 8601" in ran.stderr


def test_list_geojson_is_a_feature_collection(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS, lon=130.5, lat=34.25)

    ran = anna("alerts", "list", "--format", "geojson")

    collection = json.loads(ran.stdout)
    assert collection["type"] == "FeatureCollection"
    [feature] = collection["features"]
    assert feature["id"] == STS
    assert feature["geometry"] == {"type": "Point", "coordinates": [130.5, 34.25]}
    assert feature["properties"]["mmsi"] == [431000001, 431000002]


def test_list_table_shows_each_alert(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS, score=77)

    ran = anna("alerts", "list")

    assert ran.code == 0, ran.stderr
    row = next(line for line in ran.stdout.splitlines() if STS[:12] in line)  # a prefix
    assert "sts_transfer" in row and "77" in row and "431000001 431000002" in row


def test_the_store_finds_an_alert_by_id(store: Store) -> None:
    insert_alert(store, id=STS, lon=130.5, lat=34.25, evidence={"min_distance_m": 120})

    found = store.alert(STS)

    assert found is not None
    assert (found["id"], found["status"], found["mmsi"]) == (STS, "new", [431000001, 431000002])
    assert (found["geom"].x, found["geom"].y) == (130.5, 34.25)
    assert (found["lon"], found["lat"]) == (130.5, 34.25)
    assert found["evidence"] == {"min_distance_m": 120}


def test_the_store_finds_an_alert_by_unique_prefix(store: Store) -> None:
    insert_alert(store, id=STS)
    insert_alert(store, id="gap-431000003", type="ais_gap")

    found = store.alert("sts-2026")

    assert found is not None and found["id"] == STS


def test_a_prefix_shorter_than_six_characters_finds_nothing(store: Store) -> None:
    insert_alert(store, id=STS)
    assert store.alert("sts-2") is None


def test_an_ambiguous_prefix_is_refused(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)
    insert_alert(store, id="sts-20261126-0002")

    ran = anna("alerts", "ack", "sts-20261126")

    assert ran.code == 2
    assert "alert id prefix 'sts-20261126' is ambiguous" in ran.stderr
    assert "sts-20261126-0001, sts-20261126-0002" in ran.stderr
    assert history(store, STS) == []


def test_acting_on_an_unknown_alert_is_refused(anna: Coastwatch) -> None:
    ran = anna("alerts", "ack", "no-such-alert")
    assert ran.code == 2
    assert "no alert 'no-such-alert'" in ran.stderr


def test_the_full_lifecycle_is_recorded(store: Store, anna: Coastwatch, ben: Coastwatch) -> None:
    insert_alert(store, id=STS)

    steps = [
        (anna, "ack", STS, "--note", "looking at both tracks"),
        (anna, "escalate", "sts-20261126-00", "--note", "tanker known to customs"),
        (ben, "note", STS, "patrol boat on its way"),
        (ben, "close", STS),
    ]
    codes = [user("alerts", *step).code for user, *step in steps]

    assert codes == [0, 0, 0, 0]
    assert history(store, STS) == [
        ("anna", "ack", "new", "acknowledged", "looking at both tracks"),
        ("anna", "escalate", "acknowledged", "escalated", "tanker known to customs"),
        ("ben", "note", "escalated", "escalated", "patrol boat on its way"),
        ("ben", "close", "escalated", "closed", None),
    ]
    found = store.alert(STS)
    assert found is not None and found["status"] == "closed"


def test_an_action_says_what_happened(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)

    ran = anna("alerts", "ack", STS)

    assert ran.code == 0
    assert f"alert {STS}: now acknowledged (by anna)" in ran.stderr


def test_the_actor_is_the_logged_in_user(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)

    anna("alerts", "ack", STS)

    assert history(store, STS)[0][0] == "anna"


def test_an_invalid_transition_exits_2_and_names_the_allowed_actions(
    store: Store, anna: Coastwatch
) -> None:
    insert_alert(store, id=STS)

    ran = anna("alerts", "escalate", STS)

    assert ran.code == 2
    assert "cannot escalate an alert that is new" in ran.stderr
    assert "an alert that is new accepts: ack, dismiss, close, note" in ran.stderr
    assert history(store, STS) == []


def test_a_closed_alert_cannot_be_reopened_by_an_ack(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS, status="closed")

    ran = anna("alerts", "ack", STS)

    assert ran.code == 2
    assert "cannot ack an alert that is closed" in ran.stderr


def test_dismiss_without_reason_is_refused(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)

    ran = anna("alerts", "dismiss", STS)

    assert ran.code == 2
    assert "Missing option '--reason'" in ran.stderr
    assert history(store, STS) == []


def test_dismiss_with_a_blank_reason_is_refused(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)

    ran = anna("alerts", "dismiss", STS, "--reason", "  ")

    assert ran.code == 2
    assert "dismiss needs a reason" in ran.stderr
    assert history(store, STS) == []


def test_dismiss_records_the_reason(store: Store, anna: Coastwatch) -> None:
    insert_alert(store, id=STS)

    anna("alerts", "dismiss", STS, "--reason", "pilot boat alongside")

    assert history(store, STS) == [("anna", "dismiss", "new", "dismissed", "pilot boat alongside")]


def test_acting_updates_the_alert_time(store: Store) -> None:
    insert_alert(store, id=STS)
    before = store.alert(STS)

    store.act_on_alert(STS, "ack", "anna")

    after = store.alert(STS)
    assert before is not None and after is not None
    assert after["updated_at"] > before["updated_at"]


def test_the_store_refuses_an_unknown_alert(store: Store) -> None:
    with pytest.raises(InputError, match="no alert 'nope'"):
        store.act_on_alert("nope", "ack", "anna")


def test_the_store_refuses_a_blank_actor(store: Store) -> None:
    insert_alert(store, id=STS)
    with pytest.raises(InputError, match="not a user name"):
        store.act_on_alert(STS, "ack", " ")


def test_show_gives_fields_evidence_reasons_and_history(store: Store, anna: Coastwatch) -> None:
    insert_alert(
        store,
        id=STS,
        score=85,
        end=T0 + timedelta(hours=3),
        evidence={"positions": [{"mmsi": 431000001}, {"mmsi": 431000002}], "min_distance_m": 120},
        score_reasons=[{"reason": "night", "points": 10}, "repeat behaviour"],
    )
    store.act_on_alert(STS, "ack", "anna", "looking at both tracks")
    store.act_on_alert(STS, "escalate", "ben")

    ran = anna("alerts", "show", "sts-20261126")

    assert ran.code == 0, ran.stderr
    lines = [" ".join(line.split()) for line in ran.stdout.splitlines()]
    for expected in (
        f"id {STS}",
        "status escalated",
        "score 85",
        "start (UTC) 2026-11-26 22:00:00",
        "end (UTC) 2026-11-27 01:00:00",
        "vessels 431000001, 431000002",
        "where (lat, lon) 34.00000, 130.00000",
        "positions: 2 items",
        "min_distance_m: 120",
        "+10 night",
        "repeat behaviour",
    ):
        assert expected in lines, expected
    assert any("anna ack new -> acknowledged looking at both tracks" in line for line in lines)
    assert any(line.endswith("ben escalate acknowledged -> escalated") for line in lines)
