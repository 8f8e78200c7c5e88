"""What a vehicle holds, turned back into a plan; its answers in words."""

import pytest

from drone_ops.mission_lists import (
    ack_words,
    command_words,
    fence_from_items,
    plan_from_lists,
    rally_from_items,
)
from drone_ops.plan import Cmd, MissionItem, Point
from surveillance.errors import VehicleError
from tests.builders.link_plans import a_plan


def test_mission_results_are_said_in_words() -> None:
    assert ack_words(0) == "mission accepted OK"
    assert ack_words(4) == "mission items exceed storage space"
    assert ack_words(2) == "coordinate frame is not supported"
    assert ack_words(13) == "mission item received out of sequence"
    assert ack_words(99) == "unknown MAV_MISSION_RESULT 99"


def test_command_results_are_said_in_their_first_words() -> None:
    assert command_words(3) == "command is not supported (unknown)"
    assert command_words(1) == "command is valid, but cannot be executed at this time"


def test_fence_polygons_and_circles_come_back_from_their_items() -> None:
    plan = a_plan(3)
    assert fence_from_items(plan.fence_items()) == plan.fence
    assert rally_from_items(plan.rally_items()) == plan.rally


def test_two_polygons_in_a_row_are_told_apart_by_their_counts() -> None:
    square = [(34.0, 129.0), (34.0, 129.1), (34.1, 129.1), (34.1, 129.0)]
    triangle = [(34.2, 129.2), (34.2, 129.3), (34.3, 129.3)]
    cmd = Cmd.FENCE_POLYGON_VERTEX_EXCLUSION
    items = [MissionItem.at(cmd, *v, 0.0, 4.0) for v in square]
    items += [MissionItem.at(cmd, *v, 0.0, 3.0) for v in triangle]
    fence = fence_from_items(items)
    assert [len(p.vertices) for p in fence.polygons] == [4, 3]
    assert fence.polygons[1].vertices == tuple(triangle)


@pytest.mark.parametrize(
    ("items", "message"),
    [
        (
            [MissionItem.at(Cmd.FENCE_POLYGON_VERTEX_INCLUSION, 34.0, 129.0, 0.0, 4.0)] * 3,
            "4 vertices",
        ),
        ([MissionItem.at(Cmd.NAV_WAYPOINT, 34.0, 129.0, 60.0)], "command 16 is not a fence item"),
    ],
)
def test_a_broken_fence_is_refused_with_its_place(items: list[MissionItem], message: str) -> None:
    with pytest.raises(VehicleError, match=f"fence item 0: .*{message}"):
        fence_from_items(items)


def test_ardupilot_keeps_home_as_item_0_and_it_is_taken_out() -> None:
    home = MissionItem.at(Cmd.NAV_WAYPOINT, 34.2, 129.3, 12.0)
    waypoint = MissionItem.at(Cmd.NAV_WAYPOINT, 34.3, 129.4, 60.0)
    plan = plan_from_lists([home, waypoint], [], [], home=None, name="v", firmware="ardupilot")
    assert plan.home == Point(34.2, 129.3, 12.0)
    assert plan.mission_items() == [waypoint]
    assert plan.kind == "imported"


def test_a_home_from_the_vehicle_leaves_the_items_whole() -> None:
    items = a_plan(2).mission_items()
    plan = plan_from_lists(items, [], [], home=Point(1.0, 2.0, 3.0), name="v")
    assert (plan.home, plan.mission_items()) == (Point(1.0, 2.0, 3.0), items)
