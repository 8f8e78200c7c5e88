"""``identity_anomaly``: impossible implied speed, one MMSI in two places at once,
positions on land, name / call sign / IMO changes, and identities that take turns on one
MMSI (two ships sharing it: one alert, not one per static message).

Jumps (implied speed above ``max_implied_speed_knots`` over ``identity_min_jump_km``) are
grouped into episodes; an episode of many back-and-forth jumps is one MMSI used by two
transmitters, a single out-and-back is a spoofed or broken position. Invalid MMSIs and
MIDs never reach the store: the ingester quarantines them (``invalid_mmsi``, ``unknown_mid``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import AlertRecord, RuleContext, reason
from alerts.tracks import Tracks, runs, vessel_slice
from surveillance.geodesy import KNOT_MS, haversine_m
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes"]

NAME = "identity_anomaly"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "2"
COLOUR = "#7f7f7f"


class Settings(BaseRuleSettings):
    """Thresholds of ``identity_anomaly``."""

    identity_two_places_min_jumps: int = Field(default=4, ge=2)
    identity_episode_gap_hours: float = Field(default=1.0, gt=0)
    identity_min_inland_km: float = Field(default=2.0, gt=0)
    identity_min_land_reports: int = Field(default=6, ge=1)
    #: returns to an identity sent before that make an MMSI shared (A, B, A, B: two)
    identity_shared_min_returns: int = Field(default=2, ge=1)


_FIELDS = ("name", "callsign", "imo")


def _jumps(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, p = ctx.settings.of(Settings), tracks.pos
    at = np.flatnonzero(tracks.jumps)
    joined = p.mmsi[at[1:]] == p.mmsi[at[:-1]]
    joined &= np.diff(p.t_s[at]) <= cfg.identity_episode_gap_hours * 3600
    alerts = []
    for a, b in zip(*runs(np.ones(len(at), bool), joined), strict=True):
        steps = at[a : b + 1]
        count = len(steps)
        two_places = count >= cfg.identity_two_places_min_jumps
        kind = "mmsi_in_two_places" if two_places else "impossible_jump"
        i = steps[0]
        fastest = float(tracks.implied_knots[steps].max())
        far_km = tracks.step_m[steps].max() / 1000
        text = (
            f"{count} jumps between places {far_km:.0f} km apart: two transmitters, one MMSI"
            if two_places
            else f"jumped {far_km:.0f} km at an implied {fastest:.0f} kn"
        )
        alerts.append(
            AlertRecord(
                NAME,
                (int(p.mmsi[i]),),
                float(p.t_s[i]),
                float(p.t_s[steps[-1] + 1]),
                float(p.lon[i]),
                float(p.lat[i]),
                [reason(70 if two_places else 50, text)],
                {
                    "kind": kind,
                    "jumps": count,
                    "max_implied_knots": round(fastest),
                    "examples": [
                        [
                            float(p.t_s[k]),
                            float(p.lon[k]),
                            float(p.lat[k]),
                            float(p.lon[k + 1]),
                            float(p.lat[k + 1]),
                        ]
                        for k in steps[:20]
                    ],
                },
                key=kind,
            )
        )
    return alerts


def _on_land(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, s = ctx.settings.of(Settings), tracks.steps
    inland = np.flatnonzero(ctx.coast.shore_m(s.lon, s.lat) >= cfg.identity_min_inland_km * 1000)
    # a run long enough to count holds a sampled step: test those first, then their vessels
    sample = inland[:: max(1, cfg.identity_min_land_reports // 2)]
    suspects = np.unique(s.mmsi[sample[ctx.coast.on_land(s.lon[sample], s.lat[sample])]])
    inland = inland[np.isin(s.mmsi[inland], suspects)]
    inland = inland[ctx.coast.on_land(s.lon[inland], s.lat[inland])]
    inland = inland[ctx.coast.port_m(s.lon[inland], s.lat[inland]) > ctx.port_area_m]
    mask = np.zeros(len(s), bool)
    mask[inland] = True
    alerts = []
    for a, b in zip(*runs(mask, s.next_joined), strict=True):
        if b - a + 1 < cfg.identity_min_land_reports:
            continue
        alerts.append(
            AlertRecord(
                NAME,
                (int(s.mmsi[a]),),
                float(s.t_s[a]),
                float(s.t_s[b] + s.step_s),
                float(s.lon[a]),
                float(s.lat[a]),
                [reason(45, f"{b - a + 1} positions {cfg.identity_min_inland_km:g}+ km inland")],
                {
                    "kind": "on_land",
                    "positions": [
                        [float(s.t_s[k]), float(s.lon[k]), float(s.lat[k])]
                        for k in range(a, min(b + 1, a + 20))
                    ],
                },
                key="on_land",
            )
        )
    return alerts


def _identity_changes(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    """An alert per change of name, call sign or IMO; one alert for an MMSI whose
    identities take turns (two ships sharing it), not one per turn."""
    ids = ctx.identities.sort_values(["mmsi", "valid_from"], kind="stable")
    if ids.empty:
        return []
    ids = ids.assign(imo=ids["imo"].astype("Int64"))  # read back as float when NULLs are mixed in
    changes = pd.Series("", index=ids.index)
    held = pd.Series("", index=ids.index)  # the identity in force after each row
    for field in _FIELDS:
        value = ids[field].where(~ids[field].isin(["", 0]))
        now = value.groupby(ids["mmsi"]).ffill()
        before = now.groupby(ids["mmsi"]).shift()
        changed = value.notna() & before.notna() & (value != before)
        changes[changed] += (
            field + " " + before[changed].astype(str) + " -> " + value[changed].astype(str) + "; "
        )
        held += field + " " + now.astype(str).where(now.notna(), "?") + ", "
    since_epoch = pd.to_datetime(ids["valid_from"], utc=True) - pd.Timestamp(0, tz="UTC")
    when_s = (since_epoch / pd.Timedelta(seconds=1)).to_numpy()
    texts, vessels = changes.to_numpy(dtype=str), ids["mmsi"].to_numpy()
    back = (texts != "") & pd.DataFrame({"m": vessels, "id": held}).duplicated().to_numpy()
    returns = pd.Series(vessels[back]).value_counts()
    min_returns = ctx.settings.of(Settings).identity_shared_min_returns
    taking_turns = set(returns.index[returns >= min_returns].tolist())
    alerts = []
    for k in np.flatnonzero((texts != "") & (when_s >= ctx.since_s)):
        mmsi, when, text = int(vessels[k]), float(when_s[k]), str(texts[k]).rstrip("; ")
        lon, lat = _last_position(tracks, mmsi, when)
        if mmsi in taking_turns or np.isnan(lon):  # not seen: nowhere to put it on the map
            continue
        alerts.append(
            AlertRecord(
                NAME,
                (mmsi,),
                when,
                when,
                lon,
                lat,
                [
                    reason(
                        50 if text.startswith("imo ") or "; imo " in text else 40,
                        f"identity changed: {text}",
                    )
                ],
                {"kind": "identity_change", "changes": text.split("; ")},
                key=f"identity_change:{when:.0f}",
            )
        )
    for mmsi in sorted(taking_turns):
        turns = np.flatnonzero((vessels == mmsi) & (texts != "") & (when_s >= ctx.since_s))
        alert = _shared(tracks, mmsi, when_s[turns], held.to_numpy(dtype=str)[vessels == mmsi])
        if alert is not None:
            alerts.append(alert)
    return alerts


def _shared(tracks: Tracks, mmsi: int, turns_s: np.ndarray, held: np.ndarray) -> AlertRecord | None:
    """One alert for an MMSI whose identities take turns (``turns_s``: when, in the window)."""
    if not len(turns_s):
        return None
    lon, lat = _last_position(tracks, mmsi, float(turns_s[0]))
    if np.isnan(lon):
        return None
    identities = [h.rstrip(", ") for h in dict.fromkeys(held)]
    return AlertRecord(
        NAME,
        (mmsi,),
        float(turns_s[0]),
        float(turns_s[-1]),
        lon,
        lat,
        [
            reason(
                60,
                f"{len(identities)} identities take turns on one MMSI ({len(turns_s)} "
                "changes back and forth): two ships share it",
            )
        ],
        {"kind": "shared_mmsi", "identities": identities, "turns": len(turns_s)},
        key="shared_mmsi",
    )


def _last_position(tracks: Tracks, mmsi: int, t_s: float) -> tuple[float, float]:
    p = tracks.pos
    rows = vessel_slice(p.mmsi, mmsi)
    lo, hi = rows.start, rows.stop
    if lo == hi:
        return float("nan"), float("nan")
    k = min(hi - 1, lo + max(0, int(np.searchsorted(p.t_s[lo:hi], t_s)) - 1))
    return float(p.lon[k]), float(p.lat[k])


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    return [*_jumps(tracks, ctx), *_on_land(tracks, ctx), *_identity_changes(tracks, ctx)]


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: vessels with an impossible step, a report inland or a new
    identity."""
    cfg, new = ctx.settings.of(Settings), delta.new
    step_m = haversine_m(delta.prev_lon, delta.prev_lat, new.lon, new.lat)
    dt_s = np.maximum(new.t_s - delta.prev_t_s, 1.0)
    with np.errstate(invalid="ignore"):
        jump = (step_m > cfg.identity_min_jump_km * 1000) & (
            step_m / dt_s / KNOT_MS > cfg.max_implied_speed_knots
        )
    inland = ctx.coast.on_land(new.lon, new.lat)
    inland[inland] = (
        ctx.coast.shore_m(new.lon[inland], new.lat[inland]) >= cfg.identity_min_inland_km * 1000
    )
    since_epoch = pd.to_datetime(ctx.identities["valid_from"], utc=True) - pd.Timestamp(0, tz="UTC")
    renamed = ctx.identities["mmsi"].to_numpy()[
        (since_epoch / pd.Timedelta(seconds=1)).to_numpy() >= ctx.since_s
    ]
    return np.union1d(np.unique(new.mmsi[jump | inland]), renamed.astype(np.int64))
