"""``coastwatch leads list`` for intelligence officers and their tools, and a lead raising
an alert through ``coastwatch detect`` on the real store (twice: nothing changes)."""

from __future__ import annotations

import json
from typing import Any

import pandas as pd
import pytest

from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import at
from tests.builders.leads import entity, lead_record
from tests.builders.positions import drifting, load_positions
from tests.builders.users import add_role_users

A, B, C = 431000001, 431000002, 431000003
POST = "MMSI 431000001 meets a tanker south of Shikoku tomorrow night"
WINDOW = ("--since", "2026-11-26T22:00Z", "--until", "2026-11-27T05:00Z")


@pytest.fixture
def users(store: Store) -> dict[str, str]:
    return add_role_users(store)


@pytest.fixture
def ivan(coastwatch: Coastwatch, users: dict[str, str]) -> Coastwatch:
    """An intelligence officer at the CLI (the one role that reads leads)."""
    return as_user(coastwatch, users["intel"])


def _store_leads(store: Store) -> None:
    store.write_leads(
        [
            lead_record(
                "http://forum.test/t/1",
                POST,
                posted=at(hours=1),
                score=60,
                mmsi=[A],
                lon=135.01,
                lat=30.51,
                entities=[
                    entity("mmsi", str(A), "MMSI 431000001", start=0),
                    entity("time", at(hours=24).isoformat(), "tomorrow night", start=47),
                ],
            ),
            lead_record(
                "http://market.test/l/9",
                "fresh ice, pickup at the pier",
                source="market",
                posted=at(days=2),
            ),
        ]
    )


def _leads(run: Coastwatch, *args: str) -> list[dict[str, Any]]:
    ran = run("leads", "list", "--format", "json", *args)
    assert ran.code == 0, ran.stderr
    found = json.loads(ran.stdout)
    assert isinstance(found, list)
    return found


def test_leads_list_prints_the_json_design_fixes(store: Store, ivan: Coastwatch) -> None:
    _store_leads(store)
    found = _leads(ivan)
    assert [lead["url"] for lead in found] == ["http://market.test/l/9", "http://forum.test/t/1"]
    forum = found[1]
    assert set(forum) == {
        "id",
        "url",
        "source",
        "fetched",
        "posted",
        "lon",
        "lat",
        "score",
        "entities",
        "mmsi",
    }
    assert forum["posted"] == "2026-11-26T23:00:00Z" and forum["fetched"].endswith("Z")
    assert (forum["source"], forum["score"], forum["mmsi"]) == ("forum", 60, [A])
    assert (forum["lon"], forum["lat"]) == (135.01, 30.51)
    mmsi, time = forum["entities"]
    assert mmsi == {
        "kind": "mmsi",
        "value": "431000001",
        "text": "MMSI 431000001",
        "start": 0,
        "end": 14,
        "confidence": 0.9,
    }
    assert POST[time["start"] : time["end"]] == time["text"] == "tomorrow night"
    assert found[0]["posted"] == "2026-11-28T22:00:00Z" and found[0]["lon"] is None


def test_since_source_and_mmsi_narrow_the_list(store: Store, ivan: Coastwatch) -> None:
    _store_leads(store)
    assert [x["source"] for x in _leads(ivan, "--since", "2026-11-28T00:00Z")] == ["market"]
    assert [x["source"] for x in _leads(ivan, "--until", "2026-11-28T00:00Z")] == ["forum"]
    assert [x["source"] for x in _leads(ivan, "--source", "forum")] == ["forum"]
    assert [x["mmsi"] for x in _leads(ivan, "--mmsi", str(A))] == [[A]]
    assert _leads(ivan, "--source", "nowhere") == []
    assert len(_leads(ivan, "--limit", "1")) == 1


