"""Noise never costs a good record: every way a line can be broken is a counted reject with
its reason, the quarantine can keep it, and the intact lines around it are decoded."""

import numpy as np
import pytest

from ais_ingest.decode import MAX_RAW_BYTES, decode_chunk
from surveillance.ingest import quarantine_frame
from tests.builders.clock import T0_S
from tests.builders.nmea import checksum, feed, position, static, tagged

NOW = T0_S + 3600
BEFORE = tagged(position(mmsi=431000001), T0_S)
AFTER = tagged(position(mmsi=431000002), T0_S + 1)
SENTENCE = position(mmsi=431000003)


def tag(body: str) -> str:
    return f"\\{body}*{checksum(body)}\\{SENTENCE}"


@pytest.mark.parametrize(
    "line, reason",
    [
        (tagged(SENTENCE[:-2] + "00", T0_S), "bad_checksum"),
        ("\\s:rx1,c:1764194400*7F\\" + SENTENCE, "bad_tag_checksum"),
        (tag("s:rx1,c:99999999999999999"), "timestamp_in_future"),
        (tag("s:rx1,c:1"), "timestamp_before_era"),
        (tag("s:rx1,c:17641x4400"), "no_timestamp"),
        ("9999-99-99T99:99:99Z " + SENTENCE, "no_timestamp"),
        ("\x00\x01\x02\xfe\xff garbage", "malformed_sentence"),
        (tagged(SENTENCE, T0_S)[:-9], "malformed_sentence"),
        (tagged(SENTENCE.replace(",", ",\x00", 1), T0_S), "malformed_sentence"),
        ("!AIVDM,1,1,,A,\xff\xfe\xfd" + "x" * 25 + ",0*00", "bad_checksum"),
    ],
    ids=[
        "sentence checksum",
        "tag checksum",
        "time past 2100",
        "time in 1970",
        "time not a number",
        "impossible column time",
        "binary junk",
        "truncated",
        "nul byte",
        "invalid utf-8",
    ],
)
def test_each_broken_line_is_one_reject_and_its_neighbours_are_kept(line: str, reason: str) -> None:
    # latin-1: one byte a character, so "\xff" is a byte that is not UTF-8
    buf = b"\n".join([BEFORE.encode(), line.encode("latin-1"), AFTER.encode()]) + b"\n"
    decoded = decode_chunk(buf, NOW)
    assert list(decoded.rejects["reason"]) == [reason]
    assert sorted(decoded.positions["mmsi"]) == [431000001, 431000002]
    rows = quarantine_frame("feed.nmea", decoded.rejects, NOW)
    assert rows["received_at"].notna().all()
    assert "\x00" not in rows["raw"].iloc[0]


def test_a_400_kb_line_is_kept_cut_with_its_length() -> None:
    decoded = decode_chunk(feed(BEFORE, "!AIVDM," + "7" * 400_000, AFTER), NOW)
    (reject,) = decoded.rejects.itertuples()
    assert reject.reason == "malformed_sentence"
    assert len(reject.raw) == MAX_RAW_BYTES
    assert reject.detail == f"line of 400,007 bytes, cut to {MAX_RAW_BYTES:,}"
    assert len(decoded.positions) == 2


def test_a_truncated_fragment_loses_only_its_own_message() -> None:
    first, second = static(mmsi=431000005)
    decoded = decode_chunk(feed(BEFORE, tagged(first, T0_S), second[:12], AFTER), NOW)
    assert sorted(decoded.rejects["reason"]) == ["malformed_sentence"]
    assert [f.raw for f in decoded.loose] == [tagged(first, T0_S).encode()]
    assert len(decoded.positions) == 2


def test_a_reject_with_an_impossible_time_is_quarantined_at_an_unknown_time() -> None:
    decoded = decode_chunk(feed(tag("s:rx1,c:99999999999999999")), NOW)
    assert np.isnan(decoded.rejects["ts"].iloc[0])
    rows = quarantine_frame("feed.nmea", decoded.rejects, NOW)
    assert rows["received_at"].iloc[0].timestamp() == NOW
