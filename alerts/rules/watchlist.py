"""``watchlist``: a vessel of interest (by MMSI, IMO, call sign or a similar name) is
being heard; one alert per vessel and stretch of presence."""

from __future__ import annotations

from alerts.rules.base import AlertRecord, RuleContext, reason, track_evidence
from alerts.tracks import Tracks
from alerts.watch import watchlist_matches

__all__ = ["detect"]

BASE_SCORE = 50


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    mmsi, first, count = tracks.vessel_index
    matches = watchlist_matches(
        mmsi, ctx.vessels, ctx.watchlist, ctx.settings.watchlist_name_min_similarity_pct
    )
    p = tracks.pos
    alerts = []
    for m, i, n in zip(mmsi, first, count, strict=True):
        if int(m) not in matches:
            continue
        last = i + n - 1
        start, end = float(p.t_s[i]), float(p.t_s[last])
        alerts.append(
            AlertRecord(
                "watchlist", (int(m),), start, end, float(p.lon[last]), float(p.lat[last]),
                [reason(BASE_SCORE, "on the watchlist: " + ", ".join(matches[int(m)]))],
                {"matches": matches[int(m)],
                 "tracks": {str(m): track_evidence(tracks, int(m), start, end)}},
            )
        )  # fmt: skip
    return alerts
