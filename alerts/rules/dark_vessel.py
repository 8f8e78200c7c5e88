"""``dark_vessel``: a ship seen by a satellite, or by a drone, with no AIS vessel that could
have been there.

Matching (alerts/matching.py, run by the engine before the rules) places every AIS vessel
at the image time and gives each detection at most one of them; a detection left over,
confident and offshore, is ``dark``. Each such detection is one alert, at the ship and the
image time, keyed by the detection: its evidence is the detection (whose chip the
dashboard shows) and the AIS vessels nearest to it. A drone sighting is a detection like
a SAR one (no scene, no footprint: it is matched where it was seen). The matching's
thresholds are this rule's settings too.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from pydantic import Field

from alerts.follow_state import Delta
from alerts.matching import MatchSettings
from alerts.rules.base import AlertRecord, Reason, Row, RuleContext, reason, rounded
from alerts.tracks import Tracks
from surveillance.geodesy import NM_M

__all__ = ["NAME", "VERSION", "COLOUR", "Settings", "detect", "wakes", "detection_key", "evidence"]

NAME = "dark_vessel"
#: Stored with every alert of this rule; bump it when the logic changes.
VERSION = "1"
COLOUR = "#9467bd"


class Settings(MatchSettings):
    """Thresholds of ``dark_vessel`` (and, inherited, of the matching that finds them)."""

    #: no AIS vessel nearer than this: surely no vessel that could have been there
    dark_vessel_clear_distance_km: float = Field(default=5.0, gt=0)
    #: beyond the territorial sea: no coastal traffic to blame
    dark_vessel_far_offshore_nm: float = Field(default=12.0, ge=0)
    #: this long or more: a ship that must carry AIS (about 300 GT)
    dark_vessel_large_length_m: float = Field(default=45.0, gt=0)


BASE_SCORE = 40
CONFIDENCE_POINTS = 20
CLEAR_POINTS = 10
OFFSHORE_POINTS = 10
SIZE_POINTS = 15


#: who saw the ship, by the detection's source, for the reasons
SEEN_BY = {"sar": "satellite", "optical": "satellite", "drone": "a drone"}


def detection_key(row: Row) -> str:
    """The alert key of a detection: its own key (scene hash and number), else its id."""
    return str(row["key"]) if row["key"] else f"detection:{int(row['id'])}"


def _reasons(row: Row, cfg: Settings) -> list[Reason]:
    near: list[dict[str, Any]] = row["near_vessels"]
    nearest_m = min((float(v["distance_m"]) for v in near), default=np.inf)
    seen_by = SEEN_BY.get(str(row["source"]), "a sensor")
    found = [reason(BASE_SCORE, f"a ship seen by {seen_by} with no AIS vessel that could be it")]
    confidence = float(row["confidence"])
    spare = (confidence - cfg.dark_min_confidence) / max(1e-9, 1 - cfg.dark_min_confidence)
    if spare * CONFIDENCE_POINTS >= 1:
        found.append(reason(CONFIDENCE_POINTS * spare, f"detection confidence {confidence:.2f}"))
    if nearest_m >= cfg.dark_vessel_clear_distance_km * 1000:
        where = "none heard" if not near else f"the nearest {nearest_m / 1000:.1f} km away"
        found.append(reason(CLEAR_POINTS, f"no AIS vessel nearby ({where})"))
    offshore_m = row["coast_distance_m"]
    if pd.isna(offshore_m) or offshore_m >= cfg.dark_vessel_far_offshore_nm * NM_M:
        found.append(
            reason(OFFSHORE_POINTS, f"{cfg.dark_vessel_far_offshore_nm:g}+ nm from the coast")
        )
    if row["length_m"] >= cfg.dark_vessel_large_length_m:
        found.append(
            reason(SIZE_POINTS, f"about {row['length_m']:.0f} m long: a ship this size carries AIS")
        )
    return found


def evidence(row: Row) -> dict[str, Any]:
    """What an alert on a detection keeps of it (the chip stays in the store, by id)."""
    return {
        "detection_id": int(row["id"]),
        "source": str(row["source"]),
        "scene_id": None if pd.isna(row["scene_id"]) else int(row["scene_id"]),
        "confidence": rounded(row["confidence"], 3),
        "length_m": rounded(row["length_m"]),
        "heading_deg": rounded(row["heading_deg"]),
        "coast_distance_m": rounded(row["coast_distance_m"], 0),
        "near_vessels": list(row["near_vessels"]),
    }


def detect(tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]:
    cfg, seen = ctx.settings.of(Settings), ctx.detections
    return [
        AlertRecord(
            NAME,
            (),
            float(row["ts_s"]),
            float(row["ts_s"]),
            float(row["lon"]),
            float(row["lat"]),
            _reasons(row, cfg),
            evidence(row),
            key=detection_key(row),
        )
        for row in seen[seen["dark"].astype(bool)].to_dict("records")
    ]


def wakes(delta: Delta, ctx: RuleContext) -> np.ndarray:
    """For ``detect --follow``: none. A dark vessel names no AIS vessel, and whether it is
    dark is decided by the matching each full run does again."""
    return np.zeros(0, np.int64)
