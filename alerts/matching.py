"""Ships seen by a sensor matched to the AIS vessels that could have been there.

For one image (a SAR scene; a drone sighting, placed as it was seen): every AIS vessel
heard around the image time is placed at that time, between its reports (interpolated) or
from its last one (dead reckoning, up to ``match_extrapolate_max_minutes``), with an
uncertainty that grows with the time it was not heard; each detection then takes at most
one vessel and each vessel at most one detection (Hungarian assignment,
``scipy.optimize.linear_sum_assignment``) under a gate of that uncertainty, a length
mismatch adding cost or forbidding the pair. A detection no vessel could explain (none left
free within its gate, whatever its length), confident and offshore, is ``dark``.

:func:`match_scene` is pure (frames in, a frame out); :func:`match_detections` reads what
it needs from the store, scene by scene, and records the outcome there. Running it twice
records the same thing, and AIS that arrived late changes the outcome when it runs again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import numpy as np
import pandas as pd
from pydantic import Field
from scipy.optimize import linear_sum_assignment

from alerts.rules.base import rounded
from surveillance.geodesy import DEG_M, KNOT_MS, haversine_m
from surveillance.rule_settings import BaseRuleSettings

if TYPE_CHECKING:
    from surveillance.store import Store
    from surveillance.store.window import BBox, Window

__all__ = [
    "MatchSettings",
    "MatchSummary",
    "predict_positions",
    "match_scene",
    "match_detections",
    "seen_by_sensors",
]

#: what :func:`match_scene` gives per detection (``surveillance.store`` MATCH_COLUMNS)
MATCH_FRAME_COLUMNS = ("id", "matched_mmsi", "match_distance_m", "dark", "near_vessels")
_FORBIDDEN = 1e9  # the cost of a pair outside the gate: never chosen as a match


class MatchSettings(BaseRuleSettings):
    """Thresholds of matching detections to AIS (the ``dark_vessel`` rule carries them, so
    they are ``[rules]`` settings like any rule's)."""

    #: AIS read from this long before to this long after the image time
    match_time_margin_minutes: float = Field(default=60.0, gt=0)
    #: and from this far around the image's footprint
    match_footprint_margin_km: float = Field(default=20.0, ge=0)
    #: a vessel last (or first) heard longer than this from the image time is not placed
    match_extrapolate_max_minutes: float = Field(default=30.0, gt=0)
    #: the gate for a vessel heard at the image time: position error, antenna offset
    match_base_gate_m: float = Field(default=250.0, gt=0)
    #: the gate grows by this share of the distance the vessel sails while unheard
    match_gate_speed_factor: float = Field(default=0.5, ge=0)
    #: AIS and SAR lengths further apart than this ratio never match
    match_length_max_ratio: float = Field(default=2.5, gt=1)
    match_near_vessels: int = Field(default=3, ge=1)
    #: an unmatched detection is dark when at least this confident and this far offshore
    dark_min_confidence: float = Field(default=0.5, ge=0, le=1)
    dark_min_coast_distance_m: float = Field(default=1000.0, ge=0)


@dataclass
class MatchSummary:
    """What one :func:`match_detections` run did."""

    scenes: int = 0
    detections: int = 0
    matched: int = 0
    dark: int = 0
    written: int = 0


def _rows(frame: pd.DataFrame, pick: pd.Series) -> pd.DataFrame:
    return frame.loc[pick].set_index("mmsi")


def predict_positions(positions: pd.DataFrame, image_s: float, cfg: MatchSettings) -> pd.DataFrame:
    """Each vessel at ``image_s`` from its reports (``mmsi, t_s, lon, lat, sog_knots,
    cog_deg``): index mmsi; ``lon, lat, offset_s`` (how long before or after the image it
    was last heard), ``predicted`` (dead reckoned, not between two reports), ``sog_knots``
    and ``gate_m`` (how far from there it may be)."""
    columns = ["lon", "lat", "offset_s", "predicted", "sog_knots", "gate_m"]
    if positions.empty:
        return pd.DataFrame(columns=columns, index=pd.Index([], name="mmsi", dtype="int64"))
    p = positions.sort_values(["mmsi", "t_s"], kind="stable")
    before = _rows(p, p["t_s"] <= image_s).groupby(level=0).tail(1)
    after = _rows(p, p["t_s"] > image_s).groupby(level=0).head(1)
    both = before.add_suffix("_0").join(after.add_suffix("_1"), how="outer")
    t0, t1 = both["t_s_0"].to_numpy(float), both["t_s_1"].to_numpy(float)
    between = np.isfinite(t0) & np.isfinite(t1)
    # between two reports: along the straight line, at the faster of their speeds
    share = np.where(between, (image_s - t0) / np.where(between, t1 - t0, 1.0), 0.0)
    lon0, lat0 = both["lon_0"].to_numpy(float), both["lat_0"].to_numpy(float)
    lon1, lat1 = both["lon_1"].to_numpy(float), both["lat_1"].to_numpy(float)
    implied = haversine_m(lon0, lat0, lon1, lat1) / np.maximum(t1 - t0, 1.0) / KNOT_MS
    sog = np.fmax(
        np.fmax(both["sog_knots_0"].to_numpy(float), both["sog_knots_1"].to_numpy(float)),
        np.where(between, implied, np.nan),
    )
    # from one side only: dead reckoning along the reported course (backwards from the
    # first report after the image); with no course, the gate takes the whole run
    early = np.isfinite(t0)
    base_lon, base_lat = np.where(early, lon0, lon1), np.where(early, lat0, lat1)
    dt_s = np.where(early, image_s - t0, image_s - t1)
    cog = np.where(early, both["cog_deg_0"], both["cog_deg_1"]).astype(float)
    run_m = np.nan_to_num(sog) * KNOT_MS * dt_s
    steered = np.isfinite(cog) & ~between
    north_m = np.where(steered, run_m * np.cos(np.radians(cog)), 0.0)
    east_m = np.where(steered, run_m * np.sin(np.radians(cog)), 0.0)
    lat = np.where(between, lat0 + share * (lat1 - lat0), base_lat + north_m / DEG_M)
    lon = np.where(
        between,
        lon0 + share * (lon1 - lon0),
        base_lon + east_m / (DEG_M * np.cos(np.radians(base_lat))),
    )
    offset_s = np.where(between, np.minimum(image_s - t0, t1 - image_s), np.abs(dt_s))
    unsteered_m = np.where(steered | between, 0.0, np.abs(run_m))
    gate_m = (
        cfg.match_base_gate_m
        + np.nan_to_num(sog) * KNOT_MS * offset_s * cfg.match_gate_speed_factor
        + unsteered_m
    )
    out = pd.DataFrame(
        {
            "lon": lon,
            "lat": lat,
            "offset_s": offset_s,
            "predicted": ~between,
            "sog_knots": sog,
            "gate_m": gate_m,
        },
        index=both.index.astype("int64"),
    )
    placed = between | (offset_s <= cfg.match_extrapolate_max_minutes * 60)
    return out[placed]


def _length_ratio(sar_m: np.ndarray, ais_m: np.ndarray) -> np.ndarray:
    """The larger length over the smaller, per pair (NaN when either is unknown)."""
    sar, ais = sar_m[:, None], ais_m[None, :]
    known = (sar > 0) & (ais > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(known, np.maximum(sar, ais) / np.minimum(sar, ais), np.nan)


def _near(
    distance_m: np.ndarray,
    matched: np.ndarray,
    could_be: np.ndarray,
    vessels: pd.DataFrame,
    sar_m: np.ndarray,
    count: int,
) -> list[list[dict[str, Any]]]:
    """Per detection, the nearest vessels (the matched one always among them), with the
    AIS-reported length beside the SAR one; ``could_be``: left unmatched only by its length."""
    k = min(count, distance_m.shape[1])
    nearest = np.argpartition(distance_m, k - 1, axis=1)[:, :k]
    ranks = np.argsort(np.take_along_axis(distance_m, nearest, axis=1), axis=1, kind="stable")
    order = np.take_along_axis(nearest, ranks, axis=1)
    mmsi, ais_m = vessels.index.to_numpy(), vessels["length_m"].to_numpy(float)
    offset_s, sog = vessels["offset_s"].to_numpy(float), vessels["sog_knots"].to_numpy(float)
    predicted = vessels["predicted"].to_numpy(bool)
    near = []
    for i, picks in enumerate(order):
        chosen = list(picks) + ([matched[i]] if matched[i] >= 0 and matched[i] not in picks else [])
        rows = []
        for j in chosen:
            known = sar_m[i] > 0 and ais_m[j] > 0
            rows.append(
                {
                    "mmsi": int(mmsi[j]),
                    "distance_m": round(float(distance_m[i, j]), 1),
                    "offset_s": round(float(offset_s[j]), 1),
                    "predicted": bool(predicted[j]),
                    "sog_knots": rounded(sog[j], 1),
                    "ais_length_m": rounded(ais_m[j], 1),
                    "sar_length_m": rounded(sar_m[i], 1),
                    "length_ratio": round(float(sar_m[i] / ais_m[j]), 2) if known else None,
                    "matched": bool(j == matched[i]),
                    "could_be": bool(could_be[i, j]),
                }
            )
        near.append(rows)
    return near


def match_scene(
    detections: pd.DataFrame,
    positions: pd.DataFrame,
    lengths_m: pd.Series,
    image_s: float,
    cfg: MatchSettings,
) -> pd.DataFrame:
    """The detections of one image (``id, lon, lat, length_m, confidence,
    coast_distance_m``) against the AIS heard around it (``mmsi, t_s, lon, lat, sog_knots,
    cog_deg``; ``lengths_m``: AIS length by MMSI): :data:`MATCH_FRAME_COLUMNS` per detection."""
    vessels = predict_positions(positions, image_s, cfg)
    vessels = vessels.assign(length_m=lengths_m.reindex(vessels.index).to_numpy(float))
    n = len(detections)
    lon, lat = detections["lon"].to_numpy(float), detections["lat"].to_numpy(float)
    sar_m = detections["length_m"].to_numpy(float)
    distance_m = haversine_m(
        lon[:, None], lat[:, None], vessels["lon"].to_numpy()[None, :], vessels["lat"].to_numpy()
    ).reshape(n, len(vessels))
    ratio = _length_ratio(sar_m, vessels["length_m"].to_numpy(float))
    in_gate = distance_m <= vessels["gate_m"].to_numpy()[None, :]
    allowed = in_gate & ~(ratio > cfg.match_length_max_ratio)
    cost = distance_m / vessels["gate_m"].to_numpy()[None, :]
    cost += np.nan_to_num(np.log(ratio) / np.log(cfg.match_length_max_ratio))
    matched = np.full(n, -1)
    rows, cols = np.flatnonzero(allowed.any(axis=1)), np.flatnonzero(allowed.any(axis=0))
    if len(rows):
        sub = np.where(allowed[np.ix_(rows, cols)], cost[np.ix_(rows, cols)], _FORBIDDEN)
        r, c = linear_sum_assignment(sub)
        keep = sub[r, c] < _FORBIDDEN
        matched[rows[r[keep]]] = cols[c[keep]]
    hit = matched >= 0
    mmsi = pd.array(np.zeros(n, np.int64), dtype="Int64")
    mmsi[hit] = vessels.index.to_numpy()[matched[hit]]
    mmsi[~hit] = pd.NA
    chosen_m = np.full(n, np.nan)
    chosen_m[hit] = distance_m[np.flatnonzero(hit), matched[hit]]
    # a vessel no detection took, within its gate but for the length, could still be it
    free = np.ones(len(vessels), bool)
    free[matched[hit]] = False
    could_be = in_gate & free[None, :] & ~hit[:, None]
    offshore = detections["coast_distance_m"].astype(float).fillna(np.inf)
    dark = (
        ~hit
        & ~could_be.any(axis=1)
        & (detections["confidence"].to_numpy(float) >= cfg.dark_min_confidence)
        & (offshore.to_numpy() >= cfg.dark_min_coast_distance_m)
    )
    near = (
        _near(distance_m, matched, could_be, vessels, sar_m, cfg.match_near_vessels)
        if len(vessels)
        else [[] for _ in range(n)]
    )
    return pd.DataFrame(
        {
            "id": detections["id"].to_numpy(),
            "matched_mmsi": mmsi,
            "match_distance_m": chosen_m,
            "dark": dark,
            "near_vessels": near,
        }
    )


def _around(bounds: Any, margin_m: float) -> BBox:
    """A lon/lat box (west, south, east, north) grown by ``margin_m`` on every side."""
    west, south, east, north = (float(b) for b in bounds)
    dlat = margin_m / DEG_M
    dlon = margin_m / (DEG_M * np.cos(np.radians(min(max(abs(south), abs(north)), 89.0))))
    return (west - dlon, south - dlat, east + dlon, north + dlat)


def match_detections(
    store: Store,
    window: Window | None = None,
    scene_id: int | None = None,
    settings: MatchSettings | None = None,
) -> MatchSummary:
    """Match the stored detections of the window (of one scene if given) against the
    stored AIS, image by image, and record the outcome on each detection."""
    cfg = settings or MatchSettings()
    found = store.detections(window, scene_id=scene_id)
    found = found[~found["identified"].astype(bool)]  # the operator named the vessel
    summary = MatchSummary(detections=len(found))
    if found.empty:
        return summary
    scenes = store.scenes(
        (found["ts"].min() - timedelta(seconds=1), found["ts"].max() + timedelta(seconds=1))
    ).set_index("id")
    margin = timedelta(minutes=cfg.match_time_margin_minutes)
    images = found["scene_id"].fillna(-1).astype("int64").astype(str) + found["ts"].astype(str)
    outcomes = []
    for _, part in found.groupby(images, sort=False):
        image = part["ts"].iloc[0]
        sid = part["scene_id"].iloc[0]
        area = scenes.geometry.get(sid) if pd.notna(sid) else None
        bounds = area.bounds if area is not None else part.total_bounds
        bbox = _around(bounds, cfg.match_footprint_margin_km * 1000)
        heard = store.reports_around(image, margin, bbox)
        ais = heard.drop(columns="ts").assign(
            mmsi=heard["mmsi"].astype(np.int64),
            t_s=_seconds(heard["ts"]),
            sog_knots=heard["sog_knots"].astype(float),
            cog_deg=heard["cog_deg"].astype(float),
        )
        known = store.vessels(sorted(set(ais["mmsi"].tolist()))) if len(ais) else None
        lengths = (
            pd.Series(dtype=float)
            if known is None
            else known.set_index("mmsi")["length_m"].astype(float)
        )
        ships = pd.DataFrame(
            {
                "id": part["id"].to_numpy(),
                "lon": part.geometry.x.to_numpy(),
                "lat": part.geometry.y.to_numpy(),
                "length_m": part["length_m"].to_numpy(float),
                "confidence": part["confidence"].to_numpy(float),
                "coast_distance_m": part["coast_distance_m"].to_numpy(float),
            }
        )
        outcomes.append(match_scene(ships, ais, lengths, pd.Timestamp(image).timestamp(), cfg))
        summary.scenes += 1
    matches = pd.concat(outcomes, ignore_index=True)
    summary.matched = int(matches["matched_mmsi"].notna().sum())
    summary.dark = int(matches["dark"].sum())
    summary.written = store.set_detection_matches(matches)
    return summary


def _seconds(times: pd.Series) -> np.ndarray:
    stamps = pd.to_datetime(times, utc=True)
    return np.asarray((stamps - pd.Timestamp(0, tz="UTC")).dt.total_seconds(), dtype=float)


def seen_by_sensors(store: Store, window: Window) -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """The detections of the window as the rules read them (``RuleContext.detections``,
    matched as last recorded) and the scenes they come from (``RuleContext.scenes``)."""
    found = store.detections(window)
    detections = pd.DataFrame(
        {
            "id": found["id"].to_numpy(np.int64),
            "scene_id": pd.array(found["scene_id"], dtype="Int64"),
            "source": found["source"].astype(str).to_numpy(),
            "ts_s": _seconds(found["ts"]),
            "lon": found.geometry.x.to_numpy(float),
            "lat": found.geometry.y.to_numpy(float),
            **{
                c: found[c].to_numpy(float)
                for c in (
                    "length_m",
                    "heading_deg",
                    "confidence",
                    "coast_distance_m",
                    "match_distance_m",
                )
            },
            "matched_mmsi": pd.array(found["matched_mmsi"], dtype="Int64"),
            "dark": found["dark"].fillna(False).astype(bool).to_numpy(),
            "near_vessels": [list(n) if isinstance(n, list) else [] for n in found["near_vessels"]],
            "key": found["key"].fillna("").astype(str).to_numpy(),
        }
    )
    scenes = store.scenes(window)
    images = gpd.GeoDataFrame(
        {
            "id": scenes["id"].to_numpy(np.int64),
            "ts_s": _seconds(scenes["acquired_at"]),
            "sensor": scenes["sensor"].astype(str).to_numpy(),
        },
        geometry=scenes.geometry.to_numpy(),
        crs=4326,
    )
    return detections, images
