"""The telemetry parse: MAVLink packets (as a .tlog or a live stream) to drone_telemetry rows,
bad bytes and impossible positions to rejects with their reason."""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Sequence

import pandas as pd

from drone_ops.telemetry.parse import TelemetryBatch, TelemetryParse
from drone_ops.telemetry.sources import Chunk
from tests.builders.clock import T0_S
from tests.builders.mavlink import Vehicle, tlog


def parse(chunks: Sequence[Chunk], names: dict[int, str] | None = None) -> TelemetryBatch:
    """Every batch of the parse, as one."""
    batches = list(TelemetryParse(names or {}, flush_s=3600)(iter(chunks)))
    rows = pd.concat([b.rows for b in batches], ignore_index=True)
    rejects = pd.concat([b.rejects for b in batches], ignore_index=True)
    counts: Counter[str] = sum((b.counts for b in batches), start=Counter())
    return TelemetryBatch(
        rows,
        rejects,
        counts,
        sum(b.messages for b in batches),
        set().union(*(b.system_ids for b in batches)),
    )


def from_log(data: bytes, names: dict[int, str] | None = None, piece: int = 0) -> TelemetryBatch:
    pieces = [data[i : i + piece] for i in range(0, len(data), piece)] if piece else [data]
    chunks = [Chunk("flight.tlog", p, T0_S + 999, logged=True) for p in pieces]
    return parse([*chunks, Chunk("flight.tlog", b"", T0_S + 999, logged=True, last=True)], names)


def test_a_position_carries_the_vehicles_latest_heartbeat_battery_and_mission_item() -> None:
    v = Vehicle(7)
    data = tlog(
        [
            (T0_S, v.heartbeat(armed=True)),
            (T0_S + 0.1, v.battery(81)),
            (T0_S + 0.2, v.current(2)),
            (T0_S + 0.5, v.position(43.1234567, 5.9876543, alt_m=40.0)),
        ]
    )
    batch = from_log(data)
    assert len(batch.rows) == 1
    row = batch.rows.iloc[0]
    assert row["drone_id"] == "mav7"
    assert row["ts"] == pd.Timestamp("2026-11-26T22:00:00.5Z")
    assert (row["lat"], row["lon"]) == (43.1234567, 5.9876543)
    assert row["altitude_m"] == 40.0
    assert row["groundspeed_mps"] == 5.0  # vx 3 m/s, vy 4 m/s
    assert row["heading_deg"] == 90.0
    assert row["battery_pct"] == 81.0
    assert row["mission_seq"] == 2
    assert row["mode"] == "MISSION"
    assert bool(row["armed"]) is True
    assert row["link"] == "flight.tlog"
    assert row["system_id"] == 7
    assert batch.messages == 4 and batch.rejects.empty


def test_an_item_reached_shows_on_the_next_row_and_is_carried_forward() -> None:
    v = Vehicle(1)
    batch = from_log(
        tlog(
            [
                (T0_S, v.position(43.0, 6.0)),
                (T0_S + 0.5, v.reached(3)),
                (T0_S + 1, v.position(43.0001, 6.0)),
                (T0_S + 2, v.position(43.0002, 6.0)),
            ]
        )
    )
    assert batch.rows["reached_seq"].tolist() == [pd.NA, 3, 3]
    assert batch.rows["mode"].isna().all()  # no heartbeat heard yet


def test_two_vehicles_interleaved_keep_their_own_state() -> None:
    a, b = Vehicle(1), Vehicle(2)
    batch = from_log(
        tlog(
            [
                (T0_S, a.battery(90)),
                (T0_S + 0.1, b.battery(40)),
                (T0_S + 0.2, b.current(5)),
                (T0_S + 0.3, a.position(43.0, 6.0)),
                (T0_S + 0.4, b.position(43.5, 6.5)),
                (T0_S + 1.3, a.position(43.001, 6.0)),
            ]
        ),
        names={2: "bravo"},
    )
    by_drone = batch.rows.groupby("drone_id")
    assert by_drone["battery_pct"].first().to_dict() == {"bravo": 40.0, "mav1": 90.0}
    seq = batch.rows.groupby("drone_id")["mission_seq"].agg(list).to_dict()
    assert seq == {"bravo": [5], "mav1": [pd.NA, pd.NA]}
    assert batch.rows["drone_id"].tolist() == ["mav1", "bravo", "mav1"]
    assert batch.system_ids == {1, 2}


def test_junk_between_packets_is_one_reject_per_run_and_no_row_is_lost() -> None:
    v = Vehicle(3)
    records = [(T0_S + i, v.position(43.0 + i / 1000, 6.0)) for i in range(4)]
    data = tlog(records[:2]) + b"\x00garbage\xfd\x13bytes" + tlog(records[2:]) + b"\xfe" * 5
    batch = from_log(data)
    assert len(batch.rows) == 4
    assert batch.rejects["reason"].tolist() == ["junk_bytes", "junk_bytes"]
    assert batch.rejects["raw"].iloc[0] == b"\x00garbage\xfd\x13bytes".hex()


