"""Precision and recall of the dark rules against hand-made truth: dark vessels by place and
time, dark rendezvous by their AIS vessel, both only where a scene saw them."""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from alerts.evaluate import RuleScore, evaluate, lead_score

SEEN_AT = (135.0, 30.5)
IMAGE = "2026-11-27T01:00:00Z"
A, B = 431000001, 431000002
SCENE = {
    "file": "scenes/one.tif",
    "time": IMAGE,
    "footprint": shapely.geometry.mapping(shapely.box(134.8, 30.3, 135.3, 30.7)),
    "ships": [],
}


def truth(*events: dict[str, Any], scenes: tuple[dict[str, Any], ...] = (SCENE,)) -> dict[str, Any]:
    return {
        "start": "2026-11-26T22:00:00Z",
        "end": "2026-11-27T06:00:00Z",
        "events": list(events),
        "scenes": list(scenes),
    }


def event(kind: str, mmsi: list[int], lon: float, lat: float, time: str = IMAGE) -> dict[str, Any]:
    return {"type": kind, "mmsi": mmsi, "start": time, "end": time, "lon": lon, "lat": lat}


def alerts(*rows: tuple[str, tuple[int, ...], float, float, str]) -> gpd.GeoDataFrame:
    """Alerts as the store gives them: (type, vessels, lon, lat, start); each lasts a minute."""
    start = pd.to_datetime([r[4] for r in rows], utc=True)
    return gpd.GeoDataFrame(
        {
            "type": [r[0] for r in rows],
            "mmsi": [list(r[1]) for r in rows],
            "start": start,
            "end": start + pd.Timedelta(minutes=1),
        },
        geometry=[shapely.Point(r[2], r[3]) for r in rows],
        crs=4326,
    ).rename_geometry("geom")


def score(scores: list[RuleScore], rule: str) -> RuleScore:
    (found,) = [s for s in scores if s.rule == rule]
    return found


def test_a_dark_vessel_is_found_by_an_alert_at_its_place_and_time() -> None:
    dark = event("dark_vessel", [], *SEEN_AT)
    near = alerts(("dark_vessel", (), SEEN_AT[0] + 0.003, SEEN_AT[1], IMAGE))  # ~290 m off
    far = alerts(("dark_vessel", (), SEEN_AT[0] + 0.02, SEEN_AT[1], IMAGE))  # ~1.9 km off
    hit = score(evaluate(truth(dark), near), "dark_vessel")
    assert (hit.events, hit.detected, hit.true_alerts, hit.recall, hit.precision) == (
        1,
        1,
        1,
        1.0,
        1.0,
    )
    miss = score(evaluate(truth(dark), far), "dark_vessel")
    assert (miss.recall, miss.precision) == (0.0, 0.0)


def test_a_dark_vessel_alert_hours_from_the_event_does_not_find_it() -> None:
    dark = event("dark_vessel", [], *SEEN_AT)
    later = alerts(("dark_vessel", (), *SEEN_AT, "2026-11-27T04:00:00Z"))
    assert score(evaluate(truth(dark), later), "dark_vessel").detected == 0


def test_a_dark_rendezvous_is_found_by_an_alert_naming_its_ais_vessel() -> None:
    meeting = event("dark_rendezvous", [A], *SEEN_AT)
    right = alerts(("dark_rendezvous", (A,), *SEEN_AT, IMAGE))
    wrong = alerts(("dark_rendezvous", (B,), *SEEN_AT, IMAGE))
    assert score(evaluate(truth(meeting), right), "dark_rendezvous").recall == 1.0
    other = score(evaluate(truth(meeting), wrong), "dark_rendezvous")
    assert (other.recall, other.precision) == (0.0, 0.0)


def test_events_no_scene_saw_are_unseen_not_missed() -> None:
    outside = event("dark_vessel", [], 137.0, 32.0)
    meeting = event("dark_rendezvous", [A], *SEEN_AT, time="2026-11-27T05:00:00Z")
    scores = evaluate(truth(outside, meeting), alerts())
    for rule in ("dark_vessel", "dark_rendezvous"):
        assert (score(scores, rule).events, score(scores, rule).unseen) == (0, 1)
    assert score(evaluate(truth(meeting, scenes=()), alerts()), "dark_rendezvous").unseen == 1


def test_the_dark_partner_of_a_rendezvous_explains_a_dark_vessel_alert() -> None:
    meeting = event("dark_rendezvous", [A], *SEEN_AT)
    found = alerts(
        ("dark_rendezvous", (A,), *SEEN_AT, IMAGE),
        ("dark_vessel", (), SEEN_AT[0] + 0.001, SEEN_AT[1], IMAGE),
    )
    dark = score(evaluate(truth(meeting), found), "dark_vessel")
    assert (dark.alerts, dark.explained, dark.precision) == (1, 1, None)


def test_the_events_the_pages_speak_of_count_the_alerts_citing_a_lead() -> None:
    sts, landing = (
        event("sts_transfer", [A, B], *SEEN_AT),
        event("suspicious_landing", [A], *SEEN_AT),
    )
    said = truth(sts, landing) | {
        "leads": [
            {"event": {"type": "sts_transfer", "mmsi": [B, A]}},
            {"event": {"type": "suspicious_landing", "mmsi": [A]}},
            {"event": None},
        ]
    }
    found = alerts(
        ("sts_transfer", (A, B), *SEEN_AT, IMAGE), ("suspicious_landing", (A,), *SEEN_AT, IMAGE)
    )
    found["leads"] = [[4], []]
    leads = lead_score(said, found)
    assert (leads.events, leads.alerted, leads.with_leads, leads.recall) == (2, 2, 1, 0.5)
