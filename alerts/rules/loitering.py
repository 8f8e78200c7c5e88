"""``loitering``: one vessel under 2 kn for >= 4 h, >= 20 nm from shore, outside the
learnt anchorages (waiting at anchor is what they are for).

Work boats (fishing, tugs, pilots, dredgers...) are slow at sea by trade and are left out;
an STS pair loiters too, and the engine lets its ``sts_transfer`` alert stand for both.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, longer, reason, track_evidence
from alerts.tracks import Tracks, runs
from surveillance.geodesy import NM_M
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes"]

NAME = "loitering"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "2"
COLOUR = "#ff7f0e"
#: Ship types (ITU) for which slow work at sea is the job: fishing, towing, dredging,
#: diving, military, pilot, search and rescue, tugs, port tenders, law enforcement.
WORKBOATS = (30, 31, 32, 33, 34, 35, 50, 51, 52, 53, 55)


class Settings(BaseRuleSettings):
    """Thresholds of ``loitering``."""

    loitering_max_speed_knots: float = Field(default=2.0, gt=0)
    loitering_min_duration_hours: float = Field(default=4.0, gt=0)
    loitering_min_shore_distance_nm: float = Field(default=20.0, ge=0)
    loitering_exempt_ship_types: tuple[int, ...] = WORKBOATS


BASE_SCORE = 40


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, s = ctx.settings.of(Settings), tracks.steps
    slow = s.sog_knots < cfg.loitering_max_speed_knots
    slow &= ~np.isin(ctx.ship_types(s.mmsi), cfg.loitering_exempt_ship_types)
    slow &= ~ctx.anchorages.contains(s.lon, s.lat)
    idx = np.flatnonzero(slow)
    far = np.zeros(len(s), bool)
    far[idx] = (
        ctx.coast.shore_m(s.lon[idx], s.lat[idx]) >= cfg.loitering_min_shore_distance_nm * NM_M
    )
    first, last = runs(far, s.next_joined)
    hours = (s.t_s[last] - s.t_s[first]) / 3600.0  # from the first slow step to the last
    alerts = []
    for a, b, h in zip(first, last, hours, strict=True):
        if h < cfg.loitering_min_duration_hours:
            continue
        mmsi, start, end = int(s.mmsi[a]), float(s.t_s[a]), float(s.t_s[b] + s.step_s)
        alerts.append(
            AlertRecord(
                NAME,
                (mmsi,),
                start,
                end,
                float(np.median(s.lon[a : b + 1])),
                float(np.median(s.lat[a : b + 1])),
                [
                    reason(
                        BASE_SCORE,
                        f"under {cfg.loitering_max_speed_knots:g} kn for {h:.1f} h, "
                        f"{cfg.loitering_min_shore_distance_nm:g}+ nm from shore",
                    ),
                    *longer(h - cfg.loitering_min_duration_hours, 2),
                ],
                {
                    "duration_h": round(h, 2),
                    "mean_sog_knots": round(float(np.mean(s.sog_knots[a : b + 1])), 2),
                    "tracks": {str(mmsi): track_evidence(tracks, mmsi, start, end)},
                },
            )
        )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: vessels newly reported slow far from shore."""
    cfg, new = ctx.settings.of(Settings), delta.new
    slow = np.flatnonzero(new.sog_knots < cfg.loitering_max_speed_knots)
    shore_m = ctx.coast.shore_m(new.lon[slow], new.lat[slow])
    far = shore_m >= cfg.loitering_min_shore_distance_nm * NM_M
    return np.unique(new.mmsi[slow[far]])
