"""What the operations map draws over a window: vessels, their tracks, the alerts."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import tooltip
from dashboard.data.common import ship_category
from dashboard.data.positions import downsample, latest_positions, paths
from surveillance.store import BBox, Store, Window
from surveillance.times import people_utc_many

__all__ = ["MapData", "map_data"]

_TRACK_STEP_S = 300.0  # one point per vessel per five minutes, before simplification
_TRACK_ROWS = 300_000  # positions read for tracks: all of them up to this, else a sample
_TRACK_TOLERANCE_DEG = 0.002  # about 200 m: invisible at the scale of a coast


@dataclass(frozen=True)
class MapData:
    """The live picture over a window: vessels at their latest position, their downsampled
    tracks and the alerts going on; ``positions`` is how many reports were read (a sample
    over long windows). Replays read their few vessels whole (``layers``)."""

    window: Window
    vessels: pd.DataFrame
    tracks: pd.DataFrame
    alerts: pd.DataFrame
    positions: int = 0
    track_points: int = 0
    identities: pd.DataFrame = field(default_factory=pd.DataFrame)


def _vessel_tooltips(frame: pd.DataFrame) -> dict[str, tooltip.Text]:
    """Name, MMSI and flag, type, speed, last seen, and a warning when in an alert."""
    speed = frame["sog_knots"].map(lambda v: "-" if pd.isna(v) else f"{v:.1f} kn")
    text = {c: frame[c].astype(str) for c in ("mmsi", "flag", "category", "ship_type_text")}
    return tooltip.fields(
        frame["name"].astype(str),
        "MMSI " + text["mmsi"] + " · flag " + text["flag"],
        text["category"] + " (type " + text["ship_type_text"] + ") · speed " + speed.astype(str),
        "last seen " + frame["last_seen"].astype(str),
        warning=frame["in_alert"].map({True: "in an alert", False: ""}).astype(str),
    )


def map_data(
    store: Store,
    window: Window,
    bbox: BBox | None = None,
    *,
    track_step_s: float = _TRACK_STEP_S,
    tolerance_deg: float = _TRACK_TOLERANCE_DEG,
) -> MapData:
    """Everything the operations map draws for ``window`` and ``bbox``: each vessel's latest
    position (exact: one index probe per vessel), tracks from a steady random sample of
    about ``_TRACK_ROWS`` reports when the window holds more (over a day of 5,000 vessels,
    still a point every few minutes for a ship under way), downsampled to one point per
    vessel per ``track_step_s`` and simplified to ``tolerance_deg``, the alerts and
    identities."""
    rows = store.count_positions_roughly(window, bbox)
    sample_pct = 100.0 * _TRACK_ROWS / rows if rows > _TRACK_ROWS else None
    arrays = store.position_arrays(window, bbox, sample_pct=sample_pct)
    latest = latest_positions(store.latest_positions(window, bbox))
    keep = downsample(arrays, track_step_s)
    tracks = paths(arrays.mmsi[keep], arrays.lon[keep], arrays.lat[keep], tolerance_deg)
    identities = store.vessels()
    alerts = _map_alerts(store, window, bbox)
    in_alert = (
        set(alerts["mmsi_list"].explode().dropna().astype(np.int64)) if len(alerts) else set()
    )

    vessels = latest.merge(
        identities[["mmsi", "name", "flag", "ship_type", "callsign", "imo"]], on="mmsi", how="left"
    )
    vessels["name"] = vessels["name"].fillna("(no name)").astype(str)
    vessels["flag"] = vessels["flag"].fillna("??").astype(str)
    vessels["category"] = ship_category(vessels["ship_type"])
    vessels["ship_type_text"] = vessels["ship_type"].map(
        lambda v: "?" if pd.isna(v) else str(int(v))
    )
    vessels["last_seen"] = people_utc_many(vessels["t_s"], seconds=True, zone="Z")
    vessels["in_alert"] = vessels["mmsi"].isin(in_alert)
    vessels = vessels.assign(**_vessel_tooltips(vessels))
    categories = vessels.set_index("mmsi")["category"]
    tracks["category"] = tracks["mmsi"].map(categories).fillna("unknown").astype(str)
    names = tracks["mmsi"].map(vessels.set_index("mmsi")["name"]).fillna("").astype(str)
    tracks = tracks.assign(**tooltip.fields(names, "track"))
    return MapData(
        window=window,
        positions=len(arrays),
        vessels=vessels,
        tracks=tracks,
        alerts=alerts,
        track_points=int(sum(len(p) for p in tracks["path"])),
        identities=identities,
    )


def _map_alerts(store: Store, window: Window, bbox: BBox | None) -> pd.DataFrame:
    found = store.alerts_overlapping(window)
    if bbox is not None and len(found):
        found = found[found.intersects(shapely.box(*bbox))]
    points = found.geometry.representative_point() if len(found) else gpd.GeoSeries()
    frame = pd.DataFrame(
        {
            "id": found["id"],
            "type": found["type"],
            "status": found["status"],
            "score": found["score"],
            "mmsi_list": found["mmsi"],
            "lon": points.x if len(found) else [],
            "lat": points.y if len(found) else [],
        }
    )
    frame = frame.assign(
        **tooltip.fields(
            frame["type"].astype(str),
            "score " + frame["score"].astype(str) + " · " + frame["status"].astype(str),
            "id " + frame["id"].astype(str).str[:12],
        )
    )
    return frame.reset_index(drop=True)
