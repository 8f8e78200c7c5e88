"""When and by whom a line was received, in every format feeds use, one or mixed."""

import numpy as np
import pytest

from ais_ingest.decode import AssumedTime, decode_chunk
from ais_ingest.framing import LineKind, frame_lines
from tests.builders.clock import T0_S
from tests.builders.nmea import checksum, feed, gatehouse, position, tagged, uscg

NOW = T0_S + 3600
SENTENCE = position(mmsi=431000001)


def test_a_uscg_log_line_gives_its_time_and_station() -> None:
    frames = frame_lines(feed(uscg(SENTENCE, T0_S, station="b003669794")))
    assert frames.kind[0] == LineKind.AIS and frames.checksum_ok[0]
    assert frames.ts[0] == T0_S
    assert frames.station[0] == "b003669794"
    assert frames.sentence(0) == SENTENCE.encode()


def test_the_longer_uscg_variant_takes_the_r_station_and_the_last_field() -> None:
    line = f"{SENTENCE},d-093,S2212,t235959.00,T59.00339837,r09STOL1,{int(T0_S)}"
    frames = frame_lines(feed(line))
    assert (frames.ts[0], frames.station[0]) == (T0_S, "r09STOL1")


def test_receiver_fields_without_a_time_give_none() -> None:
    frames = frame_lines(feed(SENTENCE + ",s36310,d-081,T59.01777335"))
    assert frames.kind[0] == LineKind.AIS and np.isnan(frames.ts[0])
    assert frames.station[0] is None


def test_a_tag_block_gives_its_station() -> None:
    frames = frame_lines(feed(tagged(SENTENCE, T0_S, station="rx07")))
    assert (frames.ts[0], frames.station[0]) == (T0_S, "rx07")


@pytest.mark.parametrize(
    "line",
    [
        "\\s:rx1,c:1764194400*00\\" + SENTENCE,  # wrong checksum
        "\\s:rx1,c:1764194400*4\\" + SENTENCE,  # one hex digit
        "\\s:rx1,c:1764194400\\" + SENTENCE,  # no checksum at all
        "\\s:rx1,c:1764194400*" + SENTENCE,  # never closed
    ],
    ids=["wrong", "one digit", "none", "unclosed"],
)
def test_a_broken_tag_block_is_a_reject_of_its_own(line: str) -> None:
    assert frame_lines(feed(line)).kind[0] == LineKind.BAD_TAG
    decoded = decode_chunk(feed(line, tagged(SENTENCE, T0_S)), NOW)
    assert list(decoded.rejects["reason"]) == ["bad_tag_checksum"]
    assert len(decoded.positions) == 1


def test_a_gatehouse_header_times_the_next_sentence_only() -> None:
    lines = [gatehouse(T0_S + 1.5), "# a comment", SENTENCE, position(mmsi=431000002)]
    frames = frame_lines(feed(*lines))
    assert list(frames.kind) == [LineKind.TIME_HEADER, LineKind.BLANK, LineKind.AIS, LineKind.AIS]
    assert frames.ts[2] == T0_S + 1.5 and np.isnan(frames.ts[3])


def test_a_gatehouse_header_without_a_sentence_is_harmless() -> None:
    lines = [gatehouse(T0_S), gatehouse(T0_S + 9), SENTENCE, gatehouse(T0_S + 20)]
    decoded = decode_chunk(feed(*lines), NOW)
    assert list(decoded.positions["ts"]) == [T0_S + 9]
    assert decoded.rejects.empty and decoded.counts["time_headers"] == 3


@pytest.mark.parametrize(
    "body",
    ["PGHP,1,2026,2,30,0,0,0,0,338,2,,1,09", "PGHP,1,2026,X,1,0,0,0,0,338,2,,1,09"],
    ids=["no such day", "not a number"],
)
def test_a_gatehouse_header_naming_no_real_time_is_rejected(body: str) -> None:
    decoded = decode_chunk(feed(f"${body}*{checksum(body)}", SENTENCE), NOW)
    assert sorted(decoded.rejects["reason"]) == ["bad_time_header", "no_timestamp"]


