"""NMEA files read in chunks of whole lines, whatever their last line holds."""

from pathlib import Path

from ais_ingest.files import read_chunks
from tests.builders.clock import T0_S
from tests.builders.nmea import gatehouse, position


def test_a_file_without_a_final_newline_ends_in_its_last_line(tmp_path: Path) -> None:
    path = tmp_path / "junk.bin"
    path.write_bytes(b"\xff\x00 junk \x01" * 5000)  # no newline anywhere
    chunks = list(read_chunks(path, chunk_bytes=4096))
    assert [data for _, data in chunks] == [path.read_bytes() + b"\n"]
    assert chunks[-1][0] == path.stat().st_size


def test_a_gatehouse_header_stays_with_the_sentence_it_times(tmp_path: Path) -> None:
    lines = []
    for k in range(50):
        lines += [gatehouse(T0_S + k), position(mmsi=431000000 + k)]
    path = tmp_path / "gatehouse.nmea"
    path.write_text("\n".join(lines) + "\n")
    chunks = [data for _, data in read_chunks(path, chunk_bytes=300)]
    assert b"".join(chunks) == path.read_bytes()
    assert len(chunks) > 10
    assert all(chunk.splitlines()[0].startswith(b"$PGHP") for chunk in chunks)
