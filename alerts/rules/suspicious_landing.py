"""``suspicious_landing``: a vessel comes in from offshore, stops near the shore outside
every port (>= 10 min under 2 kn within 1 km of land) and leaves, or its track ends there.

"Comes in from offshore": looking back from the stop, the vessel was 5+ km from shore
before it was last in a port area; boats that leave a harbour and idle along the coast do
not count. Night (the sun below the horizon there and then) and small craft raise the score.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, reason, track_evidence
from alerts.sun import is_night
from alerts.tracks import Tracks, runs, vessel_slice
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes"]

NAME = "suspicious_landing"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#8c564b"


class Settings(BaseRuleSettings):
    """Thresholds of ``suspicious_landing``."""

    landing_max_shore_distance_km: float = Field(default=1.0, gt=0)
    landing_min_stop_minutes: float = Field(default=10.0, gt=0)
    landing_max_speed_knots: float = Field(default=2.0, gt=0)
    landing_min_offshore_km: float = Field(default=5.0, gt=0)
    landing_approach_hours: float = Field(default=3.0, gt=0)
    landing_small_craft_max_length_m: float = Field(default=24.0, gt=0)


BASE_SCORE = 50
_SMALL_CRAFT_TYPES = (36, 37)  # sailing, pleasure


def _came_from_offshore(tracks: Tracks, ctx: RuleContext, first: int, port_m: float) -> bool:
    cfg, p = ctx.settings.of(Settings), tracks.pos
    lo = vessel_slice(p.mmsi, int(p.mmsi[first])).start
    t_from = p.t_s[first] - cfg.landing_approach_hours * 3600
    lo = max(lo, int(np.searchsorted(p.t_s[lo:first], t_from)) + lo)
    if lo >= first:
        return False
    lon, lat = p.lon[lo:first], p.lat[lo:first]
    offshore = np.flatnonzero(ctx.coast.shore_m(lon, lat) >= cfg.landing_min_offshore_km * 1000)
    in_port = np.flatnonzero(ctx.coast.port_m(lon, lat) <= port_m)
    return bool(len(offshore)) and (not len(in_port) or offshore[-1] > in_port[-1])


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, p = ctx.settings.of(Settings), tracks.pos
    port_m = ctx.port_area_m
    slow = np.flatnonzero(p.sog_knots < cfg.landing_max_speed_knots)
    slow = slow[ctx.coast.port_m(p.lon[slow], p.lat[slow]) > port_m]
    near = slow[
        ctx.coast.shore_m(p.lon[slow], p.lat[slow]) <= cfg.landing_max_shore_distance_km * 1000
    ]
    stopped = np.zeros(len(p), bool)
    stopped[near] = True
    joined = tracks.same_vessel & (tracks.dt_s <= cfg.landing_min_stop_minutes * 60)
    first, last = runs(stopped, joined)
    long_enough = p.t_s[last] - p.t_s[first] >= cfg.landing_min_stop_minutes * 60
    alerts = []
    for a, b in zip(first[long_enough], last[long_enough], strict=True):
        if not _came_from_offshore(tracks, ctx, int(a), port_m):
            continue
        mmsi, start, end = int(p.mmsi[a]), float(p.t_s[a]), float(p.t_s[b])
        lon, lat = float(np.median(p.lon[a : b + 1])), float(np.median(p.lat[a : b + 1]))
        minutes = (end - start) / 60
        reasons = [
            reason(
                BASE_SCORE,
                f"stopped {minutes:.0f} min within "
                f"{cfg.landing_max_shore_distance_km:g} km of shore, outside every "
                "port, after coming in from offshore",
            )
        ]
        night = bool(is_night(np.array([(start + end) / 2]), np.array([lon]), np.array([lat]))[0])
        if night:
            reasons.append(reason(25, "at night (sun below the horizon)"))
        vessel = ctx.vessels.loc[mmsi] if mmsi in ctx.vessels.index else None
        small = vessel is not None and (
            (vessel["length_m"] or 1e9) <= cfg.landing_small_craft_max_length_m
            or vessel["ship_type"] in _SMALL_CRAFT_TYPES
        )
        if small:
            reasons.append(reason(10, "small craft"))
        last_report = b == len(p) - 1 or p.mmsi[b + 1] != mmsi
        track_ended = last_report and ctx.now_s - end >= cfg.landing_min_stop_minutes * 60
        alerts.append(
            AlertRecord(
                NAME,
                (mmsi,),
                start,
                end,
                lon,
                lat,
                reasons,
                {
                    "stop_minutes": round(minutes, 1),
                    "night": night,
                    "small_craft": small,
                    "track_ends_there": bool(track_ended),
                    "tracks": {str(mmsi): track_evidence(tracks, mmsi, start - 3600, end + 3600)},
                },
            )
        )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: vessels newly reported slow near the shore, out of port."""
    cfg, new = ctx.settings.of(Settings), delta.new
    slow = np.flatnonzero(new.sog_knots < cfg.landing_max_speed_knots)
    slow = slow[ctx.coast.port_m(new.lon[slow], new.lat[slow]) > ctx.port_area_m]
    shore_m = ctx.coast.shore_m(new.lon[slow], new.lat[slow])
    return np.unique(new.mmsi[slow[shore_m <= cfg.landing_max_shore_distance_km * 1000]])
