"""Satellite scenes and the ships found in them, for the map (footprints, quicklooks,
detections coloured by what AIS says of them), the chip of one detection and the Sources
page's summary; plain frames, no Streamlit.

A detection is one of three kinds: ``matched`` (an AIS vessel was there: its MMSI, name and
the match distance), ``dark`` (a confident detection offshore with no AIS vessel that could
have been there) or ``unmatched`` (neither, or not matched against AIS yet).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import tooltip
from surveillance.store import BBox, Store, Window
from surveillance.times import people_utc

__all__ = [
    "DETECTION_KINDS",
    "DetectionEvidence",
    "SceneSummary",
    "detection_evidence",
    "map_detections",
    "quicklooks",
    "scene_footprints",
    "scene_summary",
]

#: What a detection is, by what AIS says of it (the map's colours follow this order).
DETECTION_KINDS = ("matched", "dark", "unmatched")
_KIND_TITLES = {
    "matched": "SAR detection, AIS vessel",
    "dark": "Dark vessel (no AIS)",
    "unmatched": "SAR detection, no AIS match",
}
_MAX_QUICKLOOKS = 12  # the newest scenes in view: each travels to the browser as a data URL


def _text(value: Any, fmt: str, missing: str = "?") -> str:
    """A number for people (``fmt`` e.g. ``"{:.0f} m"``), ``missing`` when there is none."""
    return missing if value is None or pd.isna(value) else fmt.format(value)


def scene_footprints(store: Store, window: Window, bbox: BBox | None) -> gpd.GeoDataFrame:
    """Scenes acquired in the window over the box: ``id, acquired_at, sensor, geometry``
    and the tooltip fields (time, sensor, mode, polarisations, spacing, product)."""
    found = store.scenes(window, bbox)
    lines = [
        (
            f"{people_utc(row.acquired_at, seconds=True, zone=' UTC')} · {row.sensor.upper()}",
            f"mode {row.mode or '?'} · {row.polarisations or '?'} · "
            + _text(row.pixel_spacing_m, "{:.1f} m pixels"),
            str(row.product or row.uri),
        )
        for row in found.itertuples()
    ]
    first, second, third = (list(part) for part in zip(*lines, strict=True)) if lines else ([],) * 3
    frame = gpd.GeoDataFrame(
        {
            "id": found["id"].astype(np.int64),
            "acquired_at": found["acquired_at"],
            "sensor": found["sensor"],
            **tooltip.fields(
                pd.Series([f"Scene {i}" for i in found["id"]], dtype=str),
                pd.Series(first, dtype=str),
                pd.Series(second, dtype=str),
                pd.Series(third, dtype=str),
            ),
        },
        geometry=found.geometry.to_numpy(),
        crs=4326,
    )
    return frame.reset_index(drop=True)


def quicklooks(
    store: Store, footprints: gpd.GeoDataFrame, limit: int = _MAX_QUICKLOOKS
) -> pd.DataFrame:
    """The quicklooks of the newest ``limit`` scenes of ``footprints`` (those in view):
    ``id, image`` (a ``data:image/png;base64`` URL, so the browser fetches nothing) and
    ``bounds`` (west, south, east, north: the quicklook is warped to lon/lat over them)."""
    rows = []
    for scene in footprints.sort_values("acquired_at").tail(limit).itertuples():
        png = store.scene_quicklook(int(scene.id))
        if png:
            rows.append(
                {
                    "id": int(scene.id),
                    "image": "data:image/png;base64," + base64.b64encode(png).decode("ascii"),
                    "bounds": [float(v) for v in shapely.bounds(scene.geometry)],
                }
            )
    return pd.DataFrame(rows, columns=["id", "image", "bounds"])


def _kinds(found: pd.DataFrame) -> pd.Series:
    matched = found["matched_mmsi"].notna()
    dark = found["dark"].eq(True) & ~matched
    kind = np.where(matched, "matched", np.where(dark, "dark", "unmatched"))
    return pd.Series(kind, index=found.index, dtype=str)


def _nearest(near: Any, names: dict[int, str]) -> str:
    """The nearest AIS vessel of a detection's ``near_vessels``, for people."""
    vessels = sorted(near or [], key=lambda v: float(v.get("distance_m", np.inf)))
    if not vessels:
        return "no AIS vessel near"
    mmsi, metres = int(vessels[0]["mmsi"]), float(vessels[0]["distance_m"])
    return f"nearest AIS: {names.get(mmsi, '?')} ({mmsi}) at {metres:,.0f} m"


def _names(store: Store, mmsi: set[int]) -> dict[int, str]:
    found = store.vessels(sorted(mmsi)) if mmsi else pd.DataFrame(columns=["mmsi", "name"])
    return {
        int(m): str(n) for m, n in zip(found["mmsi"], found["name"], strict=True) if pd.notna(n)
    }


def _match_text(kind: str, mmsi: Any, distance_m: Any, near: Any, names: dict[int, str]) -> str:
    """What AIS says of one detection, in a line."""
    if kind == "matched":
        return f"MMSI {int(mmsi)} · {names.get(int(mmsi), '(no name)')} · match at " + _text(
            distance_m, "{:,.0f} m"
        )
    return _nearest(near, names)


