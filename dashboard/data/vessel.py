"""One vessel's page: identity and its history, the track, its alerts, the watchlist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from dashboard.data.common import alert_link, ship_category
from surveillance.store import Store, Window

__all__ = ["VesselDetail", "vessel_detail"]


@dataclass
class VesselDetail:
    """One vessel: identity, its history, track over the window, alerts, watchlist."""

    mmsi: int
    identity: dict[str, Any] | None
    history: pd.DataFrame
    track: pd.DataFrame  # t, t_s, lon, lat, sog_knots
    alerts: pd.DataFrame
    watchlist: pd.DataFrame  # the entries that name this vessel

    @property
    def category(self) -> str:
        code = None if self.identity is None else self.identity.get("ship_type")
        return str(ship_category([code])[0])


def _watch_matches(
    watchlist: pd.DataFrame, mmsi: int, identity: dict[str, Any] | None
) -> pd.DataFrame:
    keys = {("mmsi", f"{mmsi:09d}")}
    if identity:
        if identity.get("imo") and not pd.isna(identity["imo"]):
            keys.add(("imo", f"{int(identity['imo']):07d}"))
        if identity.get("callsign"):
            keys.add(("callsign", "".join(str(identity["callsign"]).split()).upper()))
        if identity.get("name"):
            keys.add(("name", " ".join(str(identity["name"]).split()).upper()))
    hit = [(k, v) in keys for k, v in zip(watchlist["kind"], watchlist["value"], strict=True)]
    return watchlist[np.asarray(hit, dtype=bool)].reset_index(drop=True)


def vessel_detail(store: Store, mmsi: int, window: Window) -> VesselDetail:
    """Identity (None when the vessel never sent one), history, track in the window,
    every alert involving it and its watchlist entries."""
    found = store.vessels([mmsi])
    identity = None if found.empty else {str(k): v for k, v in found.iloc[0].items()}
    positions = store.positions(window=window, mmsi=[mmsi])
    track = pd.DataFrame(
        {
            "t": positions["ts"],
            "t_s": positions["ts"].map(lambda t: t.timestamp()).astype(float),
            "lon": positions.geometry.x,
            "lat": positions.geometry.y,
            "sog_knots": positions["sog_knots"].astype(float),
        }
    )
    alerts = store.vessel_alerts(mmsi)
    alerts.insert(0, "link", [alert_link(i) for i in alerts["id"]])
    return VesselDetail(
        mmsi=int(mmsi),
        identity=identity,
        history=store.identity_history(mmsi),
        track=track.reset_index(drop=True),
        alerts=alerts,
        watchlist=_watch_matches(store.watchlist(), int(mmsi), identity),
    )
