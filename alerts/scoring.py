"""Scores 0-100: the rule's own reasons plus what corroborates the alert.

Corroboration: a watched flag, the watchlist, the same behaviour by the same vessel before
(repeat), and other kinds of alert on the same vessels at the same time. Every point comes
with its reason, stored beside the score so that the dashboard can say why.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from alerts.rules.base import AlertRecord, reason

__all__ = ["ScoreContext", "score_alerts"]

WATCHED_FLAG_POINTS = 15
WATCHLIST_POINTS = 20
REPEAT_POINTS = 10
OTHER_ALERT_POINTS = 10
#: Rules that only fire for watched vessels: being watched is their condition, not news.
_WATCHED_BY_DEFINITION = ("zone_entry", "lead_match")
#: Alerts that corroborate no other by being there at the time: a watchlist alert says only
#: that the vessel was heard; a lead's points reach the alert it concerns by themselves.
_NOT_CORROBORATING = ("watchlist", "lead_match")


@dataclass(frozen=True)
class ScoreContext:
    flags: dict[int, str]  # vessel flag by MMSI
    watch_flags: tuple[str, ...]
    watchlisted: set[int]
    #: Earlier alerts as (type, vessels, start_s, end_s): for repeats and corroboration.
    history: list[tuple[str, tuple[int, ...], float, float]] = field(default_factory=list)


def _overlap(a0: float, a1: float, b0: float, b1: float) -> bool:
    return a0 <= b1 and b0 <= a1


def score_alerts(records: list[AlertRecord], ctx: ScoreContext, now_s: float) -> None:
    """Add the corroborating reasons to each record (its score is the sum of its reasons)."""
    by_vessel: dict[int, list[tuple[str, float, float]]] = defaultdict(list)
    for kind, mmsi, start, end in ctx.history:
        for m in mmsi:
            by_vessel[m].append((kind, start, end))
    for r in records:
        for m in r.mmsi:
            by_vessel[m].append((r.type, r.start_s, now_s if r.end_s is None else r.end_s))
    for r in records:
        end = now_s if r.end_s is None else r.end_s
        flags = sorted({ctx.flags[m] for m in r.mmsi if ctx.flags.get(m) in ctx.watch_flags})
        if flags and r.type not in _WATCHED_BY_DEFINITION:
            r.reasons.append(reason(WATCHED_FLAG_POINTS, f"watched flag {', '.join(flags)}"))
        listed = ctx.watchlisted.intersection(r.mmsi)
        if listed and r.type not in (*_WATCHED_BY_DEFINITION, "watchlist"):
            r.reasons.append(reason(WATCHLIST_POINTS, "vessel on the watchlist"))
        seen = {e for m in r.mmsi for e in by_vessel[m]}  # a pair's alert counts once
        repeats = sum(1 for kind, _, e_end in seen if kind == r.type and e_end < r.start_s)
        if repeats:
            r.reasons.append(reason(REPEAT_POINTS, f"did this before ({repeats} earlier alert(s))"))
        others = sorted(
            {
                kind
                for kind, s0, s1 in seen
                if kind != r.type
                and kind not in _NOT_CORROBORATING
                and _overlap(r.start_s, end, s0, s1)
            }
        )
        if others:
            r.reasons.append(reason(OTHER_ALERT_POINTS, f"also {', '.join(others)} at the time"))
