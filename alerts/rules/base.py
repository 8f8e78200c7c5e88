"""What every rule takes and gives: a context in, alert records out."""

from __future__ import annotations

from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

import geopandas as gpd
import numpy as np
import pandas as pd

from alerts.anchorages import Anchorages
from alerts.coast import Coast
from alerts.coverage import ReceptionHistory, StationOutages
from alerts.follow_state import Delta
from alerts.tracks import Tracks, vessel_slice
from surveillance.rule_settings import BaseRuleSettings

__all__ = [
    "AlertRecord",
    "RuleContext",
    "Rule",
    "Wakes",
    "Reads",
    "Reason",
    "reason",
    "longer",
    "track_evidence",
    "rounded",
    "Row",
    "DETECTION_FRAME_COLUMNS",
    "LEAD_FRAME_COLUMNS",
    "no_detections",
    "no_leads",
    "no_scenes",
]

#: The columns of ``RuleContext.detections``: one row per ship a sensor saw, with what
#: matching against AIS said of it (alerts/matching.py); ``ts_s`` is the image time,
#: ``source`` the sensor (``sar``, ``optical``; ``drone``: a sighting, with no scene).
DETECTION_FRAME_COLUMNS = (
    "id",
    "scene_id",
    "source",
    "ts_s",
    "lon",
    "lat",
    "length_m",
    "heading_deg",
    "confidence",
    "coast_distance_m",
    "matched_mmsi",
    "match_distance_m",
    "dark",
    "near_vessels",
    "key",
)


def no_detections() -> pd.DataFrame:
    """A detections frame with no rows (a context without sensor images)."""
    frame = pd.DataFrame({c: pd.Series(dtype=float) for c in DETECTION_FRAME_COLUMNS})
    return frame.astype(
        {
            "id": "int64",
            "source": str,
            "matched_mmsi": "Int64",
            "dark": bool,
            "near_vessels": object,
            "key": str,
        }
    )


#: The columns of ``RuleContext.leads``: one row per web lead that bears on the window
#: (alerts/leads.py builds it from the stored entities). ``ts_s`` is when it was posted (or
#: first fetched); ``mmsi`` the vessels it names (a list; ``imo``, ``callsigns`` and
#: ``names`` what it names that the store may not have resolved); ``times`` the ts_s of its
#: ``time`` entities and ``time_texts`` each as written; ``points`` the places and positions
#: it names, each ``(lon, lat, what)``; ``score`` its smuggling-vocabulary score (0-100).
LEAD_FRAME_COLUMNS = (
    "id",
    "url",
    "source",
    "ts_s",
    "lon",
    "lat",
    "mmsi",
    "imo",
    "callsigns",
    "names",
    "times",
    "time_texts",
    "points",
    "score",
)


def no_leads() -> pd.DataFrame:
    """A leads frame with no rows (a context without web leads)."""
    frame = pd.DataFrame({c: pd.Series(dtype=object) for c in LEAD_FRAME_COLUMNS})
    return frame.astype({"id": "int64", "ts_s": float, "lon": float, "lat": float, "score": int})


def no_scenes() -> gpd.GeoDataFrame:
    """A scenes frame with no rows: ``id, ts_s, sensor`` and the footprint."""
    return gpd.GeoDataFrame({"id": [], "ts_s": [], "sensor": []}, geometry=[], crs=4326)


Row = Mapping[Hashable, Any]  # one row of a frame, as ``to_dict("records")`` gives it
Reason = dict[str, Any]  # {"points": 60, "reason": "two vessels within 500 m for 3.2 h"}


