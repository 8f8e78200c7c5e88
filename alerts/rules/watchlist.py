"""``watchlist``: a vessel of interest (by MMSI, IMO, call sign or a similar name) is
being heard; one alert per vessel over the window (runs that follow extend it)."""

from __future__ import annotations

import numpy as np

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, reason, track_evidence
from alerts.tracks import Tracks

__all__ = ["NAME", "VERSION", "COLOUR", "detect", "wakes"]

NAME = "watchlist"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#17becf"

BASE_SCORE = 50


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    mmsi, first, count = tracks.vessel_index
    matches = ctx.watchlisted
    p = tracks.pos
    alerts = []
    for m, i, n in zip(mmsi, first, count, strict=True):
        if int(m) not in matches:
            continue
        last = i + n - 1
        start, end = float(p.t_s[i]), float(p.t_s[last])
        alerts.append(
            AlertRecord(
                NAME,
                (int(m),),
                start,
                end,
                float(p.lon[last]),
                float(p.lat[last]),
                [reason(BASE_SCORE, "on the watchlist: " + ", ".join(matches[int(m)]))],
                {
                    "matches": matches[int(m)],
                    "tracks": {str(m): track_evidence(tracks, int(m), start, end)},
                },
            )
        )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: listed vessels that were heard."""
    heard = np.unique(delta.new.mmsi)
    return heard[np.isin(heard, list(ctx.watchlisted))]
