"""``lead_match``: a web lead adds its points to the alert it concerns, or opens one on a
watched vessel that has none."""

from __future__ import annotations

import pandas as pd

from alerts.rules import lead_match
from alerts.rules.base import AlertRecord, RuleContext
from tests.builders.alerts import finding
from tests.builders.clock import at, at_s
from tests.builders.leads import entity, rule_leads, stored_lead
from tests.builders.tracks import SEA, A, B, context, leg, tracks, vessels

IMO_A = "9074729"
STS_AT = (135.0, 30.5)  # where finding() puts its alert: hours 10 to 15 after T0
TWO_KM_NORTH = "30.5200,135.0000"
FAR_NORTH = "31.0000,135.0000"  # 55 km


def sts() -> AlertRecord:
    return finding("sts_transfer", mmsi=(A, B), why="within 500 m for 5 h", points=50)


def tomorrow_night(hours: float = 12) -> dict[str, object]:
    return entity("time", at(hours=hours).isoformat(), "tomorrow night")


def ctx(*leads: dict[str, object], watchlist: pd.DataFrame | None = None) -> RuleContext:
    known = vessels({"mmsi": A, "name": "OCEAN STAR", "imo": int(IMO_A)}, {"mmsi": B})
    return context(vessels=known, leads=rule_leads(*leads), watchlist=watchlist)


def test_a_lead_naming_a_vessel_of_an_sts_alert_raises_its_score_with_the_reason() -> None:
    lead = stored_lead(12, posted=at(hours=1), entities=(entity("imo", IMO_A, "IMO 9074729"),))
    alert = sts()
    used = lead_match.corroborate([alert], ctx(lead))
    assert used == {12}
    assert alert.score == 50 + 20
    assert alert.reasons[-1]["reason"] == "lead #12 (forum.test) names IMO 9074729"
    assert alert.evidence["leads"] == [12]


def test_a_lead_naming_the_vessel_and_a_place_and_time_near_says_both() -> None:
    lead = stored_lead(
        12,
        posted=at(hours=1),
        entities=(
            entity("imo", IMO_A, "IMO 9074729"),
            entity("position", TWO_KM_NORTH, "30°31.2'N 135°E"),
            tomorrow_night(),
        ),
    )
    alert = sts()
    lead_match.corroborate([alert], ctx(lead))
    assert alert.reasons[-1] == {
        "points": 35,
        "reason": "lead #12 (forum.test) names IMO 9074729 and a position 2.2 km away "
        "'tomorrow night'",
    }


def test_a_lead_near_in_place_and_time_that_names_no_vessel_raises_the_alert_too() -> None:
    lead = stored_lead(
        7, posted=at(hours=1), entities=(tomorrow_night(),), lon=135.01, lat=30.51
    )  # the place the crawler geocoded, 1.5 km away
    alert = sts()
    lead_match.corroborate([alert], ctx(lead))
    assert alert.score == 50 + 15
    assert alert.reasons[-1]["reason"] == (
        "lead #7 (forum.test) names a place 1.5 km away 'tomorrow night'"
    )


def test_a_lead_that_names_no_time_counts_by_when_it_was_posted() -> None:
    during = stored_lead(3, posted=at(hours=11), lon=135.0, lat=30.51)
    alert = sts()
    lead_match.corroborate([alert], ctx(during))
    assert alert.reasons[-1]["reason"].endswith("1.1 km away posted during it")


def test_a_lead_far_away_or_at_another_time_adds_nothing() -> None:
    far = stored_lead(
        1, posted=at(hours=1), entities=(entity("position", FAR_NORTH), tomorrow_night())
    )
    late = stored_lead(
        2, posted=at(hours=1), entities=(entity("position", TWO_KM_NORTH), tomorrow_night(15 + 30))
    )
    alert = sts()
    assert lead_match.corroborate([alert], ctx(far, late)) == set()
    assert alert.score == 50 and "leads" not in alert.evidence


def test_a_lead_counts_once_however_often_the_alert_is_scored() -> None:
    lead = stored_lead(12, posted=at(hours=1), mmsi=(B,))
    alert, context_ = sts(), ctx(lead)
    lead_match.corroborate([alert], context_)
    lead_match.corroborate([alert], context_)
    assert alert.score == 70 and alert.evidence["leads"] == [12]


