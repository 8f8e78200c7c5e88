"""CSV exports (MarineCadastre, Danish Maritime Authority) detected and loaded like NMEA."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from ais_ingest.files import detect_format
from ais_ingest.pipeline import ingest_files
from surveillance.store import Store
from tests.builders.clock import T0_S

NOW_S = T0_S + 3600

MARINECADASTRE = """\
MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,Length,Width,Draft,Cargo,TransceiverClass
367004000,2026-11-26T21:00:00,33.6,130.1,12.1,45.0,44,SEA HAWK,IMO9337963,WDA1234,70,0,120,20,7.1,70,A
367004000,2026-11-26T21:01:00,33.61,130.11,12.0,45.5,511,SEA HAWK,IMO9337963,WDA1234,70,0,120,20,7.1,70,A
338123000,2026-11-26T21:00:30,33.7,130.2,5.0,360.0,511,,,,37,15,,,,,B
367004001,2026-11-26T21:02:00,91.0,181.0,0,0,511,BAD POSITION,,,70,0,,,,,A
12345,2026-11-26T21:02:00,33.7,130.2,5.0,10,10,TOO SHORT,,,70,0,,,,,A
367004002,not a time,33.7,130.2,5.0,10,10,NO TIME,,,70,0,,,,,A
"""

DMA = """\
# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,Data source type,A,B,C,D
26/11/2026 21:00:00,Class A,219000001,55.6,12.6,Under way using engine,0,10.0,180.0,181,9123456,OXAB2,DANA,Cargo,,20,120,GPS,6.5,AARHUS,,AIS,100,20,10,10
26/11/2026 21:00:10,Class B,219000002,55.7,12.7,Unknown value,,4.0,90.0,,Unknown,Unknown,Unknown,Pleasure,,3,10,GPS,,Unknown,,AIS,,,,
26/11/2026 21:00:20,Base Station,2190068,55.8,12.8,Unknown value,,,,,,,,Undefined,,,,Surveyed,,,,AIS,,,,
26/11/2026 21:00:30,Class A,219000001,55.61,12.61,Under way using engine,0,10.0,181.0,181,9123456,OXAB2,DANA,Cargo,,20,120,GPS,6.5,AARHUS,,AIS,100,20,10,10
"""


def test_formats_are_detected_from_the_header(tmp_path: Path) -> None:
    (tmp_path / "mc.csv").write_text(MARINECADASTRE)
    (tmp_path / "dma.csv").write_text(DMA)
    (tmp_path / "feed.nmea").write_text("!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A\n")
    assert detect_format(tmp_path / "mc.csv") == "marinecadastre"
    assert detect_format(tmp_path / "dma.csv") == "dma"
    assert detect_format(tmp_path / "feed.nmea") == "nmea"


def test_a_marinecadastre_export_loads_with_its_rejects(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "AIS_2026_11_26.csv"
    export.write_text(MARINECADASTRE)
    stats = ingest_files([export], store, now_s=NOW_S)
    assert stats.positions == 3
    assert dict(stats.rejected) == {
        "position_not_available": 1,
        "invalid_mmsi": 1,
        "no_timestamp": 1,
    }
    vessel = store.vessels([367004000]).iloc[0]
    assert (vessel["name"], vessel["imo"], vessel["callsign"], vessel["flag"]) == (
        "SEA HAWK",
        9337963,
        "WDA1234",
        "US",
    )
    positions = store.positions(mmsi=[367004000, 338123000])
    assert positions["heading_deg"].isna().sum() == 2  # 511: not available
    assert set(positions["msg_type"]) == {1, 18}
    assert ingest_files([export], store, now_s=NOW_S).positions == 0


def test_a_dma_export_loads_ships_and_skips_other_mobiles(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "aisdk-2026-11-26.csv"
    export.write_text(DMA)
    stats = ingest_files([export], store, now_s=NOW_S)
    assert stats.positions == 3 and not stats.rejected
    vessel = store.vessels([219000001]).iloc[0]
    assert (vessel["name"], vessel["ship_type"], vessel["flag"]) == ("DANA", 70, "DK")
    assert list(store.positions(mmsi=[219000001])["cog_deg"]) == [180.0, 181.0]
    assert store.table_counts()["ais_stations"] == 0  # base stations rows are not ships


def test_a_broken_csv_row_is_counted_not_lost(store: Store, tmp_path: Path) -> None:
    export = tmp_path / "broken.csv"
    lines = MARINECADASTRE.splitlines()
    export.write_text(
        "\n".join(
            [
                *lines[:3],
                "367009999,2026-11-26T21:00:00,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18",
                *lines[3:4],
            ]
        )
        + "\n"
    )
    stats = ingest_files([export], store, now_s=NOW_S)
    assert stats.rejected["malformed_row"] == 1 and stats.positions == 3
    with store.engine.connect() as conn:
        reasons = set(conn.execute(text("SELECT reason FROM quarantine")).scalars())
    assert "malformed_row" in reasons
