"""Ships found in simulated SAR scenes, scored against the scenes' truth as xView3 does.

A detection is a true positive when a one-to-one assignment (Hungarian, scene by scene)
pairs it with a truth ship within 200 m. Figures: precision, recall, F1; F1 close to shore
(truth ships and detections within 2 km of the coast, matched again on their own); the
mean absolute length error of matched ships, in % of the true length; and dark-vessel
precision and recall (detections flagged dark against truth ships that are dark, 1 km or
more offshore). Truth ships inside the coastline polygons (moored in a port the coarse
coast covers) are left out: the land mask hides them from every detector.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

from surveillance.geodesy import haversine_m

__all__ = ["SceneScore", "score_scenes", "truth_ships"]

MATCH_M = 200.0  # xView3: a detection within 200 m of a ship finds it
SHORE_M = 2_000.0  # xView3's close-to-shore subset
DARK_OFFSHORE_M = 1_000.0  # a dark ship counts for the dark figures this far offshore


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _f1(matched: int, truth: int, found: int) -> float | None:
    return 2 * matched / (truth + found) if truth + found else None


@dataclass(frozen=True)
class SceneScore:
    """The xView3-style figures over a set of scenes (None where nothing was there to count)."""

    truth: int
    detections: int
    matched: int
    close_truth: int
    close_f1: float | None
    length_error_pct: float | None
    dark_truth: int  # dark ships 1 km or more offshore
    dark_found: int  # of them, matched by a detection flagged dark
    dark_detections: int  # detections flagged dark
    dark_right: int  # of them, matched to a dark ship

    @property
    def precision(self) -> float | None:
        return _ratio(self.matched, self.detections)

    @property
    def recall(self) -> float | None:
        return _ratio(self.matched, self.truth)

    @property
    def f1(self) -> float | None:
        return _f1(self.matched, self.truth, self.detections)

    @property
    def dark_precision(self) -> float | None:
        return _ratio(self.dark_right, self.dark_detections)

    @property
    def dark_recall(self) -> float | None:
        return _ratio(self.dark_found, self.dark_truth)


def truth_ships(truth: dict[str, Any]) -> pd.DataFrame:
    """truth.json's scene ships as one frame, with the ``scene`` (file) each is in."""
    rows = [{"scene": s["file"], **ship} for s in truth.get("scenes", []) for ship in s["ships"]]
    columns = ["scene", "lon", "lat", "length_m", "mmsi", "dark", "coast_distance_m"]
    return pd.DataFrame(rows, columns=columns if not rows else None)


def _pairs(truth: pd.DataFrame, found: pd.DataFrame, match_m: float) -> tuple[np.ndarray, ...]:
    """Indices (into ``truth`` and ``found``) of the ships matched one to one within
    ``match_m``, scene by scene."""
    hits_t, hits_d = [], []
    for scene, mine in truth.groupby("scene", sort=False):
        theirs = found.index[found["scene"] == scene]
        if not len(theirs):
            continue
        t_lon, t_lat = mine["lon"].to_numpy(float), mine["lat"].to_numpy(float)
        d_lon, d_lat = (
            found.loc[theirs, "lon"].to_numpy(float),
            found.loc[theirs, "lat"].to_numpy(float),
        )
        distance = haversine_m(t_lon[:, None], t_lat[:, None], d_lon[None, :], d_lat[None, :])
        cost = np.where(distance <= match_m, distance, 1e9)
        rows, cols = linear_sum_assignment(cost)
        keep = distance[rows, cols] <= match_m
        hits_t.append(mine.index.to_numpy()[rows[keep]])
        hits_d.append(theirs.to_numpy()[cols[keep]])
    empty = np.empty(0, int)
    return (
        np.concatenate(hits_t) if hits_t else empty,
        np.concatenate(hits_d) if hits_d else empty,
    )


def score_scenes(
    truth: pd.DataFrame,
    detections: pd.DataFrame,
    *,
    match_m: float = MATCH_M,
    shore_m: float = SHORE_M,
) -> SceneScore:
    """Score ``detections`` (scene, lon, lat, length_m, coast_distance_m, and dark: NA, or
    no column, where not matched against AIS) against ``truth`` (:func:`truth_ships`)."""
    truth = truth[truth["coast_distance_m"].to_numpy(float) > 0].reset_index(drop=True)
    found = detections.reset_index(drop=True)
    t_hit, d_hit = _pairs(truth, found, match_m)
    close_t = truth[truth["coast_distance_m"].to_numpy(float) < shore_m]
    close_d = found[found["coast_distance_m"].to_numpy(float) < shore_m]
    close_hits = len(_pairs(close_t, close_d, match_m)[0])
    true_length = truth["length_m"].to_numpy(float)[t_hit]
    seen_length = found["length_m"].to_numpy(float)[d_hit]
    known = np.isfinite(seen_length) & (true_length > 0)
    error = np.abs(seen_length[known] - true_length[known]) / true_length[known]
    dark = truth["dark"].to_numpy(bool)
    dark_offshore = dark & (truth["coast_distance_m"].to_numpy(float) >= DARK_OFFSHORE_M)
    never = pd.Series(pd.NA, index=found.index, dtype="boolean")  # not matched against AIS
    flagged = found.get("dark", never).astype("boolean").fillna(False).to_numpy(bool)
    return SceneScore(
        truth=len(truth),
        detections=len(found),
        matched=len(t_hit),
        close_truth=len(close_t),
        close_f1=_f1(close_hits, len(close_t), len(close_d)),
        length_error_pct=float(100 * error.mean()) if len(error) else None,
        dark_truth=int(dark_offshore.sum()),
        dark_found=int((dark_offshore[t_hit] & flagged[d_hit]).sum()),
        dark_detections=int(flagged.sum()),
        dark_right=int((dark[t_hit] & flagged[d_hit]).sum()),
    )