def test_the_table_is_short_and_shows_web_text_as_text(store: Store, ivan: Coastwatch) -> None:
    store.write_leads(
        [lead_record("http://forum.test/[bold]x[/bold]\x1b[2J", "a post", posted=at(hours=1))]
    )
    ran = ivan("leads", "list")
    assert ran.code == 0, ran.stderr
    assert "[bold]x[/bold]" in ran.stdout and "\x1b" not in ran.stdout


@pytest.mark.parametrize("role", ["monitor", "analyst", "drone_operator", "admin"])
def test_other_roles_are_refused_in_one_line(
    store: Store, coastwatch: Coastwatch, users: dict[str, str], role: str
) -> None:
    _store_leads(store)
    run = coastwatch if role == "admin" else as_user(coastwatch, users[role])
    ran = run("leads", "list", "--format", "json")
    assert ran.code == 6 and ran.stdout == ""
    assert "leads" in ran.stderr and len(ran.stderr.strip().splitlines()) <= 2


def _sts(store: Store) -> dict[str, Any]:
    (alert,) = store.alerts(types=["sts_transfer"]).to_dict("records")
    return alert


def test_a_lead_raises_the_sts_alert_through_detect_and_a_second_detect_changes_nothing(
    store: Store, coastwatch: Coastwatch, ivan: Coastwatch
) -> None:
    load_positions(store, drifting(A, at(), 6))
    load_positions(store, drifting(B, at(), 6))
    assert coastwatch("detect", *WINDOW).code == 0
    without = _sts(store)
    _store_leads(store)

    ran = coastwatch("detect", *WINDOW)
    assert ran.code == 0, ran.stderr
    assert "2 web leads (1 bore on alerts)" in ran.stdout
    alert = _sts(store)
    (lead_id,) = [x["id"] for x in _leads(ivan, "--source", "forum")]
    assert alert["id"] == without["id"]
    assert alert["score"] == min(100, without["score"] + 20 + 15)
    assert alert["evidence"]["leads"] == [lead_id]
    assert alert["score_reasons"][-1] == {
        "points": 35,
        "reason": f"lead #{lead_id} (forum.test) names MMSI {A} and a place 1.5 km away "
        "'tomorrow night'",
    }
    shown = ivan("alerts", "show", alert["id"])
    assert f"leads: #{lead_id}" in shown.stdout and "names MMSI" in shown.stdout

    assert coastwatch("detect", *WINDOW).code == 0
    again = _sts(store)
    assert (again["score"], again["score_reasons"], again["evidence"]) == (
        alert["score"],
        alert["score_reasons"],
        alert["evidence"],
    )
    assert again["updated_at"] == alert["updated_at"]
    assert store.alerts(types=["lead_match"]).empty  # the lead bore on an alert: none of its own


def test_a_lead_on_a_watchlisted_vessel_without_alert_opens_one(
    store: Store, coastwatch: Coastwatch, ivan: Coastwatch
) -> None:
    store.write_identities(
        pd.DataFrame({"mmsi": [C], "ts": [at(days=-2)], "name": ["OCEAN STAR"], "imo": [9074729]})
    )
    assert ivan("watchlist", "add", "--imo", "9074729").code == 0
    post = "the Ocean Star loads at the usual spot tonight"
    store.write_leads(
        [
            lead_record(
                "http://forum.test/t/2",
                post,
                posted=at(hours=2),
                lon=134.5,
                lat=30.2,
                entities=[entity("vessel", "OCEAN STAR", "the Ocean Star", start=0)],
            )
        ]
    )
    assert coastwatch("detect", *WINDOW).code == 0
    (alert,) = store.alerts(types=["lead_match"]).to_dict("records")
    assert list(alert["mmsi"]) == [C] and alert["score"] == 40
    assert alert["score_reasons"][0]["reason"].endswith(
        "names the vessel OCEAN STAR: on the watchlist: IMO 9074729"
    )
    assert coastwatch("detect", *WINDOW).code == 0
    (again,) = store.alerts(types=["lead_match"]).to_dict("records")
    assert (again["id"], again["updated_at"]) == (alert["id"], alert["updated_at"])
