"""Decoding chunks: the fast path agrees with pyais; every kind of bad input has a reason."""

import random

import numpy as np
import pandas as pd
import pyais
import pytest

from ais_ingest.decode import decode_chunk, finish
from ais_ingest.fastdecode import decode_positions
from ais_ingest.records import IDENTITY_COLUMNS, STATION_COLUMNS, Decoded
from surveillance.ingest import REJECT_COLUMNS
from tests.builders.clock import T0_S
from tests.builders.nmea import feed, position, sentences, static, tagged

NOW = T0_S + 3600


def decode(*lines: str, assume: float | None = None):
    return decode_chunk(feed(*lines), NOW, assume_ts=assume)


def random_position(rng: random.Random) -> str:
    return position(
        msg_type=rng.choice([1, 2, 3, 18]),
        mmsi=rng.randrange(200_000_000, 800_000_000),
        lon=rng.uniform(-180, 180),
        lat=rng.uniform(-90, 90),
        speed=rng.uniform(0, 102.3),
        course=rng.uniform(0, 360),
        heading=rng.randrange(0, 512),
        second=rng.randrange(0, 64),
        status=rng.randrange(0, 16),
    )


def test_the_vectorized_decoder_matches_pyais_message_by_message() -> None:
    rng = random.Random(42)
    lines = [random_position(rng) for _ in range(3000)]
    payloads = np.frombuffer("".join(s.split(",")[5] for s in lines).encode(), np.uint8)
    ours = decode_positions(payloads.reshape(-1, 28))
    for i, line in enumerate(lines):
        theirs = pyais.decode(line)
        assert ours["msg_type"][i] == theirs.msg_type
        assert ours["mmsi"][i] == theirs.mmsi
        assert ours["lon"][i] / 600_000 == pytest.approx(theirs.lon, abs=1e-6)
        assert ours["lat"][i] / 600_000 == pytest.approx(theirs.lat, abs=1e-6)
        assert ours["sog"][i] / 10 == pytest.approx(theirs.speed)
        assert ours["cog"][i] / 10 == pytest.approx(theirs.course)
        assert (ours["heading"][i], ours["second"][i]) == (theirs.heading, theirs.second)
        if theirs.msg_type != 18:
            assert ours["status"][i] == int(theirs.status)


def test_good_reports_become_positions_with_units() -> None:
    decoded = decode(tagged(position(lon=130.25, lat=33.5, speed=12.3, heading=511), T0_S))
    row = decoded.positions.iloc[0]
    assert (row["mmsi"], row["ts"], row["msg_type"]) == (431000001, T0_S, 1)
    assert (row["lon"], row["lat"], row["sog_knots"]) == pytest.approx((130.25, 33.5, 12.3))
    assert np.isnan(row["heading_deg"])  # 511: not available
    assert decoded.rejects.empty


def test_a_two_sentence_static_message_gives_an_identity() -> None:
    first, second = static(name="SEA STAR")
    decoded = decode(tagged(first, T0_S), second)
    identity = decoded.identities.iloc[0]
    assert (identity["name"], identity["callsign"], identity["imo"]) == (
        "SEA STAR",
        "JABC",
        9123456,
    )
    assert (identity["length_m"], identity["beam_m"], identity["flag"]) == (120, 20, "JP")
    assert identity["ts"] == T0_S


def test_interleaved_fragments_are_paired_by_sequence_id_and_channel() -> None:
    a1, a2 = static(mmsi=431000001, name="ALPHA", seq_id=1, channel="A")
    b1, b2 = static(mmsi=431000002, name="BRAVO", seq_id=2, channel="B")
    decoded = decode(*(tagged(s, T0_S) for s in (a1, b1, a2, b2)))
    assert sorted(decoded.identities["name"]) == ["ALPHA", "BRAVO"]
    assert not decoded.loose


def test_a_lost_fragment_is_handed_back_not_dropped() -> None:
    first, _ = static()
    decoded = decode(tagged(first, T0_S), tagged(position(), T0_S))
    assert len(decoded.loose) == 1 and decoded.loose[0].number == 1
    assert len(decoded.positions) == 1


