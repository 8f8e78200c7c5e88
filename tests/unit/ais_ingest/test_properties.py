"""Properties that hold for any input whatever (hypothesis): the framer, the tag-block
parser, the decoder and the CSV reader never raise, and every line is accounted for."""

from __future__ import annotations

import tempfile
from functools import reduce
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ais_ingest.csvfile import CsvFile
from ais_ingest.csvformats import CsvParse
from ais_ingest.decode import decode_chunk
from ais_ingest.framing import LineKind, frame_lines
from ais_ingest.receipt import Marks, tag_blocks
from tests.builders.clock import T0_S
from tests.builders.nmea import gatehouse, position, static, tagged, uscg

NOW = T0_S + 3600
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
KINDS = {v for k, v in vars(LineKind).items() if k.isupper()}
LINE_REJECTS = ("malformed_sentence", "bad_tag_checksum", "bad_time_header", "bad_checksum")

# lines as feeds send them, to be cut, spliced and damaged
GOOD = [
    tagged(position(mmsi=431000001), T0_S, station="rx1"),
    uscg(position(mmsi=431000002), T0_S + 1),
    gatehouse(T0_S + 2),
    position(mmsi=431000003),
    *[tagged(s, T0_S) for s in static(mmsi=431000004)],
    "$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
    "# a comment",
    "",
]
NMEA_BYTES = st.sampled_from(list(b"!$\\*,:.0123456789ABCDEFVDMOcgnrsbx-_ \x00\xff\r"))


@st.composite
def damaged_lines(draw: st.DrawFn) -> bytes:
    """A real-looking line, damaged: cut, characters replaced or inserted, or pure noise."""
    line = bytearray(draw(st.sampled_from(GOOD)).encode())
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(line)))
        action = draw(st.sampled_from(["replace", "insert", "cut"]))
        if action == "cut":
            del line[at:]
        elif action == "insert" or at == len(line):
            line[at:at] = bytes([draw(NMEA_BYTES)])
        else:
            line[at] = draw(st.integers(0, 255))
    noise = draw(st.binary(max_size=60))
    chosen = draw(st.sampled_from([bytes(line), noise]))
    return chosen.replace(b"\n", b"")


def account(buf: bytes) -> None:
    """Decode ``buf``: no exception, and each line counted exactly once."""
    decoded = decode_chunk(buf, NOW)
    counts = decoded.counts
    line_rejects = int(decoded.rejects["reason"].isin(LINE_REJECTS).sum())
    parts = counts["blank"] + counts["other_nmea"] + counts["time_headers"] + counts["sentences"]
    assert counts["lines"] == parts + line_rejects


@SETTINGS
@given(st.binary(max_size=2000))
def test_the_framer_takes_any_bytes(buf: bytes) -> None:
    frames = frame_lines(buf)
    assert len(frames) == buf.count(b"\n") + (not buf.endswith(b"\n") and len(buf) > 0)
    assert set(frames.kind.tolist()) <= KINDS
    ais = frames.kind == LineKind.AIS
    assert (frames.payload_start[ais] <= frames.payload_end[ais]).all()
    assert (frames.end[ais] <= len(frames.buf)).all()


@SETTINGS
@given(st.lists(damaged_lines(), max_size=30))
def test_the_decoder_never_raises_and_counts_every_line(lines: list[bytes]) -> None:
    account(b"\n".join(lines) + b"\n")


@SETTINGS
@given(st.binary(max_size=3000))
def test_the_decoder_takes_binary_junk(buf: bytes) -> None:
    account(buf + b"\n")


@SETTINGS
@given(st.lists(damaged_lines(), max_size=10), st.lists(damaged_lines(), max_size=10))
def test_intact_lines_among_damaged_ones_are_all_decoded(
    before: list[bytes], after: list[bytes]
) -> None:
    intact = [tagged(position(mmsi=431000100 + k, lon=130 + k / 10), T0_S + k) for k in range(3)]
    buf = b"\n".join([*before, *(line.encode() for line in intact), *after]) + b"\n"
    mmsi = set(decode_chunk(buf, NOW).positions["mmsi"])
    assert {431000100, 431000101, 431000102} <= mmsi


def xor(text: str) -> int:
    return reduce(lambda a, c: a ^ ord(c), text, 0)


TAG_TEXT = st.text(alphabet="abcgnrsx0123456789:,-_.", max_size=40)


@SETTINGS
@given(TAG_TEXT, st.integers(0, 255))
def test_a_tag_block_holds_exactly_when_its_checksum_does(body: str, stated: int) -> None:
    line = f"\\{body}*{stated:02X}\\!AIVDM".encode()
    arr = np.frombuffer(line + b"\n", dtype=np.uint8)
    tags = tag_blocks(Marks(arr), np.array([0]), np.array([len(line)]))
    assert tags.present[0]
    assert tags.ok[0] == (stated == xor(body) and len(body) > 0)


CSV_HEADER = (
    "MMSI,BaseDateTime,LAT,LON,SOG,COG,Heading,VesselName,IMO,CallSign,VesselType,Status,"
    "Length,Width,Draft,Cargo,TransceiverClass"
)
CSV_GOOD = (
    "431000001,2026-11-26T22:00:00,34.0,130.0,8.5,90.0,91.0,KAIYO MARU,IMO9123456,JABC,70,"
    "0.0,120.0,20.0,7.5,70.0,A"
)
CSV_JUNK = st.text(
    alphabet=st.characters(blacklist_characters='\n\r"', blacklist_categories=("Cs",)),
    max_size=80,
)


@settings(SETTINGS, max_examples=25)
@given(st.lists(CSV_JUNK, max_size=15))
def test_the_csv_reader_keeps_the_good_row_among_junk(junk: list[str]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "export.csv"
        path.write_text("\n".join([CSV_HEADER, *junk, CSV_GOOD, *junk]) + "\n")
        batches = list(CsvParse("marinecadastre", NOW)(CsvFile(path).read()))
    mmsi = {int(m) for batch in batches for m in batch.positions["mmsi"]}
    assert 431000001 in mmsi
