"""KnownVessels read from a real store: the vessels' identities and the watchlist's names."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from crawler.entities.vessels import KnownVessels
from surveillance.store import Store

T0 = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def test_known_vessels_from_the_store(store: Store) -> None:
    store.write_identities(
        pd.DataFrame(
            {
                "mmsi": [440123456, 431000001],
                "ts": [T0, T0],
                "name": ["SEA  DRAGON", None],
                "callsign": ["DSAB7", "JD2345"],
                "imo": [9074729, None],
            }
        )
    )
    store.add_watchlist(
        pd.DataFrame(
            {"kind": ["name", "name", "mmsi"], "value": ["Golden Lotus", "sea dragon", "431000001"]}
        ),
        "test",
    )
    known = KnownVessels.from_store(store)
    assert known.names == {"SEA DRAGON": 440123456}
    assert known.callsigns == {"DSAB7": 440123456, "JD2345": 431000001}
    assert known.imos == {"9074729": 440123456}
    assert list(known.watched) == ["GOLDEN LOTUS"]
    assert [e.value for e in known.find("Sea-Dragon met the GOLDEN LOTUS")] == [
        "SEA DRAGON",
        "GOLDEN LOTUS",
    ]
