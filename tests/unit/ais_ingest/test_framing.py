"""Framing NMEA lines: fields, checksums, times, and what is not AIS."""

import numpy as np
import pytest

from ais_ingest.framing import LineKind, frame_lines
from tests.builders.clock import T0_S
from tests.builders.nmea import checksum, feed, position, tagged

SENTENCE = "!AIVDM,1,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A"


def test_an_ais_sentence_is_located_field_by_field() -> None:
    frames = frame_lines(feed(SENTENCE))
    assert frames.kind[0] == LineKind.AIS and frames.checksum_ok[0]
    assert (frames.count[0], frames.number[0], frames.seq[0], frames.fill[0]) == (1, 1, -1, 0)
    assert chr(frames.channel[0]) == "A"
    assert frames.payload(0) == b"15RTgt0PAso;90TKcjM8h6g208CQ"
    assert np.isnan(frames.ts[0])


@pytest.mark.parametrize(
    "line, expected_s",
    [
        (tagged(SENTENCE, T0_S), T0_S),
        (
            f"\\c:1764194400123,s:rx9*{checksum('c:1764194400123,s:rx9')}\\" + SENTENCE,
            1764194400.123,
        ),
        ("2026-11-26T22:00:00Z " + SENTENCE, T0_S),
        ("2026-11-26 22:00:00," + SENTENCE, T0_S),
        (f"{T0_S:.3f};" + SENTENCE, T0_S),
    ],
    ids=["tag block", "tag block ms", "iso column", "iso with space", "unix column"],
)
def test_times_come_from_tag_blocks_or_a_leading_column(line: str, expected_s: float) -> None:
    frames = frame_lines(feed(line))
    assert frames.kind[0] == LineKind.AIS and frames.checksum_ok[0]
    assert frames.ts[0] == pytest.approx(expected_s)


def test_a_bad_checksum_is_found() -> None:
    frames = frame_lines(feed(SENTENCE[:-2] + "4B"))
    assert frames.kind[0] == LineKind.AIS and not frames.checksum_ok[0]


@pytest.mark.parametrize(
    "line, kind",
    [
        ("$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D", LineKind.OTHER_NMEA),
        ("", LineKind.BLANK),
        ("   \t ", LineKind.BLANK),
        ("# a comment", LineKind.BLANK),
        ("!AIVDM,1,1,,A,15RTgt0PAso", LineKind.MALFORMED),
        ("AIVDM,2,2,1,B,00000000000,2*26", LineKind.MALFORMED),
        ("!AIVDM,X,1,,A,15RTgt0PAso;90TKcjM8h6g208CQ,0*4A", LineKind.MALFORMED),
        ("garbage \x00\xff line", LineKind.MALFORMED),
    ],
    ids=[
        "gps sentence",
        "empty",
        "whitespace",
        "comment",
        "truncated",
        "no bang",
        "bad count",
        "garbage",
    ],
)
def test_lines_that_are_not_ais_are_classified(line: str, kind: int) -> None:
    assert frame_lines(feed(line)).kind[0] == kind


def test_receiver_metadata_after_the_checksum_is_tolerated() -> None:
    frames = frame_lines(feed(SENTENCE + ",s36310,d-081,T59.01777335"))
    assert frames.kind[0] == LineKind.AIS and frames.checksum_ok[0]


def test_crlf_and_a_missing_final_newline() -> None:
    frames = frame_lines((position() + "\r\n" + position(mmsi=431000002)).encode())
    assert len(frames) == 2 and frames.checksum_ok.all()
