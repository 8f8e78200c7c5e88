"""``dark_rendezvous``: a slow or loitering AIS vessel with a ship beside it that AIS does
not explain, within 1 km at the image time: the ship-to-ship transfer in which one partner
is dark.

Matching (alerts/matching.py) has already given every detection its nearest AIS vessels
at the image time; a detection no vessel took (of any confidence above a floor, away from
ports and anchorages) raises one alert on its nearest slow vessel in reach. The vessel is
slow when its median speed around the image time is under the threshold (its reported or
implied speed at the image time when its track does not reach it).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from pydantic import Field

from alerts.follow_state import Delta
from alerts.rules.base import (
    AlertRecord,
    Row,
    RuleContext,
    reason,
    rounded,
    track_evidence,
)
from alerts.rules.dark_vessel import detection_key, evidence
from alerts.tracks import Tracks, vessel_slice
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes"]

NAME = "dark_rendezvous"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#e377c2"


class Settings(BaseRuleSettings):
    """Thresholds of ``dark_rendezvous``."""

    dark_rendezvous_max_distance_m: float = Field(default=1000.0, gt=0)
    dark_rendezvous_max_speed_knots: float = Field(default=3.0, gt=0)
    dark_rendezvous_min_confidence: float = Field(default=0.3, ge=0, le=1)
    dark_rendezvous_min_port_distance_km: float = Field(default=10.0, ge=0)
    #: the vessel's speed is judged, and its track kept, this long either side of the image
    dark_rendezvous_window_minutes: float = Field(default=30.0, gt=0)


BASE_SCORE = 55
ALONGSIDE_M = 300.0
ALONGSIDE_POINTS = 10
CONFIDENCE_POINTS = 15


def _speed_knots(tracks: Tracks, mmsi: int, t0_s: float, t1_s: float, at_image: Any) -> float:
    """The vessel's median speed over the span (its speed at the image time without one)."""
    s = tracks.steps
    rows = vessel_slice(s.mmsi, mmsi)
    t = s.t_s[rows]
    sog = s.sog_knots[rows][(t >= t0_s) & (t <= t1_s)]
    sog = sog[np.isfinite(sog)]
    if len(sog):
        return float(np.median(sog))
    return np.inf if at_image is None else float(at_image)


def _partner(
    row: Row, tracks: Tracks, cfg: Settings, half_s: float
) -> tuple[dict[str, Any], float] | None:
    """The nearest AIS vessel in reach of the detection that is slow, and its speed; none
    when a vessel left free could be the detection itself (matching doubted only its
    length)."""
    t = float(row["ts_s"])
    if any(v.get("could_be") for v in row["near_vessels"]):
        return None
    for vessel in sorted(row["near_vessels"], key=lambda v: float(v["distance_m"])):
        if float(vessel["distance_m"]) > cfg.dark_rendezvous_max_distance_m:
            return None
        mmsi = int(vessel["mmsi"])
        sog = _speed_knots(tracks, mmsi, t - half_s, t + half_s, vessel.get("sog_knots"))
        if sog < cfg.dark_rendezvous_max_speed_knots:
            return vessel, sog
    return None


def _candidates(ctx: RuleContext, cfg: Settings) -> Sequence[Row]:
    """Detections AIS does not explain, confident enough, away from ports and anchorages."""
    seen = ctx.detections
    pick = seen[
        seen["matched_mmsi"].isna()
        & (seen["confidence"].astype(float) >= cfg.dark_rendezvous_min_confidence)
    ]
    lon, lat = pick["lon"].to_numpy(float), pick["lat"].to_numpy(float)
    away = ctx.coast.port_m(lon, lat) >= cfg.dark_rendezvous_min_port_distance_km * 1000
    away &= ~ctx.anchorages.contains(lon, lat)
    return pick[away].to_dict("records")


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg = ctx.settings.of(Settings)
    half_s = cfg.dark_rendezvous_window_minutes * 60
    heard = set(np.unique(tracks.steps.mmsi).tolist())
    alerts = []
    for row in _candidates(ctx, cfg):
        found = _partner(row, tracks, cfg, half_s)
        if found is None or int(found[0]["mmsi"]) not in heard:
            continue
        vessel, sog = found
        mmsi, t, apart_m = int(vessel["mmsi"]), float(row["ts_s"]), float(vessel["distance_m"])
        confidence = float(row["confidence"])
        reasons = [
            reason(
                BASE_SCORE,
                f"a ship AIS does not explain {apart_m:.0f} m from a vessel at {sog:.1f} kn",
            )
        ]
        if apart_m <= ALONGSIDE_M:
            reasons.append(reason(ALONGSIDE_POINTS, f"alongside: within {ALONGSIDE_M:g} m"))
        if confidence * CONFIDENCE_POINTS >= 1:
            reasons.append(
                reason(CONFIDENCE_POINTS * confidence, f"detection confidence {confidence:.2f}")
            )
        alerts.append(
            AlertRecord(
                NAME,
                (mmsi,),
                t - half_s,
                t + half_s,
                float(row["lon"]),
                float(row["lat"]),
                reasons,
                {
                    **evidence(row),
                    "image_time_s": t,
                    "distance_m": round(apart_m, 1),
                    "vessel_sog_knots": rounded(sog),
                    "tracks": {str(mmsi): track_evidence(tracks, mmsi, t - half_s, t + half_s)},
                },
                key=detection_key(row),
            )
        )
    return alerts


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: newly heard vessels that an unexplained detection has in
    reach (only they can be its partner)."""
    cfg = ctx.settings.of(Settings)
    seen = ctx.detections[ctx.detections["matched_mmsi"].isna()]
    partners = [
        int(v["mmsi"])
        for near in seen["near_vessels"]
        for v in near
        if float(v["distance_m"]) <= cfg.dark_rendezvous_max_distance_m
    ]
    return np.intersect1d(np.unique(delta.new.mmsi), np.array(partners, np.int64))