@dataclass
class AlertRecord:
    """One alert as a rule sees it; the engine scores it, gives it an id and stores it."""

    type: str
    mmsi: tuple[int, ...]
    start_s: float
    end_s: float | None  # None: still going on (an open AIS gap)
    lon: float
    lat: float
    reasons: list[Reason]  # what the score is made of; the engine adds corroboration
    evidence: dict[str, Any] = field(default_factory=dict)
    key: str = ""  # tells apart alerts of one rule on the same vessels (zone, kind)

    @property
    def score(self) -> int:
        return max(0, min(100, sum(int(r["points"]) for r in self.reasons)))


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at besides the tracks; no store, no clock."""

    now_s: float
    since_s: float  # alerts that end before this belong to an earlier window
    settings: BaseRuleSettings
    port_area_m: float  # a position this close to a port is in port
    coast: Coast
    vessels: pd.DataFrame  # index mmsi: name, callsign, imo, ship_type, flag, length_m
    zones: gpd.GeoDataFrame  # kind, name, geometry (EPSG:4326)
    watchlisted: dict[int, list[str]]  # vessels on the watchlist, and why (alerts.watch)
    identities: pd.DataFrame  # mmsi, valid_from, name, callsign, imo (oldest first)
    #: AIS gaps stored as still open: (mmsi, start_s, lon, lat) of where each fell silent
    open_gaps: list[tuple[int, float, float, float]] = field(default_factory=list)
    #: the stored reception map before the window (alerts/coverage.py)
    reception: ReceptionHistory = field(default_factory=ReceptionHistory)
    #: the learnt anchorages, exempt like ports (alerts/anchorages.py)
    anchorages: Anchorages = field(default_factory=Anchorages)
    #: outages of single stations, and which stations heard where (alerts/coverage.py)
    station_outages: StationOutages = field(default_factory=StationOutages)
    #: ships seen by sensors (SAR scenes, drone sightings), matched to AIS:
    #: :data:`DETECTION_FRAME_COLUMNS`
    detections: pd.DataFrame = field(default_factory=no_detections)
    #: the images they come from: ``id, ts_s, sensor``, geometry the footprint
    scenes: gpd.GeoDataFrame = field(default_factory=no_scenes)
    #: web leads that bear on the window: :data:`LEAD_FRAME_COLUMNS`
    leads: pd.DataFrame = field(default_factory=no_leads)

    def ship_types(self, mmsi: np.ndarray) -> np.ndarray:
        """Ship type per MMSI (0 when unknown)."""
        known = self.vessels["ship_type"].fillna(0).astype(int)
        return known.reindex(mmsi).fillna(0).astype(int).to_numpy()


def reason(points: float, text: str) -> Reason:
    return {"points": int(round(points)), "reason": text}


def rounded(value: Any, digits: int = 1) -> float | None:
    """A number for the evidence: rounded, or None when unknown (NaN, NA)."""
    return None if value is None or pd.isna(value) else round(float(value), digits)


def longer(extra_hours: float, points_per_hour: float, cap: float = 20) -> list[Reason]:
    """Points for lasting past the threshold (none at the threshold itself)."""
    points = min(cap, points_per_hour * extra_hours)
    return (
        [reason(points, f"long: {points_per_hour:g} an hour past the threshold")]
        if points >= 1
        else []
    )


class Rule(Protocol):
    def __call__(self, tracks: Tracks, ctx: RuleContext) -> list[AlertRecord]: ...


class Reads(Protocol):
    """The vessels (MMSIs) whose tracks a rule that looks at the whole window reads."""

    def __call__(self, ctx: RuleContext) -> np.ndarray: ...


class Wakes(Protocol):
    """The vessels (MMSIs) whose findings a cycle's new reports may change."""

    def __call__(self, delta: Delta, ctx: RuleContext) -> np.ndarray: ...


def track_evidence(
    tracks: Tracks, mmsi: int, start_s: float, end_s: float, limit: int = 200
) -> list[list[float]]:
    """The vessel's resampled positions over the alert, [t, lon, lat, sog], for the record."""
    s = tracks.steps
    rows = vessel_slice(s.mmsi, mmsi)
    t = s.t_s[rows]
    pick = np.arange(rows.start, rows.stop)[(t >= start_s - s.step_s) & (t <= end_s + s.step_s)]
    if len(pick) > limit:
        pick = pick[np.linspace(0, len(pick) - 1, limit).astype(int)]
    return [
        [
            float(s.t_s[i]),
            round(float(s.lon[i]), 6),
            round(float(s.lat[i]), 6),
            round(float(s.sog_knots[i]), 1),
        ]
        for i in pick
    ]
