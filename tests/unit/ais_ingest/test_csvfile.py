"""CSV exports read in blocks: every row once, blanks stripped, malformed rows set aside
without costing the rows around them, and the rows parsed as the NMEA records are."""

from __future__ import annotations

from pathlib import Path

from ais_ingest.csvfile import CsvFile
from ais_ingest.csvformats import CsvParse
from tests.builders.clock import T0_S

HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)


def export(tmp_path: Path, rows: int, broken_every: int = 0) -> Path:
    lines = [HEADER]
    for k in range(rows):
        if broken_every and k % broken_every == broken_every - 1:
            lines.append(f"367{k:06d},2026-11-26T21:00:00,1,2,3")  # five fields of seventeen
            continue
        minute, second = divmod(k % 3600, 60)
        lines.append(
            f"367{k:06d}, 2026-11-26T21:{minute:02d}:{second:02d} ,33.5,130.1,10.0,90.0,91,"
            f"SHIP {k},IMO9{k:06d},WDA{k},70,0,120,20,7.1,70,A"
        )
    path = tmp_path / "export.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def test_every_row_is_read_once_across_blocks(tmp_path: Path) -> None:
    blocks = list(CsvFile(export(tmp_path, 3000), block_bytes=16 << 10).read())
    assert len(blocks) > 5
    mmsi = [m for block in blocks for m in block.frame["MMSI"]]
    assert mmsi == [f"367{k:06d}" for k in range(3000)]
    assert blocks[0].frame["BaseDateTime"][0] == "2026-11-26T21:00:00"  # blanks stripped


def test_malformed_rows_are_set_aside_and_their_blocks_kept(tmp_path: Path) -> None:
    blocks = list(CsvFile(export(tmp_path, 3000, broken_every=100), block_bytes=16 << 10).read())
    malformed = [line for block in blocks for line in block.malformed]
    assert len(malformed) == 30 and malformed[0] == b"367000099,2026-11-26T21:00:00,1,2,3"
    assert sum(len(block.frame) for block in blocks) == 2970


def test_rows_become_validated_records_with_their_rejects(tmp_path: Path) -> None:
    path = export(tmp_path, 200, broken_every=50)
    batches = list(CsvParse("marinecadastre", T0_S + 3600)(CsvFile(path).read()))
    positions = sum(len(b.positions) for b in batches)
    rejects = [r for b in batches for r in b.rejects["reason"]]
    assert positions == 196 and rejects == ["malformed_row"] * 4
    (batch,) = batches
    assert batch.identities["imo"].iloc[1] == 9000001
    assert batch.positions["key_hash"].is_unique
