"""``zone_entry``: a vessel of a watched flag, ship type or list enters a configured zone
(the territorial sea, a restricted area; zones table rows or GeoJSON files)."""

from __future__ import annotations

import numpy as np
import shapely

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, reason, track_evidence
from alerts.tracks import Tracks, runs
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes", "watched"]

NAME = "zone_entry"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#2ca02c"


class Settings(BaseRuleSettings):
    """Thresholds of ``zone_entry``."""

    watch_ship_types: tuple[int, ...] = ()


BASE_SCORE = 50


def watched(mmsi: np.ndarray, ctx: RuleContext) -> dict[int, list[str]]:
    """Why each of these vessels (sorted MMSIs) is watched, for those that are (the
    watchlist, a watched flag or ship type; lead_match asks it too)."""
    cfg = ctx.settings.of(Settings)
    why = {m: [f"on the watchlist: {', '.join(w)}"] for m, w in ctx.watchlisted.items()}
    known = ctx.vessels.reindex(mmsi)
    flags = known["flag"].astype(object).fillna("").to_numpy()
    for m in mmsi[np.isin(flags, cfg.watch_flags)]:
        why.setdefault(int(m), []).append(f"flag {known.at[m, 'flag']!s} is watched")
    types = ctx.ship_types(mmsi)
    for m in mmsi[np.isin(types, cfg.watch_ship_types)]:
        why.setdefault(int(m), []).append(f"ship type {known.at[m, 'ship_type']!s} is watched")
    return why


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, p = ctx.settings.of(Settings), tracks.pos
    zones = ctx.zones[ctx.zones["kind"].isin(cfg.zone_kinds)]
    why = watched(tracks.vessel_index[0], ctx)
    if zones.empty or not why:
        return []
    rows = np.flatnonzero(np.isin(p.mmsi, list(why)))
    joined = tracks.same_vessel[rows[:-1]] & (np.diff(rows) == 1) if len(rows) else rows
    joined = joined & (tracks.dt_s[rows[:-1]] <= cfg.segment_max_gap_hours * 3600)
    alerts = []
    for zone in zones.itertuples(index=False):
        shapely.prepare(zone.geometry)
        inside = shapely.contains_xy(zone.geometry, p.lon[rows], p.lat[rows])
        for a, b in zip(*runs(inside, joined), strict=True):
            i, j = rows[a], rows[b]
            mmsi, start, end = int(p.mmsi[i]), float(p.t_s[i]), float(p.t_s[j])
            crossed = a > 0 and bool(joined[a - 1])  # seen outside just before
            alerts.append(
                AlertRecord(
                    NAME,
                    (mmsi,),
                    start,
                    end,
                    float(p.lon[i]),
                    float(p.lat[i]),
                    [
                        reason(
                            BASE_SCORE,
                            f"{'entered' if crossed else 'first seen inside'} "
                            f"{zone.name} ({zone.kind}); {'; '.join(why[mmsi])}",
                        )
                    ],
                    {
                        "zone": zone.name,
                        "zone_kind": zone.kind,
                        "crossed_in": crossed,
                        "why_watched": why[mmsi],
                        "tracks": {str(mmsi): track_evidence(tracks, mmsi, start - 3600, end)},
                    },
                    key=f"{zone.kind}:{zone.name}",
                )
            )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: watched vessels that were heard."""
    heard = np.unique(delta.new.mmsi)
    return heard[np.isin(heard, list(watched(heard, ctx)))]