@pytest.mark.parametrize(
    "bad_line, reason",
    [
        (tagged(position()[:-2] + "00", T0_S), "bad_checksum"),
        (tagged("!AIVDM,1,1,,A,15RTgt0P", T0_S), "malformed_sentence"),
        (tagged(position(lon=181, lat=91), T0_S), "position_not_available"),
        (tagged(position(mmsi=12345), T0_S), "invalid_mmsi"),
        (tagged(position(mmsi=100_000_001), T0_S), "invalid_mmsi"),
        (tagged(position(mmsi=990_000_001), T0_S), "unknown_mid"),
        (position(), "no_timestamp"),
        (tagged(position(), NOW + 86_400), "timestamp_in_future"),
        (tagged(position(), 631_152_000), "timestamp_before_era"),  # 1990
        (tagged("!AIVDM,1,1,,A,1!!!!!!!!!!!!!!!!!!!!!!!!!!!,0*" + "00", T0_S), "bad_checksum"),
    ],
)
def test_each_bad_input_is_rejected_with_its_reason(bad_line: str, reason: str) -> None:
    good = [tagged(position(mmsi=431000000 + k, lon=130 + k / 10), T0_S) for k in range(3)]
    decoded = decode(good[0], bad_line, good[1], good[2])
    assert list(decoded.rejects["reason"]) == [reason]
    assert decoded.rejects["raw"].iloc[0].decode().endswith(bad_line.split("\\")[-1])
    assert sorted(decoded.positions["mmsi"]) == [431000000, 431000001, 431000002]


def test_out_of_range_positions_are_rejected() -> None:
    decoded = decode(tagged(position(lat=95.0), T0_S))
    assert list(decoded.rejects["reason"]) == ["position_out_of_range"]


def test_the_same_report_from_two_receivers_is_kept_once() -> None:
    line = position()
    decoded = decode(tagged(line, T0_S, "rx1"), tagged(line, T0_S + 0.4, "rx2"))
    assert len(decoded.positions) == 1 and decoded.counts["duplicates"] == 1


def test_a_time_can_be_assumed_for_lines_without_one() -> None:
    decoded = decode(position(), assume=T0_S)
    assert decoded.rejects.empty and decoded.positions.iloc[0]["ts"] == T0_S


def test_other_message_types_are_counted_not_lost() -> None:
    (line,) = sentences({"type": 4, "mmsi": 3669702, "lon": 130.1, "lat": 33.6, "year": 2026})
    decoded = decode(tagged(line, T0_S))
    station = decoded.stations.iloc[0]
    assert (station["kind"], station["flag"]) == ("base_station", "US")
    assert decoded.counts["type_4"] == 1


def test_a_chunk_of_nothing_but_bad_static_data_is_rejected_not_a_crash() -> None:
    first, second = static(mmsi=12345)
    decoded = decode(tagged(first, T0_S), second)
    assert list(decoded.rejects["reason"]) == ["invalid_mmsi"]
    assert decoded.positions.empty and decoded.identities.empty


def test_records_without_a_payload_are_told_apart_by_their_time_and_fields() -> None:
    rows = [(T0_S, 130.0), (T0_S, 130.0), (T0_S + 30, 130.0), (T0_S, 130.5)]  # 2nd: a repeat
    positions = pd.DataFrame(
        {
            "mmsi": 431000001,
            "ts": [t for t, _ in rows],
            "lon": [lon for _, lon in rows],
            "lat": 34.0,
            **dict.fromkeys(("sog_knots", "cog_deg", "heading_deg", "nav_status"), np.nan),
            "msg_type": 1.0,
            "raw": [b"row"] * len(rows),
        }
    )
    empty = [pd.DataFrame(columns=[*c, "raw"]) for c in (IDENTITY_COLUMNS, STATION_COLUMNS)]
    decoded = finish(Decoded(positions, *empty, pd.DataFrame(columns=REJECT_COLUMNS)), NOW)
    assert decoded.counts["duplicates"] == 1
    assert decoded.positions[["ts", "lon"]].to_numpy().tolist() == [
        [T0_S, 130.0],
        [T0_S + 30, 130.0],
        [T0_S, 130.5],
    ]