def _described(store: Store, found: pd.DataFrame) -> pd.DataFrame:
    """Detections with their kind, what AIS says of them and the tooltip fields."""
    kind = _kinds(found)
    near_mmsi = {int(v["mmsi"]) for near in found["near_vessels"] for v in (near or [])}
    names = _names(store, near_mmsi | {int(m) for m in found["matched_mmsi"].dropna()})
    match = [
        _match_text(k, m, d, n, names)
        for k, m, d, n in zip(
            kind,
            found["matched_mmsi"],
            found["match_distance_m"],
            found["near_vessels"],
            strict=True,
        )
    ]
    size = [
        f"{_text(c, '{:.2f}')} confidence · {_text(length, '{:.0f} m')} long"
        for c, length in zip(found["confidence"], found["length_m"], strict=True)
    ]
    when = [people_utc(t, seconds=True, zone=" UTC") for t in found["ts"]]
    return pd.DataFrame(
        {
            "id": found["id"].astype(np.int64),
            "scene_id": found["scene_id"].astype("Int64"),
            "ts": found["ts"],
            "lon": found.geometry.x,
            "lat": found.geometry.y,
            "kind": kind,
            "match": pd.Series(match, index=found.index, dtype=str),
            **tooltip.fields(
                kind.map(_KIND_TITLES),
                pd.Series(size, index=found.index, dtype=str),
                pd.Series(match, index=found.index, dtype=str),
                pd.Series(when, index=found.index, dtype=str),
                warning=kind.map({"dark": "dark: no AIS vessel could have been there"})
                .fillna("")
                .astype(str),
            ),
        }
    ).reset_index(drop=True)


def map_detections(store: Store, window: Window, bbox: BBox | None) -> pd.DataFrame:
    """Detections seen in the window (at their scene's time) over the box: ``id, scene_id,
    ts, lon, lat, kind`` (:data:`DETECTION_KINDS`), ``match`` (what AIS says, in a line)
    and the tooltip fields."""
    return _described(store, store.detections(window, bbox))


@dataclass(frozen=True)
class DetectionEvidence:
    """One detection as its chip panel shows it: the chip, when, how big, how sure, and
    what AIS says of it; ``on_map`` is its row as :func:`map_detections` gives it."""

    id: int
    scene_id: int
    ts: datetime
    lon: float
    lat: float
    kind: str
    length_m: float | None
    width_m: float | None
    heading_deg: float | None
    confidence: float | None
    match: str
    chip_png: bytes | None
    on_map: pd.DataFrame

    @property
    def caption(self) -> str:
        """The chip's caption: kind, time, size, confidence, match."""
        return (
            f"{_KIND_TITLES[self.kind]} · {people_utc(self.ts, seconds=True, zone=' UTC')} · "
            f"{_text(self.length_m, '{:.0f}')} x {_text(self.width_m, '{:.0f}')} m · "
            f"heading {_text(self.heading_deg, '{:.0f}°')} · "
            f"confidence {_text(self.confidence, '{:.2f}')} · {self.match}"
        )


def _float(value: Any) -> float | None:
    return None if value is None or pd.isna(value) else float(value)


def detection_evidence(store: Store, detection_id: int, scene_id: int) -> DetectionEvidence | None:
    """Detection ``detection_id`` of scene ``scene_id`` with its chip; None if there is
    no such detection."""
    found = store.detections(scene_id=scene_id)
    found = found[found["id"] == detection_id]
    if found.empty:
        return None
    on_map = _described(store, found)
    described, row = on_map.iloc[0], found.iloc[0]
    return DetectionEvidence(
        id=int(detection_id),
        scene_id=int(scene_id),
        ts=row["ts"],
        lon=float(described["lon"]),
        lat=float(described["lat"]),
        kind=str(described["kind"]),
        length_m=_float(row["length_m"]),
        width_m=_float(row["width_m"]),
        heading_deg=_float(row["heading_deg"]),
        confidence=_float(row["confidence"]),
        match=str(described["match"]),
        chip_png=store.detection_chip(int(detection_id)),
        on_map=on_map,
    )


@dataclass(frozen=True)
class SceneSummary:
    """The Sources page's scenes over the window: ``scenes`` (one row per scene: ``id,
    acquired_at, sensor, mode, polarisations, pixel_spacing_m, product, detections,
    dark``) and the totals."""

    scenes: pd.DataFrame
    last_acquired_at: datetime | None
    detections: int
    dark: int


def scene_summary(store: Store, window: Window) -> SceneSummary:
    """How many scenes the window holds, the last acquisition, the detections, the dark."""
    found = store.scenes(window)
    detections = store.detections(window)
    dark = _kinds(detections) == "dark"
    by_scene = detections["scene_id"]
    per_scene = pd.DataFrame(
        {"detections": by_scene.groupby(by_scene).size(), "dark": dark.groupby(by_scene).sum()}
    )
    table = pd.DataFrame(
        {
            "id": found["id"].astype(np.int64),
            "acquired_at": found["acquired_at"],
            "sensor": found["sensor"],
            "mode": found["mode"],
            "polarisations": found["polarisations"],
            "pixel_spacing_m": found["pixel_spacing_m"],
            "product": found["product"].fillna(found["uri"]),
        }
    )
    table = table.join(per_scene, on="id")
    table[["detections", "dark"]] = table[["detections", "dark"]].fillna(0).astype(int)
    return SceneSummary(
        scenes=table.sort_values("acquired_at", ascending=False).reset_index(drop=True),
        last_acquired_at=None if found.empty else found["acquired_at"].max(),
        detections=len(detections),
        dark=int(dark.sum()),
    )
