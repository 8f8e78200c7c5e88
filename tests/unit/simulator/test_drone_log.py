"""The scenario's drone logs: a flight flown to its end and written as a .tlog that
pymavlink's own log reader reads back, with every item reached on the way."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from drone_ops.link import mavutil
from drone_ops.plan import Cmd, MissionItem, Point
from simulator.drone_log import DroneFlight, fly
from tests.builders.clock import T0_S

HOME = Point(43.10, 5.90, 0.0)


def flight() -> DroneFlight:
    items = [
        MissionItem.at(Cmd.NAV_TAKEOFF, HOME.lat, HOME.lon, 60.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, 43.12, 5.92, 120.0),
        MissionItem.at(Cmd.NAV_RETURN_TO_LAUNCH, 0.0, 0.0, 0.0),
    ]
    event = {"type": "loitering", "mmsi": [431000001]}
    return DroneFlight(1, 3, HOME, items, T0_S, event)


def test_a_flight_log_reads_back_through_pymavlink_with_every_item_reached(
    tmp_path: Path,
) -> None:
    log = fly(flight())
    path = log.write(tmp_path)
    assert path == tmp_path / "drone" / "flight-1.tlog"
    reader = mavutil.mavlink_connection(str(path))
    kinds: Counter[str] = Counter()
    reached, times, senders = [], [], set()
    while (message := reader.recv_match()) is not None:
        kinds[message.get_type()] += 1
        times.append(message._timestamp)
        senders.add(message.get_srcSystem())
        if message.get_type() == "MISSION_ITEM_REACHED":
            reached.append(message.seq)
    assert "BAD_DATA" not in kinds
    assert reached == [0, 1, 2]
    assert senders == {3, 255}  # the vehicle and the ground station's heartbeats
    assert kinds["GLOBAL_POSITION_INT"] == kinds["HEARTBEAT"] / 2
    assert times == sorted(times) and times[0] == T0_S and times[-1] < log.end_s
    truth = log.truth()
    assert truth["file"] == "drone/flight-1.tlog" and truth["system_id"] == 3
    assert truth["start"] == "2026-11-26T22:00:00Z"
