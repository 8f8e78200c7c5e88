"""Precision and recall of the rules against the simulator's ground truth (truth.json).

An alert matches a truth event of its type when it names the event's vessels and overlaps
it in time (give or take ``slack_s``). Recall: share of events matched; precision: share of
alerts matched. Some events make other rules fire rightly (the visible partner of a dark
rendezvous does loiter): such alerts count neither for nor against the rule. The truth's
look-alikes (pair trawlers for ``sts_transfer``, a coverage hole crossed for ``ais_gap``)
should raise nothing: an alert on one counts against precision, and is counted apart too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from surveillance.alert_types import alert_types

__all__ = ["RuleScore", "evaluate", "truth_window"]

#: alert type -> truth types whose vessels may rightly raise it too
ALSO_EXPLAINS = {"loitering": ("dark_rendezvous", "sts_transfer")}


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

    @property
    def recall(self) -> float | None:
        return self.detected / self.events if self.events else None

    @property
    def precision(self) -> float | None:
        judged = self.alerts - self.explained
        return self.true_alerts / judged if judged else None


def _seconds(value: Any) -> float:
    return pd.Timestamp(value).timestamp()


def truth_window(truth: dict[str, Any]) -> tuple[datetime, datetime]:
    return pd.Timestamp(truth["start"]).to_pydatetime(), pd.Timestamp(truth["end"]).to_pydatetime()


def _matches(alert: Any, event: dict[str, Any], slack_s: float, end_s: float) -> bool:
    start = _seconds(alert.start)
    end = end_s if pd.isna(alert.end) else _seconds(alert.end)
    return (
        set(event["mmsi"]) <= {int(m) for m in alert.mmsi}
        and start <= _seconds(event["end"]) + slack_s
        and _seconds(event["start"]) - slack_s <= end
    )


def evaluate(
    truth: dict[str, Any], alerts: pd.DataFrame, slack_s: float = 1800.0
) -> list[RuleScore]:
    """Per rule: events, events detected, alerts, alerts that match an event."""
    events = truth["events"]
    end_s = _seconds(truth["end"])
    scores = []
    for rule in alert_types():
        own = [e for e in events if e["type"] == rule]
        others = [e for e in events if e["type"] in ALSO_EXPLAINS.get(rule, ())]
        mine = alerts[alerts["type"] == rule]
        detected = sum(any(_matches(a, e, slack_s, end_s) for a in mine.itertuples()) for e in own)
        true_alerts = explained = 0
        for a in mine.itertuples():
            if any(_matches(a, e, slack_s, end_s) for e in own):
                true_alerts += 1
            elif any(_matches(a, e, slack_s, end_s) for e in others):
                explained += 1
        looks = [e for e in truth.get("lookalikes", []) if e.get("mimics") == rule]
        fooled = sum(any(_matches(a, e, 0.0, end_s) for a in mine.itertuples()) for e in looks)
        scores.append(
            RuleScore(
                rule, len(own), detected, len(mine), true_alerts, explained, len(looks), fooled
            )
        )
    return scores
