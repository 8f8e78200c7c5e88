"""Scores: the rule's points plus corroboration, each with its reason."""

from __future__ import annotations

from alerts.rules.base import reason
from alerts.scoring import ScoreContext, score_alerts
from tests.builders.alerts import finding
from tests.builders.clock import T0_S, at_s

A, B = 431000001, 445000002


def context(**fields: object) -> ScoreContext:
    base: dict[str, object] = {
        "flags": {A: "JP", B: "KP"},
        "watch_flags": ("KP",),
        "watchlisted": set(),
        "history": [],
    }
    return ScoreContext(**{**base, **fields})  # type: ignore[arg-type]


def test_a_bare_alert_scores_what_its_rule_gave() -> None:
    alert = finding()
    score_alerts([alert], context(), now_s=at_s(hours=24))
    assert alert.score == 40 and len(alert.reasons) == 1


def test_a_watched_flag_and_the_watchlist_add_their_points() -> None:
    alert = finding(mmsi=(B,))
    score_alerts([alert], context(watchlisted={B}), now_s=at_s(hours=24))
    assert alert.score == 40 + 15 + 20
    assert [r["reason"] for r in alert.reasons[1:]] == [
        "watched flag KP",
        "vessel on the watchlist",
    ]


def test_doing_it_again_counts_as_a_repeat() -> None:
    alert = finding()
    history = [("loitering", (A,), T0_S, at_s(hours=5))]
    score_alerts([alert], context(history=history), now_s=at_s(hours=24))
    assert alert.score == 50 and "did this before" in alert.reasons[-1]["reason"]


def test_another_kind_of_alert_at_the_same_time_corroborates() -> None:
    loiter, gap = finding(), finding("ais_gap", start_h=14, end_h=None)
    score_alerts([loiter, gap], context(), now_s=at_s(hours=24))
    assert loiter.reasons[-1]["reason"] == "also ais_gap at the time"
    assert gap.reasons[-1]["reason"] == "also loitering at the time"


def test_scores_stay_within_0_and_100() -> None:
    alert = finding(mmsi=(B,))
    alert.reasons.append(reason(90, "a very long encounter"))
    score_alerts([alert], context(watchlisted={B}), now_s=at_s(hours=24))
    assert alert.score == 100
