"""A batch the store refuses never costs the file: the refused rows are quarantined with the
store's message, everything else is stored."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from ais_ingest import files
from ais_ingest.records import IDENTITY_COLUMNS, STATION_COLUMNS, Decoded
from ais_ingest.writer import BatchWriter
from surveillance.ingest import REJECT_COLUMNS, IngestStats
from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.clock import T0_S
from tests.builders.nmea import position, sentences, static, tagged

TOO_LONG = "A VERY LONG NAME " * 5  # 85 characters: the store keeps 64


def class_b_static(mmsi: int, name: str) -> list[str]:
    """A Class B craft's static data: type 24 parts A and B, no IMO number."""
    part_a = sentences({"type": 24, "mmsi": mmsi, "partno": 0, "shipname": name})
    part_b = sentences({"type": 24, "mmsi": mmsi, "partno": 1, "callsign": "JD1", "ship_type": 37})
    return part_a + part_b


def test_a_day_of_ships_with_imo_and_craft_without_is_stored_whole(
    coastwatch: Coastwatch, store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    lines = []
    for v in range(6):
        t = T0_S + 60 * v
        ship, craft = 431000000 + v, 431100000 + v
        lines += [tagged(s, t) for s in static(mmsi=ship, imo=9789012 + v, seq_id=v)]
        lines += [tagged(s, t + 1) for s in class_b_static(craft, f"BOAT {v}")]
        lines += [tagged(position(mmsi=ship), t + 2), tagged(position(mmsi=craft), t + 3)]
    # one MMSI transmitted by two ships, both sending their static data
    lines += [tagged(s, T0_S + 900) for s in static(mmsi=431000000, name="TWIN", imo=9000003)]
    for v in range(6):  # then a stretch of craft only: batches whose IMOs are all None
        lines += [tagged(s, T0_S + 1800 + v) for s in class_b_static(431100000 + v, f"BOAT {v}")]
    feed = tmp_path / "day.nmea"
    feed.write_text("\n".join(lines) + "\n")
    monkeypatch.setattr(files, "CHUNK_BYTES", 600)  # batches with and without IMO numbers

    ran = coastwatch("ingest", "ais", str(feed))

    assert ran.code == 0, ran.stderr
    vessels = store.vessels().set_index("mmsi")
    assert len(vessels) == 12 and store.table_counts()["ais_positions"] == 12
    assert vessels.loc[431000001, "imo"] == 9789013
    assert pd.isna(vessels.loc[431100001, "imo"]) and vessels.loc[431100001, "ship_type"] == 37
    names = store.identity_history(431000000)["name"].tolist()
    assert names == ["KAIYO MARU", "TWIN"]


def identities(*names: str) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "mmsi": [431000000 + k for k in range(len(names))],
            "ts": [T0_S + k for k in range(len(names))],
            "imo": None,
            "name": list(names),
            "callsign": "JABC",
            "ship_type": 70.0,
            "length_m": 100.0,
            "beam_m": 20.0,
            "draught_m": 6.0,
            "destination": None,
            "msg_type": 5,
        },
        columns=list(IDENTITY_COLUMNS),
    )
    return frame.assign(flag="JP")


def stations(*names: str, first_mmsi: int = 4310000) -> pd.DataFrame:
    frame = pd.DataFrame(
        {
            "mmsi": [first_mmsi + k for k in range(len(names))],
            "ts": T0_S,
            "kind": "base_station",
            "name": list(names),
            "aid_type": None,
            "lon": 130.0,
            "lat": 33.5,
        },
        columns=list(STATION_COLUMNS),
    )
    return frame.assign(flag="JP")


def batch(identities: pd.DataFrame, stations: pd.DataFrame, rejects: pd.DataFrame) -> Decoded:
    return Decoded(
        positions=pd.DataFrame({"mmsi": pd.Series(dtype="int64")}),
        identities=identities,
        stations=stations,
        rejects=rejects,
        counts=Counter(),
    )


def test_rows_the_store_refuses_are_quarantined_with_its_message(store: Store) -> None:
    junk = pd.DataFrame(
        {"reason": ["malformed_sentence"], "raw": [b"!AIVDM\x00\x01junk"], "ts": [T0_S]},
        columns=REJECT_COLUMNS,
    ).fillna({"detail": ""})
    writer = BatchWriter(store, "refusals.nmea", bulk=True)
    names = [f"SHIP {k}" for k in range(9)]
    writer.load(batch(identities(*names[:4], TOO_LONG, *names[4:]), stations("HAKATA"), junk))
    writer.load(
        batch(identities(), stations("KOKURA", TOO_LONG, first_mmsi=4310010), junk.iloc[:0])
    )
    stats = IngestStats()
    writer.finish(stats)

    assert stats.rejected == {"store_refused": 2}
    assert store.table_counts()["vessels"] == 9
    assert sorted(store.vessels()["name"]) == sorted(names)
    with store.engine.connect() as conn:
        kept = conn.execute(text("SELECT reason, raw, detail FROM quarantine ORDER BY id")).all()
        station_names = conn.execute(text("SELECT name FROM ais_stations ORDER BY name")).all()
    assert [name for (name,) in station_names] == ["HAKATA", "KOKURA"]
    refused = [(raw, detail) for reason, raw, detail in kept if reason == "store_refused"]
    assert sorted(raw.split(":")[0] for raw, _ in refused) == ["ais_stations", "vessel_identities"]
    assert all(TOO_LONG.strip() in raw for raw, _ in refused)
    assert all("value too long" in detail for _, detail in refused)
    (junk_raw,) = [raw for reason, raw, _ in kept if reason == "malformed_sentence"]
    assert junk_raw == "!AIVDM\\x00\\x01junk"  # NUL bytes, which text cannot hold, escaped