def test_a_tlog_in_small_pieces_reads_as_it_does_whole() -> None:
    v = Vehicle(3)
    records = [(T0_S + i, v.position(43.0 + i / 1000, 6.0)) for i in range(5)]
    data = tlog(records[:2]) + b"junk!" + tlog(records[2:])
    whole, pieces = from_log(data), from_log(data, piece=7)
    pd.testing.assert_frame_equal(whole.rows, pieces.rows)
    assert pieces.rejects["reason"].tolist() == whole.rejects["reason"].tolist() == ["junk_bytes"]


def test_a_packet_with_a_broken_crc_is_counted_and_the_next_one_read() -> None:
    v = Vehicle(4)
    broken = bytearray(v.position(43.0, 6.0))
    broken[14] ^= 0xFF  # a payload byte: the CRC no longer matches
    batch = from_log(tlog([(T0_S, bytes(broken)), (T0_S + 1, v.position(43.1, 6.0))]))
    assert batch.rejects["reason"].tolist() == ["crc_error"]
    assert "CRC" in batch.rejects["detail"].iloc[0]
    assert batch.rows["lat"].tolist() == [43.1]


def test_an_unknown_message_id_is_a_reject_with_the_id() -> None:
    payload = b"\x01\x02\x03"
    header = struct.pack("<BBBBBBBHB", 0xFD, len(payload), 0, 0, 0, 9, 1, 0xAD9C, 0)
    unknown = header + payload + b"\x00\x00"  # message id 44444: not in the dialect
    v = Vehicle(9)
    batch = from_log(tlog([(T0_S, unknown), (T0_S + 1, v.position(43.0, 6.0))]))
    assert batch.rejects["reason"].tolist() == ["unknown_message_id"]
    assert batch.rejects["detail"].iloc[0] == "message id 44444"
    assert len(batch.rows) == 1


def test_ground_station_heartbeats_are_passed_over() -> None:
    v, gcs = Vehicle(5), Vehicle(255, component_id=190)
    batch = from_log(
        tlog(
            [
                (T0_S, v.heartbeat(armed=False)),
                (T0_S + 0.1, gcs.heartbeat(gcs=True)),
                (T0_S + 0.2, v.position(43.0, 6.0)),
            ]
        )
    )
    assert batch.counts["not_vehicle_heartbeats"] == 1
    assert batch.rows["armed"].tolist() == [False]
    assert batch.system_ids == {5}


def test_positions_without_a_fix_or_out_of_range_are_rejected_with_the_reason() -> None:
    v = Vehicle(6)
    batch = from_log(
        tlog(
            [
                (T0_S, v.raw_position(0, 0)),
                (T0_S + 1, v.raw_position(95 * 10**7, 6 * 10**7)),
                (T0_S + 2, v.raw_position(43 * 10**7, -181 * 10**7)),
                (T0_S + 3, v.raw_position(43 * 10**7, 6 * 10**7)),
            ]
        )
    )
    assert batch.rejects["reason"].tolist() == [
        "no_position_fix",
        "position_out_of_range",
        "position_out_of_range",
    ]
    assert batch.rejects["ts"].tolist() == [T0_S, T0_S + 1, T0_S + 2]
    assert len(batch.rows) == 1 and batch.rows["heading_deg"].isna().all()


def test_a_log_ending_inside_a_packet_says_so() -> None:
    v = Vehicle(6)
    data = tlog([(T0_S, v.position(43.0, 6.0)), (T0_S + 1, v.position(43.1, 6.0))])
    batch = from_log(data[:-5])
    assert len(batch.rows) == 1
    assert batch.rejects["reason"].tolist() == ["junk_bytes"]
    assert "cut short" in batch.rejects["detail"].iloc[0]


def test_a_live_stream_takes_the_receive_time_kept_increasing_per_vehicle() -> None:
    v = Vehicle(8)
    two = v.position(43.0, 6.0) + v.position(43.001, 6.0)
    chunks = [
        Chunk("udpin:127.0.0.1:14550", two[:20], T0_S),
        Chunk("udpin:127.0.0.1:14550", two[20:] + b"\x01\x02junk", T0_S + 0.25),
        Chunk("udpin:127.0.0.1:14550", v.position(43.002, 6.0), T0_S + 0.5),
    ]
    batch = parse(chunks)
    assert batch.rows["ts"].tolist() == [
        pd.Timestamp("2026-11-26T22:00:00.25Z"),
        pd.Timestamp("2026-11-26T22:00:00.250001Z"),
        pd.Timestamp("2026-11-26T22:00:00.5Z"),
    ]
    assert batch.rejects["reason"].tolist() == ["junk_bytes"]


def test_a_packet_cut_short_when_the_link_drops_is_junk_not_glued_to_the_next() -> None:
    v = Vehicle(8)
    packet = v.position(43.0, 6.0)
    origin = "tcp:127.0.0.1:5760"
    batch = parse(
        [
            Chunk(origin, packet[:15], T0_S),
            Chunk(origin, b"", T0_S + 1, last=True),
            Chunk(origin, v.position(43.1, 6.0), T0_S + 2),
        ]
    )
    assert batch.rows["lat"].tolist() == [43.1]
    assert batch.rejects["reason"].tolist() == ["junk_bytes"]
