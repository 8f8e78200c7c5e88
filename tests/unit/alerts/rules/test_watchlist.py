"""``watchlist``: a vessel of interest is heard, by number or by a similar name."""

from __future__ import annotations

import pandas as pd

from alerts.rules import watchlist
from tests.builders.tracks import NEAR_SEA, SEA, A, B, context, leg, tracks, vessels


def test_a_name_spelled_differently_is_on_the_watchlist() -> None:
    ctx = context(
        vessels=vessels({"mmsi": A, "name": "0CEAN-STAR"}, {"mmsi": B, "name": "SEA BIRD"}),
        watchlist=pd.DataFrame({"kind": ["name"], "value": ["OCEAN STAR"]}),
    )
    (alert,) = watchlist.detect(tracks(leg(A, 1, 1, SEA), leg(B, 1, 1, NEAR_SEA)), ctx)
    assert alert.mmsi == (A,) and "OCEAN STAR" in alert.reasons[0]["reason"]


def test_a_watched_mmsi_is_found() -> None:
    ctx = context(watchlist=pd.DataFrame({"kind": ["mmsi"], "value": [str(B)]}))
    (alert,) = watchlist.detect(tracks(leg(A, 1, 1, SEA), leg(B, 1, 1, NEAR_SEA)), ctx)
    assert alert.mmsi == (B,)


def test_a_sister_ship_with_another_number_is_not_on_the_watchlist() -> None:
    ctx = context(
        vessels=vessels({"mmsi": A, "name": "OCEAN 0044"}),
        watchlist=pd.DataFrame({"kind": ["name"], "value": ["OCEAN-0004"]}),
    )
    assert watchlist.detect(tracks(leg(A, 1, 1, SEA)), ctx) == []
