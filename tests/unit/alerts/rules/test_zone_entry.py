"""``zone_entry``: a watched vessel enters a configured zone."""

from __future__ import annotations

import geopandas as gpd
import shapely

from alerts.rules import zone_entry
from tests.builders.tracks import NEAR_SEA, SEA, A, context, leg, tracks, vessels

ZONE = gpd.GeoDataFrame(
    {"kind": ["territorial_sea"], "name": ["test sea"]},
    geometry=[shapely.box(129.8, 32.8, 131.22, 34.2).difference(shapely.box(130, 33, 131, 34))],
    crs=4326,
)


def test_a_watched_flag_entering_the_territorial_sea_raises_an_alert() -> None:
    ctx = context(zones=ZONE, vessels=vessels({"mmsi": A, "flag": "KP"}))
    (alert,) = zone_entry.detect(tracks(leg(A, 1, 3, SEA, NEAR_SEA, sog_knots=10)), ctx)
    assert alert.evidence["crossed_in"] and "flag KP is watched" in alert.reasons[0]["reason"]


def test_an_unwatched_flag_may_enter() -> None:
    ctx = context(zones=ZONE, vessels=vessels({"mmsi": A, "flag": "JP"}))
    assert zone_entry.detect(tracks(leg(A, 1, 3, SEA, NEAR_SEA, sog_knots=10)), ctx) == []
