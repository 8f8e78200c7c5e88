"""Tiny worlds for rule tests: one square island, one port, tracks drawn with a ruler.

The island spans 130-131 E, 33-34 N; its port sits on the east coast at (131.0, 33.2).
At 33.5 N, 0.1 degree of longitude is about 9.3 km. Hours count from the test clock's
``MIDNIGHT_S`` (:mod:`tests.builders.clock`), so hour 15 is midnight in Tokyo.
"""

from __future__ import annotations

from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from alerts.coast import Coast
from alerts.rules.base import RuleContext
from alerts.tracks import Tracks
from alerts.watch import watchlist_matches
from surveillance.rule_settings import RuleSettings
from surveillance.store.position_read import PositionArrays
from tests.builders.clock import HOUR_S, MIDNIGHT_S

__all__ = ["BBOX", "ISLAND", "PORT", "context", "leg", "tracks", "vessels", "watchlist_mmsi"]

ISLAND = shapely.box(130.0, 33.0, 131.0, 34.0)
PORT = (131.0, 33.2)
BBOX = (125.0, 30.0, 136.0, 38.0)


def leg(
    mmsi: int,
    start_h: float,
    hours: float,
    frm: tuple[float, float],
    to: tuple[float, float] | None = None,
    sog_knots: float = 1.0,
    every_s: float = 60.0,
) -> PositionArrays:
    """Reports every ``every_s`` from ``frm`` to ``to`` (or staying at ``frm``)."""
    t = MIDNIGHT_S + start_h * HOUR_S + np.arange(0.0, hours * HOUR_S, every_s)
    f = np.linspace(0, 1, len(t))
    end = to or frm
    return PositionArrays(
        np.full(len(t), mmsi, np.int64),
        t,
        frm[0] + f * (end[0] - frm[0]),
        frm[1] + f * (end[1] - frm[1]),
        np.full(len(t), sog_knots, np.float32),
    )


def tracks(*legs: PositionArrays) -> Tracks:
    """The legs as the tracks a rule reads, with default settings."""
    return Tracks(PositionArrays.concat(list(legs)), RuleSettings())


def vessels(*rows: dict[str, Any]) -> pd.DataFrame:
    """Vessel identities (mmsi plus any of name, callsign, imo, ship_type, flag, length_m)."""
    columns = ["mmsi", "name", "callsign", "imo", "ship_type", "flag", "length_m"]
    return pd.DataFrame(list(rows), columns=columns).set_index("mmsi")


def context(
    now_h: float = 24.0, watchlist: pd.DataFrame | None = None, **overrides: Any
) -> RuleContext:
    """A rule context over the island; ``watchlist`` (kind, value) is matched as the engine
    does, against the ``vessels`` given."""
    land = gpd.GeoDataFrame({"kind": ["land"]}, geometry=[ISLAND], crs=4326)
    ports = gpd.GeoDataFrame({"locode": ["XXPRT"]}, geometry=[shapely.Point(PORT)], crs=4326)
    fields: dict[str, Any] = {
        "now_s": MIDNIGHT_S + now_h * HOUR_S,
        "since_s": MIDNIGHT_S,
        "settings": RuleSettings(),
        "port_area_m": 3000.0,
        "coast": Coast.from_frames(land, ports, BBOX),
        "vessels": vessels(),
        "zones": gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=4326),
        "watchlisted": {},
        "identities": pd.DataFrame(
            {"mmsi": [], "valid_from": [], "name": [], "callsign": [], "imo": []}
        ),
    }
    fields.update(overrides)
    if watchlist is not None:
        known = fields["vessels"]
        mmsi = np.array(sorted({*known.index, *watchlist_mmsi(watchlist)}), dtype=np.int64)
        fields["watchlisted"] = watchlist_matches(mmsi, known, watchlist, 90.0)
    return RuleContext(**fields)


def watchlist_mmsi(watchlist: pd.DataFrame) -> list[int]:
    """The MMSIs the watchlist names outright (its ``mmsi`` entries)."""
    return [
        int(v) for k, v in zip(watchlist["kind"], watchlist["value"], strict=True) if k == "mmsi"
    ]


SEA = (131.5, 33.5)  # 25 nm east of the island, 30 km from its port
NEAR_SEA = (131.2, 33.5)  # 10 nm off the coast
A, B = 431000001, 431000002  # two vessels
