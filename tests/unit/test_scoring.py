"""Scores: the rule's points plus corroboration, each with its reason."""

from __future__ import annotations

from alerts.rules.base import AlertRecord, reason
from alerts.scoring import ScoreContext, score_alerts

A, B = 431000001, 445000002
HOUR = 3600.0


def record(kind: str = "loitering", mmsi: tuple[int, ...] = (A,), start_h: float = 10,
           end_h: float | None = 15) -> AlertRecord:  # fmt: skip
    return AlertRecord(kind, mmsi, start_h * HOUR, None if end_h is None else end_h * HOUR,
                       135.0, 30.5, [reason(40, "slow offshore")])  # fmt: skip


def context(**fields: object) -> ScoreContext:
    base: dict[str, object] = {"flags": {A: "JP", B: "KP"}, "watch_flags": ("KP",),
                               "watchlisted": set(), "history": []}  # fmt: skip
    return ScoreContext(**{**base, **fields})  # type: ignore[arg-type]


def test_a_bare_alert_scores_what_its_rule_gave() -> None:
    alert = record()
    score_alerts([alert], context(), now_s=24 * HOUR)
    assert alert.score == 40 and len(alert.reasons) == 1


def test_a_watched_flag_and_the_watchlist_add_their_points() -> None:
    alert = record(mmsi=(B,))
    score_alerts([alert], context(watchlisted={B}), now_s=24 * HOUR)
    assert alert.score == 40 + 15 + 20
    assert [r["reason"] for r in alert.reasons[1:]] == [
        "watched flag KP",
        "vessel on the watchlist",
    ]


def test_doing_it_again_counts_as_a_repeat() -> None:
    alert = record()
    score_alerts([alert], context(history=[("loitering", (A,), 0.0, 5 * HOUR)]), 24 * HOUR)
    assert alert.score == 50 and "did this before" in alert.reasons[-1]["reason"]


def test_another_kind_of_alert_at_the_same_time_corroborates() -> None:
    loiter, gap = record(), record("ais_gap", start_h=14, end_h=None)
    score_alerts([loiter, gap], context(), now_s=24 * HOUR)
    assert loiter.reasons[-1]["reason"] == "also ais_gap at the time"
    assert gap.reasons[-1]["reason"] == "also loitering at the time"


def test_scores_stay_within_0_and_100() -> None:
    alert = record(mmsi=(B,))
    alert.reasons.append(reason(90, "a very long encounter"))
    score_alerts([alert], context(watchlisted={B}), now_s=24 * HOUR)
    assert alert.score == 100
