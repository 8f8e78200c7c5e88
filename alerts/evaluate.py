"""Precision and recall of the rules against the simulator's ground truth (truth.json).

An alert matches a truth event of its type when it names the event's vessels and overlaps
it in time (give or take ``slack_s``). Recall: share of events matched; precision: share of
alerts matched. Some events make other rules fire rightly (the visible partner of a dark
rendezvous does loiter): such alerts count neither for nor against the rule. The truth's
look-alikes (pair trawlers for ``sts_transfer``, a coverage hole crossed for ``ais_gap``)
should raise nothing: an alert on one counts against precision, and is counted apart too.

The dark types need an image: a ``dark_vessel`` event names no vessel, so an alert matches
it by place (within ``place_m``) and time; a ``dark_rendezvous`` by its AIS vessel and time.
Their events count only where one of the truth's scenes saw them (its footprint holds the
place, its time falls in the event's span give or take ``slack_s``); the others are
``unseen``, neither found nor missed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import shapely
from shapely.geometry import shape

from surveillance.alert_types import alert_types
from surveillance.geodesy import haversine_m

__all__ = ["LeadScore", "RuleScore", "evaluate", "lead_score", "truth_window"]

#: alert type -> truth types whose vessels may rightly raise it too
ALSO_EXPLAINS = {
    "loitering": ("dark_rendezvous", "sts_transfer"),
    "dark_vessel": ("dark_rendezvous",),  # the dark partner of a rendezvous is dark too
}
#: alert types that name no vessel: matched to events by place
BY_PLACE = ("dark_vessel",)
#: event types only an image can show
SEEN_BY_IMAGE = ("dark_vessel", "dark_rendezvous")


@dataclass(frozen=True)
class RuleScore:
    rule: str
    events: int
    detected: int
    alerts: int
    true_alerts: int
    explained: int  # alerts explained by an event of another kind
    lookalikes: int = 0  # confounders that mimic this rule's events
    lookalikes_alerted: int = 0  # of them, those an alert of this rule names
    unseen: int = 0  # events no scene covered (types that need an image)

    @property
    def recall(self) -> float | None:
        return self.detected / self.events if self.events else None

    @property
    def precision(self) -> float | None:
        judged = self.alerts - self.explained
        return self.true_alerts / judged if judged else None


@dataclass(frozen=True)
class LeadScore:
    """The events the truth's web pages speak of, and how many of their alerts the pages'
    leads reached (``lead_match``: the lead's id in the alert's evidence)."""

    events: int  # events a post of the truth speaks of
    alerted: int  # of them, those an alert of their type matched
    with_leads: int  # of those, the ones whose alert cites a web lead

    @property
    def recall(self) -> float | None:
        return self.with_leads / self.alerted if self.alerted else None


def _seconds(value: Any) -> float:
    return pd.Timestamp(value).timestamp()


def truth_window(truth: dict[str, Any]) -> tuple[datetime, datetime]:
    return pd.Timestamp(truth["start"]).to_pydatetime(), pd.Timestamp(truth["end"]).to_pydatetime()


def _matches(
    alert: Any, event: dict[str, Any], slack_s: float, end_s: float, place_m: float = 500.0
) -> bool:
    start = _seconds(alert.start)
    end = end_s if pd.isna(alert.end) else _seconds(alert.end)
    if not (
        start <= _seconds(event["end"]) + slack_s and _seconds(event["start"]) - slack_s <= end
    ):
        return False
    if alert.type in BY_PLACE or not event["mmsi"]:
        point = shapely.point_on_surface(alert.geom)
        return bool(haversine_m(point.x, point.y, event["lon"], event["lat"]) <= place_m)
    return set(event["mmsi"]) <= {int(m) for m in alert.mmsi}


def _seen(event: dict[str, Any], scenes: list[dict[str, Any]], slack_s: float) -> bool:
    """A scene of the truth was taken over the event's place during it."""
    where = shapely.Point(event["lon"], event["lat"])
    return any(
        _seconds(event["start"]) - slack_s
        <= _seconds(s["time"])
        <= _seconds(event["end"]) + slack_s
        and shape(s["footprint"]).covers(where)
        for s in scenes
    )


def evaluate(
    truth: dict[str, Any], alerts: pd.DataFrame, slack_s: float = 1800.0, place_m: float = 500.0
) -> list[RuleScore]:
    """Per rule: events, events detected, alerts, alerts that match an event (``alerts``
    with ``type, start, end, mmsi`` and a ``geom``)."""
    events, scenes = truth["events"], truth.get("scenes", [])
    end_s = _seconds(truth["end"])
    scores = []
    for rule in alert_types():
        own = [e for e in events if e["type"] == rule]
        unseen = 0
        if rule in SEEN_BY_IMAGE:
            seen = [e for e in own if _seen(e, scenes, slack_s)]
            own, unseen = seen, len(own) - len(seen)
        others = [e for e in events if e["type"] in ALSO_EXPLAINS.get(rule, ())]
        mine = alerts[alerts["type"] == rule]
        detected = sum(
            any(_matches(a, e, slack_s, end_s, place_m) for a in mine.itertuples()) for e in own
        )
        true_alerts = explained = 0
        for a in mine.itertuples():
            if any(_matches(a, e, slack_s, end_s, place_m) for e in own):
                true_alerts += 1
            elif any(_matches(a, e, slack_s, end_s, place_m) for e in others):
                explained += 1
        looks = [e for e in truth.get("lookalikes", []) if e.get("mimics") == rule]
        fooled = sum(
            any(_matches(a, e, 0.0, end_s, place_m) for a in mine.itertuples()) for e in looks
        )
        scores.append(
            RuleScore(
                rule,
                len(own),
                detected,
                len(mine),
                true_alerts,
                explained,
                len(looks),
                fooled,
                unseen,
            )
        )
    return scores


def lead_score(truth: dict[str, Any], alerts: pd.DataFrame, slack_s: float = 1800.0) -> LeadScore:
    """How many of the events the truth's posts speak of (``truth["leads"]``, each naming
    its event by type and vessels) have an alert that cites a web lead (``alerts`` as
    ``Store.alerts_overlapping`` gives them, with ``leads``)."""
    spoken = {
        (str(lead["event"]["type"]), tuple(sorted(lead["event"]["mmsi"])))
        for lead in truth.get("leads", [])
        if isinstance(lead, dict) and isinstance(lead.get("event"), dict)
    }
    end_s = _seconds(truth["end"])
    events = [e for e in truth["events"] if (e["type"], tuple(sorted(e["mmsi"]))) in spoken]
    alerted = with_leads = 0
    for event in events:
        mine = [
            a
            for a in alerts[alerts["type"] == event["type"]].itertuples()
            if _matches(a, event, slack_s, end_s)
        ]
        alerted += bool(mine)
        with_leads += any(isinstance(a.leads, list) and a.leads for a in mine)
    return LeadScore(len(events), alerted, with_leads)