def test_the_leads_of_one_alert_add_at_most_the_cap() -> None:
    leads = [stored_lead(i, posted=at(hours=1), mmsi=(A,)) for i in range(1, 5)]
    alert = sts()
    lead_match.corroborate([alert], ctx(*leads))
    assert alert.score == 50 + 40 and alert.evidence["leads"] == [1, 2, 3, 4]


def test_a_lead_on_a_watchlisted_vessel_without_alert_opens_one() -> None:
    lead = stored_lead(
        5,
        posted=at(hours=3),
        entities=(entity("vessel", "OCEAN STAR", "the Ocean Star"), tomorrow_night()),
        lon=135.2,
        lat=30.6,
        score=60,
    )
    watchlist = pd.DataFrame({"kind": ["imo"], "value": [IMO_A]})
    context_ = ctx(lead, watchlist=watchlist)
    (alert,) = lead_match.detect(tracks(leg(B, 1, 1, SEA)), context_)
    assert (alert.type, alert.mmsi, alert.start_s) == ("lead_match", (A,), at_s(hours=3))
    assert (alert.lon, alert.lat, alert.score) == (135.2, 30.6, 40)
    assert alert.reasons[0]["reason"] == (
        "lead #5 (forum.test) names the vessel OCEAN STAR: on the watchlist: IMO 9074729"
    )
    assert alert.evidence["leads"] == [5] and alert.key == "lead:5"
    assert not lead_match.answered(alert, set(), [], context_.settings)


def test_the_lead_alert_gives_way_to_an_alert_the_lead_bears_on() -> None:
    lead = stored_lead(5, posted=at(hours=3), mmsi=(A,), lon=135.2, lat=30.6)
    context_ = ctx(lead, watchlist=pd.DataFrame({"kind": ["mmsi"], "value": [str(A)]}))
    (opened,) = lead_match.detect(tracks(leg(B, 1, 1, SEA)), context_)
    used = lead_match.corroborate([sts(), opened], context_)
    settings = context_.settings
    assert lead_match.answered(opened, used, [], settings)
    stored_sts = [("sts_transfer", (A, B), at_s(hours=-30), at_s(hours=-25))]
    assert lead_match.answered(opened, set(), stored_sts, settings)


def test_a_lead_on_a_vessel_nobody_watches_opens_nothing() -> None:
    lead = stored_lead(5, posted=at(hours=3), mmsi=(A,), lon=135.2, lat=30.6)
    assert lead_match.detect(tracks(leg(B, 1, 1, SEA)), ctx(lead)) == []


def test_entities_that_do_not_parse_are_left_out() -> None:
    lead = stored_lead(
        9,
        posted=at(hours=1),
        entities=(
            entity("time", "not a time"),
            entity("position", "91.0,200.0"),
            entity("mmsi", "12345"),
            {"kind": "imo"},
            "not an entity",
        ),
    )
    (row,) = rule_leads(lead).to_dict("records")
    assert (row["times"], row["points"], row["mmsi"], row["imo"]) == ([], [], [], [])


def test_a_lead_posted_after_the_window_opens_nothing_yet() -> None:
    lead = stored_lead(5, posted=at(hours=40), mmsi=(A,), lon=135.2, lat=30.6)
    context_ = ctx(lead, watchlist=pd.DataFrame({"kind": ["mmsi"], "value": [str(A)]}))
    assert lead_match.detect(tracks(leg(B, 1, 1, SEA)), context_) == []


def test_a_place_under_a_kilometre_away_is_told_in_metres() -> None:
    lead = stored_lead(3, posted=at(hours=11), lon=135.0, lat=30.5004)
    alert = sts()
    lead_match.corroborate([alert], ctx(lead))
    assert alert.reasons[-1]["reason"].endswith("names a place 40 m away posted during it")


def test_the_time_as_written_comes_into_the_reason_on_one_line() -> None:
    said = entity("time", at(hours=12).isoformat(), "tomorrow\n\x1b[31mnight")
    lead = stored_lead(7, posted=at(hours=1), entities=(said,), lon=135.0, lat=30.51)
    alert = sts()
    lead_match.corroborate([alert], ctx(lead))
    assert alert.reasons[-1]["reason"].endswith("away 'tomorrow [31mnight'")
