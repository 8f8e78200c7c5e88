"""``coastwatch ingest drone``: .tlog files and live links (UDP, TCP that drops) into
``drone_telemetry`` on a real store, over real sockets."""

from __future__ import annotations

import os
import socket
import termios
import threading
import time
import tty
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from drone_ops.link import mavlink, open_link
from drone_ops.mission_protocol import upload
from drone_ops.plan import Cmd, MissionItem, Point
from drone_ops.records import mission_record
from drone_ops.vehicle_link import start, wait_heartbeat
from simulator.drone_flight import Flight, telemetry
from simulator.vehicle import Vehicle as SimulatedVehicle
from surveillance.store import Store
from surveillance.store.missions import MissionRecord
from tests.builders.cli import Coastwatch
from tests.builders.clock import T0_S
from tests.builders.link_plans import HOME as LINK_HOME
from tests.builders.link_plans import a_plan
from tests.builders.mavlink import Vehicle, tlog

HOME = Point(43.10, 5.90, 0.0)


def free_port(kind: int) -> int:
    with socket.socket(socket.AF_INET, kind) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def flight(system_id: int) -> Flight:
    items = [
        MissionItem.at(Cmd.NAV_TAKEOFF, HOME.lat, HOME.lon, 30.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, HOME.lat + 0.01, HOME.lon + system_id / 100, 60.0),
    ]
    f = Flight(system_id, HOME, items, speed_mps=12.0)
    f.start()
    return f


