"""``sts_transfer``: two vessels within 500 m for >= 2 h, both under 2 kn, >= 10 km from any
port (Global Fishing Watch's encounter definition) and outside the learnt anchorages. Like
Global Fishing Watch, encounters between two fishing vessels are left out: they are pair
trawlers hauling their net side by side, not a transfer (a transfer needs a carrier, tanker
or cargo ship, or an unknown one).

Pairs come from a grid hash per time step: each slow position falls in a cell the size of
the distance threshold, and only the 3 x 3 cells around it are compared (never all pairs).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, longer, reason, track_evidence
from alerts.tracks import Steps, Tracks, grid_cells, runs
from surveillance.geodesy import haversine_m
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "close_pairs"]

NAME = "sts_transfer"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "2"
COLOUR = "#d62728"


class Settings(BaseRuleSettings):
    """Thresholds of ``sts_transfer``."""

    sts_max_distance_m: float = Field(default=500.0, gt=0)
    sts_min_duration_hours: float = Field(default=2.0, gt=0)
    sts_max_speed_knots: float = Field(default=2.0, gt=0)
    sts_min_port_distance_km: float = Field(default=10.0, ge=0)
    #: ship types (ITU) of which two together are no transfer: fishing (pair trawling)
    sts_exempt_pair_ship_types: tuple[int, ...] = (30,)


BASE_SCORE = 60
_AXIS = 1 << 21  # cell coordinates are shifted into [0, 2**21) and packed with the bin


def close_pairs(s: Steps, pick: np.ndarray, within_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Row pairs (i, j) among ``pick`` in the same time bin, ``within_m`` apart, mmsi i < j."""
    widest = float(np.abs(s.lat[pick]).max(initial=0.0))
    cx, cy = grid_cells(s.lon[pick], s.lat[pick], within_m, widest)
    cx, cy = cx - cx.min(initial=0) + 1, cy - cy.min(initial=0) + 1
    bins = s.bin[pick] - s.bin[pick].min(initial=0)
    key = (bins * _AXIS + cx) * _AXIS + cy
    order = np.argsort(key, kind="stable")
    key, pick = key[order], pick[order]
    left, right = [], []
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            lo = np.searchsorted(key, key + dx * _AXIS + dy, "left")
            hi = np.searchsorted(key, key + dx * _AXIS + dy, "right")
            n = hi - lo
            rows = np.repeat(np.arange(len(key)), n)
            starts = np.repeat(lo - np.cumsum(n) + n, n)
            left.append(pick[rows])
            right.append(pick[np.arange(len(rows)) + starts])
    i, j = np.concatenate(left), np.concatenate(right)
    keep = s.mmsi[i] < s.mmsi[j]
    i, j = i[keep], j[keep]
    near = haversine_m(s.lon[i], s.lat[i], s.lon[j], s.lat[j]) <= within_m
    return i[near], j[near]


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, s = ctx.settings.of(Settings), tracks.steps
    slow = np.flatnonzero(s.sog_knots < cfg.sts_max_speed_knots)
    away = ctx.coast.port_m(s.lon[slow], s.lat[slow]) >= cfg.sts_min_port_distance_km * 1000
    away &= ~ctx.anchorages.contains(s.lon[slow], s.lat[slow])  # anchorages are ports too
    i, j = close_pairs(s, slow[away], cfg.sts_max_distance_m)
    exempt = np.isin(ctx.ship_types(s.mmsi[i]), cfg.sts_exempt_pair_ship_types)
    exempt &= np.isin(ctx.ship_types(s.mmsi[j]), cfg.sts_exempt_pair_ship_types)
    i, j = i[~exempt], j[~exempt]
    order = np.lexsort((s.bin[i], s.mmsi[j], s.mmsi[i]))
    i, j = i[order], j[order]
    joined = (s.mmsi[i[1:]] == s.mmsi[i[:-1]]) & (s.mmsi[j[1:]] == s.mmsi[j[:-1]])
    joined &= np.diff(s.bin[i]) <= 2  # one missing step does not end an encounter
    first, last = runs(np.ones(len(i), bool), joined)
    alerts = []
    for a, b in zip(first, last, strict=True):
        hours = (s.t_s[i[b]] - s.t_s[i[a]]) / 3600.0  # from the first close step to the last
        if hours < cfg.sts_min_duration_hours:
            continue
        pair = (int(s.mmsi[i[a]]), int(s.mmsi[j[a]]))
        start, end = float(s.t_s[i[a]]), float(s.t_s[i[b]] + s.step_s)
        ii, jj = i[a : b + 1], j[a : b + 1]
        apart = haversine_m(s.lon[ii], s.lat[ii], s.lon[jj], s.lat[jj])
        alerts.append(
            AlertRecord(
                NAME,
                pair,
                start,
                end,
                float(np.median((s.lon[ii] + s.lon[jj]) / 2)),
                float(np.median((s.lat[ii] + s.lat[jj]) / 2)),
                [
                    reason(
                        BASE_SCORE,
                        f"within {cfg.sts_max_distance_m:g} m for {hours:.1f} h, "
                        f"both under {cfg.sts_max_speed_knots:g} kn, away from ports",
                    ),
                    *longer(hours - cfg.sts_min_duration_hours, 5),
                ],
                {
                    "duration_h": round(hours, 2),
                    "median_distance_m": round(float(np.median(apart))),
                    "min_distance_m": round(float(apart.min())),
                    "distance_m": [
                        [float(s.t_s[x]), round(float(d))] for x, d in zip(ii, apart, strict=True)
                    ],
                    "tracks": {str(m): track_evidence(tracks, m, start, end) for m in pair},
                },
            )
        )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: vessels reported slow away from ports, and their neighbours."""
    cfg, new = ctx.settings.of(Settings), delta.new
    slow = np.flatnonzero(new.sog_knots < cfg.sts_max_speed_knots)
    slow = slow[
        ctx.coast.port_m(new.lon[slow], new.lat[slow]) >= cfg.sts_min_port_distance_km * 1000
    ]
    near = delta.near(new.lon[slow], new.lat[slow], 2 * cfg.sts_max_distance_m)
    return np.union1d(new.mmsi[slow], near)