def test_a_gatehouse_header_failing_its_checksum_times_nothing() -> None:
    header = gatehouse(T0_S)
    bad = header[:-2] + ("00" if header[-2:] != "00" else "01")
    frames = frame_lines(feed(bad, SENTENCE))
    assert frames.kind[0] == LineKind.BAD_TIME_HEADER and np.isnan(frames.ts[1])


@pytest.mark.parametrize("talker", ["AI", "AB", "AD", "AN", "AR", "AS", "AT", "AX", "BS", "SA"])
def test_every_talker_is_ais(talker: str) -> None:
    body = SENTENCE[1:].split("*")[0].replace("AI", talker, 1)
    frames = frame_lines(feed(tagged(f"!{body}*{checksum(body)}", T0_S)))
    assert frames.kind[0] == LineKind.AIS and frames.checksum_ok[0]


def test_a_talker_that_is_not_two_letters_is_malformed() -> None:
    body = SENTENCE[1:].split("*")[0].replace("AI", "A1", 1)
    assert frame_lines(feed(f"!{body}*{checksum(body)}")).kind[0] == LineKind.MALFORMED


def test_one_file_may_mix_every_format() -> None:
    lines = [
        tagged(position(mmsi=431000001), T0_S, station="rx1"),
        uscg(position(mmsi=431000002), T0_S + 1, station="r17PJUN1"),
        gatehouse(T0_S + 2),
        position(mmsi=431000003),
        f"{T0_S + 3:.0f};{position(mmsi=431000004)}",
        "$GPRMC,213950.00,A,5250.53669,N,00542.34920,E,0.020,,070420,,,A*7D",
    ]
    decoded = decode_chunk(feed(*lines), NOW)
    positions = decoded.positions.sort_values("mmsi")
    assert list(positions["ts"]) == [T0_S, T0_S + 1, T0_S + 2, T0_S + 3]
    assert list(positions["station"]) == ["rx1", "r17PJUN1", None, None]
    assert decoded.rejects.empty and decoded.counts["other_nmea"] == 1


def in_two(sentence: str, seq: int = 3) -> list[str]:
    """A single-sentence message sent as two fragments, as some transmitters do."""
    payload, fill = sentence.split(",")[5], sentence.split(",")[6][0]
    parts = [(payload[:14], "0"), (payload[14:], fill)]
    bodies = [f"AIVDM,2,{n},{seq},A,{p},{f}" for n, (p, f) in enumerate(parts, start=1)]
    return [f"!{b}*{checksum(b)}" for b in bodies]


@pytest.mark.parametrize("between", [[], [position(mmsi=431000009)]], ids=["next", "apart"])
def test_the_station_of_a_two_sentence_message_is_its_first_fragments(between: list) -> None:
    first, second = in_two(SENTENCE)
    decoded = decode_chunk(feed(tagged(first, T0_S, station="rx5"), *between, second), NOW)
    positions = decoded.positions.set_index("mmsi")
    assert positions.loc[431000001, "station"] == "rx5"
    assert positions.loc[431000001, "ts"] == T0_S


def test_a_slow_path_position_keeps_its_station() -> None:
    report = position(mmsi=431000001, msg_type=27, lon=130.0, lat=34.0)
    decoded = decode_chunk(feed(uscg(report, T0_S, station="rCUDJOE_01")), NOW)
    assert list(decoded.positions["station"]) == ["rCUDJOE_01"]
    assert decoded.positions["key_hash"].dtype == np.int64


def test_assumed_times_step_in_file_order() -> None:
    lines = [position(mmsi=431000001), tagged(position(mmsi=431000002), T0_S - 60)]
    lines += [position(mmsi=431000001)] * 2
    assume = AssumedTime(T0_S, step_s=0.001, first_line=1000)
    decoded = decode_chunk(feed(*lines), NOW, assume_ts=assume)
    assert sorted(decoded.positions["ts"]) == pytest.approx([T0_S - 60, T0_S + 1.0])
    # the same payload twice within the dedup window is one report heard twice
    assert decoded.counts["duplicates"] == 2
