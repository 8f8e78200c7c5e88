"""Ships seen by a sensor, as the rules read them (``RuleContext.detections``): one row per
detection, its AIS match and nearest vessels written out by hand."""

from __future__ import annotations

from typing import Any

import pandas as pd

from alerts.rules.base import DETECTION_FRAME_COLUMNS
from tests.builders.clock import HOUR_S, MIDNIGHT_S

__all__ = ["seen", "ship", "vessel_near"]


def ship(
    where: tuple[float, float], hour: float = 4.0, number: int = 1, **fields: Any
) -> dict[str, Any]:
    """One detection at ``where`` in a scene taken ``hour`` hours after midnight: 60 m long,
    confident, far offshore, unmatched and not (yet) called dark unless told."""
    return {
        "id": number,
        "scene_id": 1,
        "source": "sar",
        "ts_s": MIDNIGHT_S + hour * HOUR_S,
        "lon": where[0],
        "lat": where[1],
        "length_m": 60.0,
        "heading_deg": 30.0,
        "confidence": 0.9,
        "coast_distance_m": 40_000.0,
        "matched_mmsi": None,
        "match_distance_m": float("nan"),
        "dark": False,
        "near_vessels": [],
        "key": f"{'c' * 64}:{number}",
        **fields,
    }


def vessel_near(mmsi: int, distance_m: float, sog_knots: float = 1.0) -> dict[str, Any]:
    """An AIS vessel as matching lists it beside a detection."""
    return {
        "mmsi": mmsi,
        "distance_m": distance_m,
        "offset_s": 30.0,
        "predicted": False,
        "sog_knots": sog_knots,
        "ais_length_m": None,
        "sar_length_m": 60.0,
        "length_ratio": None,
        "matched": False,
        "could_be": False,
    }


def seen(*ships: dict[str, Any]) -> pd.DataFrame:
    """The detections as one frame of the context's columns."""
    frame = pd.DataFrame(list(ships), columns=list(DETECTION_FRAME_COLUMNS))
    return frame.astype({"matched_mmsi": "Int64", "dark": bool})
