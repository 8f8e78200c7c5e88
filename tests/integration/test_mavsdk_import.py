"""MAVSDK's own plan importer (mavsdk 4.1.0, its native library) as a second reader of the
files Coastwatch writes: the same items, integer for integer, the same fence and rally.

MAVSDK's importer hangs off a connected system, so a second MAVSDK instance plays the
autopilot over UDP on 127.0.0.1 (a port chosen free at run time); nothing is uploaded.
"""

from __future__ import annotations

import math
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from drone_ops import files, qgc_plan, waypoints
from drone_ops.plan import Cmd, Frame, MissionItem, Plan
from tests.builders.mavsdk_vehicle import f32, held, sent
from tests.builders.mission_files import simple_plan, survey_plan
from tests.builders.plan_strategies import plans

mission_raw_plugin = pytest.importorskip("mavsdk.plugins.mission_raw")
mavsdk = pytest.importorskip("mavsdk")


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def mission_raw() -> Iterator[Any]:
    """MAVSDK's MissionRaw plugin on a ground station that sees a MAVSDK autopilot."""
    port = free_udp_port()
    kinds = mavsdk.ComponentType
    ground = mavsdk.Mavsdk(mavsdk.Configuration.create_with_component_type(kinds.GROUND_STATION))
    vehicle = mavsdk.Mavsdk(mavsdk.Configuration.create_with_component_type(kinds.AUTOPILOT))
    try:
        assert (
            ground.add_any_connection(f"udpin://127.0.0.1:{port}")
            == mavsdk.ConnectionResult.SUCCESS
        )
        assert (
            vehicle.add_any_connection(f"udpout://127.0.0.1:{port}")
            == mavsdk.ConnectionResult.SUCCESS
        )
        system = ground.first_autopilot(10.0)
        assert system is not None, "MAVSDK's ground station never saw its autopilot"
        yield mission_raw_plugin.MissionRaw(system)
    finally:
        ground.destroy()
        vehicle.destroy()


def fence(items: list[Any]) -> list[tuple[Any, ...]]:
    """What a fence item says (MAVSDK puts fences in MAV_FRAME_GLOBAL, Coastwatch in the
    relative frame; the frame of a fence vertex carries no altitude either way)."""
    return [
        (i.command, i.x, i.y, f32(i.params[0] if hasattr(i, "params") else i.param1)) for i in items
    ]


def assert_read_alike(plan: Plan, data: Any) -> None:
    assert sent(plan.mission_items()) == held(data.mission_items)
    assert [i.seq for i in data.mission_items] == list(range(len(plan.mission_items())))
    assert fence(plan.fence_items()) == fence(data.geofence_items)
    assert [(i.command, i.frame, i.x, i.y, f32(i.z)) for i in plan.rally_items()] == [
        (i.command, i.frame, i.x, i.y, f32(i.z)) for i in data.rally_items
    ]


def test_mavsdk_reads_a_plan_file_to_the_same_items_fence_and_rally(mission_raw: Any) -> None:
    plan = simple_plan()
    data = mission_raw.import_qgroundcontrol_mission_from_string(qgc_plan.dumps(plan))
    assert_read_alike(plan, data)
    assert len(data.geofence_items) == 4 and len(data.rally_items) == 2
    assert data.mission_items[0].x == 353001000 and math.isnan(data.mission_items[0].param4)


def test_mavsdk_reads_the_survey_complex_item_to_its_items(
    mission_raw: Any, tmp_path: Path
) -> None:
    plan = survey_plan()
    path = tmp_path / "grid.plan"
    files.write_plan(plan, path)
    data = mission_raw.import_qgroundcontrol_mission(str(path))
    assert_read_alike(plan, data)
    assert [i.command for i in data.mission_items][:3] == [
        Cmd.NAV_TAKEOFF,
        Cmd.DO_SET_CAM_TRIGG_DIST,
        Cmd.NAV_WAYPOINT,
    ]


def test_positions_at_the_edges_of_the_world_survive_both_readers(mission_raw: Any) -> None:
    edges = tuple(
        MissionItem(Cmd.NAV_WAYPOINT, Frame.GLOBAL_RELATIVE_ALT, (0.0, 0.0, 0.0, 0.0), x, y, 10.0)
        for x, y in (
            (899999999, 1799999999),
            (-899999999, -1799999999),
            (1, -1),
            (123456789, -123456789),
        )
    )
    plan = simple_plan(elements=edges)
    assert_read_alike(
        plan, mission_raw.import_qgroundcontrol_mission_from_string(qgc_plan.dumps(plan))
    )


def test_mavsdk_reads_a_waypoints_file_home_first(mission_raw: Any) -> None:
    """MAVSDK's Mission Planner importer keeps line 0 as an item: it is home, as written."""
    plan = simple_plan()
    data = mission_raw.import_mission_planner_mission_from_string(waypoints.dumps(plan))
    home, *mission = data.mission_items
    assert (home.command, home.frame, home.x, home.y) == (16, 0, 353000000, 1396000000)
    assert f32(home.z) == f32(plan.home.alt_m)
    assert sent(plan.mission_items()) == held(mission)


#: the frames MAVSDK's importer reads as positions (it passes the others' x/y through
#: float32), and the whole numbers float32 holds exactly
MAVSDK_FRAMES = [Frame.GLOBAL, Frame.MISSION, Frame.GLOBAL_RELATIVE_ALT, Frame.GLOBAL_INT, 6]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plan=plans(frames=MAVSDK_FRAMES, raw_int_max=2**24))
def test_any_plan_reads_alike_in_mavsdk(mission_raw: Any, plan: Plan) -> None:
    data = mission_raw.import_qgroundcontrol_mission_from_string(qgc_plan.dumps(plan))
    assert_read_alike(plan, data)