def test_a_log_ingested_twice_is_stored_once_and_tied_to_its_mission(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    mission = store.store_mission(
        MissionRecord("patrol east", "patrol", {}, (5.9, 43.1), [(5.9, 43.1, 0), (5.95, 43.1, 60)])
    )
    store.set_mission_status(mission, "uploaded", uploaded_to="udpout:10.0.0.2:14550", system_id=7)
    v, other = Vehicle(7), Vehicle(8)
    records = [(T0_S + i, v.position(43.1 + i / 1e4, 5.9)) for i in range(10)]
    records += [(T0_S + 0.5, other.position(43.2, 5.8)), (T0_S + 11, v.raw_position(0, 0))]
    log = tmp_path / "flight.tlog"
    log.write_bytes(tlog(records) + b"trailing junk")

    first = coastwatch("ingest", "drone", str(log))
    second = coastwatch("ingest", "drone", str(log))

    assert first.code == 0, first.stderr
    assert "drone samples stored (new)  11" in first.stdout
    assert "vehicles                    2" in first.stdout
    assert "rejected: no_position_fix   1" in first.stdout
    assert "drone samples stored (new)  0" in second.stdout
    rows = store.telemetry()
    assert len(rows) == 11
    assert rows.groupby("drone_id")["mission_id"].first().fillna(-1).to_dict() == {
        "mav7": mission,
        "mav8": -1,
    }
    rejected = store.rejections()
    assert set(zip(rejected["source"], rejected["reason"], rejected["records"], strict=True)) == {
        ("drone:tlog", "no_position_fix", 1),
        ("drone:tlog", "junk_bytes", 1),
    }


def test_a_live_udp_link_takes_two_vehicles_at_once(coastwatch: Coastwatch, store: Store) -> None:
    port = free_port(socket.SOCK_DGRAM)
    stop = threading.Event()

    def send() -> None:
        flights = {sysid: flight(sysid) for sysid in (1, 2)}
        mavs = {sysid: mavlink.MAVLink(None, sysid, 1) for sysid in flights}
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            while not stop.wait(0.1):
                for sysid, f in flights.items():
                    for message in telemetry(mavs[sysid], f.state):
                        out.sendto(bytes(message.pack(mavs[sysid])), ("127.0.0.1", port))
                    f.step(0.1)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        ran = coastwatch(
            "ingest",
            "drone",
            "--connect",
            f"udpin:127.0.0.1:{port}",
            "--duration",
            "3",
            "--name",
            "2=bravo",
        )
    finally:
        stop.set()
        sender.join()
    assert ran.code == 0, ran.stderr
    latest = store.drone_states(since=datetime.now(UTC) - timedelta(hours=1)).set_index("drone_id")
    assert sorted(latest.index) == ["bravo", "mav1"]
    assert (latest["mode"] == "MISSION").all() and latest["armed"].all()
    assert latest.loc["bravo", "system_id"] == 2
    assert (store.telemetry()["link"] == f"udpin:127.0.0.1:{port}").all()


class DroppingServer:
    """A vehicle on TCP that sends ``first`` positions, closes the connection, takes the
    next one and sends ``second`` more, then stays on."""

    def __init__(self, first: int, second: int) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.counts = (first, second)
        self.sent = 0
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        v = Vehicle(4)
        for n, count in enumerate(self.counts):
            conn, _ = self.listener.accept()
            with conn:
                for _ in range(count):
                    conn.sendall(v.position(43.1 + self.sent / 1e4, 5.9))
                    self.sent += 1
                    time.sleep(0.02)
                if n == len(self.counts) - 1:
                    self.done.set()
                    time.sleep(5)  # hold the last connection open to the end of the run

    def close(self) -> None:
        self.listener.close()


@pytest.fixture
def dropping_server() -> Iterator[DroppingServer]:
    server = DroppingServer(first=20, second=15)
    yield server
    server.close()


def test_a_tcp_link_that_drops_is_reconnected_and_nothing_received_is_lost(
    coastwatch: Coastwatch, store: Store, dropping_server: DroppingServer
) -> None:
    ran = coastwatch(
        "ingest", "drone", "--connect", f"tcp:127.0.0.1:{dropping_server.port}", "--duration", "4"
    )
    assert ran.code == 0, ran.stderr
    assert dropping_server.done.is_set()
    assert dropping_server.sent == 35
    assert len(store.telemetry(drone_id="mav4")) == 35
    assert "reconnects                  1" in ran.stdout


def test_a_serial_link_is_read_like_the_others(coastwatch: Coastwatch, store: Store) -> None:
    """A pseudo-terminal stands for a telemetry radio on /dev/ttyUSB0."""
    controller, device = os.openpty()
    tty.setraw(device)
    path = os.ttyname(device)

    def send() -> None:
        v = Vehicle(5)
        deadline = time.monotonic() + 60
        # the link has opened when pymavlink has set its speed on the device
        while termios.tcgetattr(device)[5] != termios.B57600 and time.monotonic() < deadline:
            time.sleep(0.01)
        for i in range(30):
            os.write(controller, v.heartbeat() + v.battery(70) + v.position(43 + i / 1e4, 6.0))
            time.sleep(0.05)

    sender = threading.Thread(target=send, daemon=True)
    sender.start()
    try:
        ran = coastwatch("ingest", "drone", "--connect", f"{path}:57600", "--duration", "3")
    finally:
        sender.join()
        os.close(controller)
        os.close(device)
    assert ran.code == 0, ran.stderr
    rows = store.telemetry(drone_id="mav5")
    assert len(rows) == 30 and (rows["link"] == f"{path}:57600").all()
    assert rows["battery_pct"].tolist() == [70.0] * 30


def test_the_simulated_vehicle_flying_an_uploaded_mission_is_followed_live(
    coastwatch: Coastwatch, store: Store
) -> None:
    port = free_port(socket.SOCK_DGRAM)
    plan = a_plan(6, fence=False, rally=False)
    listening = f"udpin:127.0.0.1:{port}"
    with SimulatedVehicle(listening, system_id=3, home=LINK_HOME, time_scale=4) as vehicle:
        link = open_link(f"udpout:127.0.0.1:{port}")
        try:
            system = wait_heartbeat(link, timeout_s=5.0)
            upload(link, plan, target_system=system)
            start(link, target_system=system)
        finally:
            link.close()
        mission = store.store_mission(mission_record(plan, created_by="test"))
        store.set_mission_status(
            mission, "uploaded", uploaded_to=f"udpout:127.0.0.1:{port}", system_id=system
        )
        ran = coastwatch(
            "ingest", "drone", "--connect", f"udpout:127.0.0.1:{port}", "--duration", "3"
        )
        reached = list(vehicle.reached)
    assert ran.code == 0, ran.stderr
    rows = store.telemetry(drone_id="mav3")
    assert len(rows) > 0 and (rows["mission_id"] == mission).all()
    assert rows["armed"].all() and (rows["system_id"] == 3).all()
    progress = rows["mission_seq"].dropna()
    assert progress.is_monotonic_increasing and progress.max() > 0  # it flew on
    assert set(rows["reached_seq"].dropna()) <= set(reached)
