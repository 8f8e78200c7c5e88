"""The mission protocol against the simulated vehicle on real UDP and TCP sockets and a serial
line (two pseudo-terminals): upload, download, clear and start; a 500-item mission; a lossy
link; the vehicle's refusals in words; the mission flown to its last item."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from drone_ops.link import open_link
from drone_ops.mission_lists import ack_words
from drone_ops.mission_protocol import clear, download, start, upload, wait_heartbeat
from drone_ops.plan import Cmd, Frame, MissionItem, Plan
from simulator.vehicle import Vehicle
from surveillance.errors import VehicleError
from tests.builders.link_plans import HOME, a_plan, free_port, serial_line

_SIDES = {"udp": ("udpin", "udpout"), "tcp": ("tcpin", "tcp")}


@contextmanager
def linked(transport: str = "udp", **options: Any) -> Iterator[tuple[Vehicle, Any, int]]:
    """A simulated vehicle listening on a free port, a ground-station link to it, and the
    system id its heartbeat gave."""
    port = free_port(transport)
    listen, connect = _SIDES[transport]
    with Vehicle(f"{listen}:127.0.0.1:{port}", home=HOME, **options) as vehicle:
        link = open_link(f"{connect}:127.0.0.1:{port}")
        try:
            yield vehicle, link, wait_heartbeat(link, timeout_s=5.0)
        finally:
            link.close()


def _ints(plan: Plan) -> list[tuple[object, ...]]:
    """Every item of the three lists as the integers (and floats) that went on the wire."""
    items = plan.mission_items() + plan.fence_items() + plan.rally_items()
    return [(i.command, i.frame, i.x, i.y, i.z, i.params, i.autocontinue) for i in items]


def _on_wire(items: list[MissionItem]) -> list[tuple[object, ...]]:
    """Items as a vehicle holds them: integers as sent, z and params as float32."""
    f32 = np.float32
    return [(i.command, i.frame, i.x, i.y, f32(i.z), *map(f32, i.params)) for i in items]


@pytest.mark.parametrize("transport", ["udp", "tcp"])
def test_a_plan_uploads_and_reads_back_with_the_same_integers(transport: str) -> None:
    plan = a_plan(20)
    with linked(transport, system_id=7) as (vehicle, link, system):
        result = upload(link, plan, target_system=system)
        back = download(link, target_system=system)
    assert system == 7
    assert result.items == {"mission": 22, "fence": 5, "rally": 2}
    assert result.round_trips == 22 + 5 + 2 + 3 and result.retries == 0
    assert _on_wire(vehicle.lists[0]) == _on_wire(plan.mission_items())
    assert _ints(back) == _ints(plan)
    assert (back.fence, back.rally, back.home, back.kind) == (
        plan.fence,
        plan.rally,
        HOME,
        "imported",
    )


def test_a_serial_line_carries_the_plan_too() -> None:
    plan = a_plan(10)
    with serial_line() as (theirs, ours), Vehicle(f"{theirs}:57600", home=HOME):
        link = open_link(f"{ours}:57600")
        system = wait_heartbeat(link, timeout_s=5.0)
        upload(link, plan, target_system=system)
        back = download(link, target_system=system)
        link.close()
    assert _ints(back) == _ints(plan)


def test_a_500_item_mission_goes_up_whole_and_in_order() -> None:
    plan = a_plan(498, fence=False, rally=False)
    seen: list[int] = []
    with linked() as (vehicle, link, system):
        result = upload(
            link, plan, target_system=system, progress=lambda _, n, total: seen.append(n)
        )
    assert result.items == {"mission": 500}
    assert [i.x for i in vehicle.lists[0]] == [i.x for i in plan.mission_items()]
    assert seen == list(range(1, 501))


def test_a_lossy_link_is_bridged_by_sending_again() -> None:
    plan = a_plan(12)
    with linked(loss=0.15, seed=4) as (vehicle, link, system):
        result = upload(link, plan, target_system=system, timeout_s=0.2, retries=8)
        back = download(link, target_system=system, timeout_s=0.2, retries=8)
    assert vehicle.dropped > 0 and result.retries > 0
    assert _ints(back) == _ints(plan)


def test_too_many_items_are_refused_in_the_vehicles_words() -> None:
    with (
        linked(max_items=10) as (vehicle, link, system),
        pytest.raises(
            VehicleError, match="refused the mission: mission items exceed storage space"
        ),
    ):
        upload(link, a_plan(20), target_system=system)
    assert vehicle.lists[0] == []


def test_an_unsupported_frame_is_refused_in_the_vehicles_words() -> None:
    terrain = MissionItem(
        Cmd.NAV_WAYPOINT, Frame.GLOBAL_TERRAIN_ALT, x=342000000, y=1293000000, z=40
    )
    plan = Plan("terrain following", "patrol", HOME, (*a_plan(2).elements, terrain))
    with (
        linked(frames={Frame.MISSION, Frame.GLOBAL_RELATIVE_ALT}) as (_, link, system),
        pytest.raises(VehicleError, match="refused the mission: coordinate frame is not supported"),
    ):
        upload(link, plan, target_system=system)


def test_an_upload_nobody_answers_is_abandoned() -> None:
    with (
        linked(loss=1.0) as (_, link, system),
        pytest.raises(VehicleError, match=r"did not answer the mission upload \(after 0 of 22"),
    ):
        upload(link, a_plan(20), target_system=system, timeout_s=0.1, retries=2)


def test_no_vehicle_on_the_link_is_said_plainly() -> None:
    url = f"udpin:127.0.0.1:{free_port()}"
    link = open_link(url)
    with pytest.raises(VehicleError, match=f"no vehicle answered on {url} within 0.5 s"):
        wait_heartbeat(link, timeout_s=0.5, url=url)
    link.close()


def test_clear_empties_all_three_lists() -> None:
    with linked() as (vehicle, link, system):
        upload(link, a_plan(5), target_system=system)
        clear(link, target_system=system)
        back = download(link, target_system=system)
    assert vehicle.lists == {0: [], 1: [], 2: []}
    assert (back.mission_items(), back.fence.polygons, back.rally) == ([], (), ())


def test_start_arms_the_vehicle_and_it_flies_to_the_last_item() -> None:
    plan = a_plan(10)
    last = len(plan.mission_items()) - 1
    with linked(time_scale=200.0) as (vehicle, link, system):
        upload(link, plan, target_system=system)
        answer = start(link, target_system=system)
        reached = link.recv_match(
            type="MISSION_ITEM_REACHED",
            blocking=True,
            timeout=30.0,
            condition=f"MISSION_ITEM_REACHED.seq=={last}",
        )
    assert answer.startswith("command is valid")
    assert reached is not None and reached.seq == last
    assert vehicle.reached == list(range(last + 1))
    assert vehicle.flight.state.armed


def test_start_without_a_mission_is_refused_in_words() -> None:
    with (
        linked() as (_, link, system),
        pytest.raises(VehicleError, match="refused the mission start: command is invalid"),
    ):
        start(link, target_system=system)


def test_a_vehicle_asking_with_the_old_mission_request_gets_mission_item_int() -> None:
    plan = a_plan(5)
    with linked(request_int=False) as (vehicle, link, system):
        result = upload(link, plan, target_system=system)
    assert result.items["mission"] == 7
    assert _on_wire(vehicle.lists[0]) == _on_wire(plan.mission_items())


def test_a_tcp_vehicle_takes_the_next_ground_station_after_one_hangs_up() -> None:
    port = free_port("tcp")
    with Vehicle(f"tcpin:127.0.0.1:{port}", home=HOME) as vehicle:
        for n in (3, 4):
            link = open_link(f"tcp:127.0.0.1:{port}")
            upload(link, a_plan(n), target_system=wait_heartbeat(link, timeout_s=5.0))
            link.close()
    assert len(vehicle.lists[0]) == 4 + 2


def test_the_vehicle_a_person_starts_from_the_shell_takes_an_upload() -> None:
    port = free_port()
    argv = [sys.executable, "-m", "simulator.vehicle", "--listen", f"udpin:127.0.0.1:{port}"]
    child = subprocess.Popen([*argv, "--system", "9"], stderr=subprocess.PIPE, text=True)
    try:
        link = open_link(f"udpout:127.0.0.1:{port}")
        system = wait_heartbeat(link, timeout_s=30.0)
        result = upload(link, a_plan(3), target_system=system)
        link.close()
    finally:
        child.terminate()
        _, stderr = child.communicate(timeout=10)
    assert (system, result.items["mission"]) == (9, 5)
    assert f"vehicle 9 on udpin:127.0.0.1:{port}" in stderr


def test_an_ardupilot_vehicle_gets_home_as_item_0_and_gives_it_back_as_home() -> None:
    plan = a_plan(4)
    with linked(autopilot="ardupilot") as (vehicle, link, system):
        result = upload(link, plan, target_system=system)
        back = download(link, target_system=system)
    first = vehicle.lists[0][0]
    assert (first.frame, first.x, first.y, first.z) == (Frame.GLOBAL, 342000000, 1293000000, 10.0)
    assert result.items["mission"] == len(plan.mission_items()) + 1
    assert (back.firmware, back.home) == ("ardupilot", HOME)
    assert _ints(back) == _ints(plan)


def test_the_vehicle_refuses_an_item_out_of_sequence() -> None:
    with linked() as (vehicle, link, system):
        link.mav.mission_count_send(system, 1, 3, 0)
        asked = link.recv_match(type="MISSION_REQUEST_INT", blocking=True, timeout=5.0)
        link.mav.mission_item_int_send(system, 1, 2, 3, 16, 0, 1, 0, 0, 0, 0, 1, 1, 50.0, 0)
        ack = link.recv_match(type="MISSION_ACK", blocking=True, timeout=5.0)
    assert asked is not None and asked.seq == 0
    assert ack is not None and ack_words(ack.type) == "mission item received out of sequence"
    assert vehicle.lists[0] == []
