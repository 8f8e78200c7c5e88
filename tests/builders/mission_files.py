"""Small plans for the plan-file tests, and how two plans are compared after a file round
trip: items integer for integer, params equal with NaN equal to NaN."""

from __future__ import annotations

import math
from typing import Any

from drone_ops.plan import (
    Camera,
    Cmd,
    Fence,
    FenceCircle,
    FencePolygon,
    Frame,
    MissionItem,
    Plan,
    Point,
    Survey,
)

__all__ = ["HOME", "item_fields", "same_plan", "simple_plan", "survey", "survey_plan"]

HOME = Point(35.30, 139.60, 3.5)  # Sagami Bay, off Kamakura


def simple_plan(**changes: Any) -> Plan:
    """Take off, three waypoints (one with a hold time), a photo, return: with a fence of
    each kind and two rally points."""
    items = (
        MissionItem.at(Cmd.NAV_TAKEOFF, 35.3001, 139.6001, 40.0, 0.0, 0.0, 0.0, math.nan),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3050, 139.6100, 60.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3100, 139.6150, 60.0, 5.0),
        MissionItem(Cmd.IMAGE_START_CAPTURE, Frame.MISSION, (0.0, 0.0, 1.0, 0.0)),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.2950, 139.6200, 80.0),
        MissionItem(Cmd.NAV_RETURN_TO_LAUNCH, Frame.MISSION),
    )
    fence = Fence(
        (FencePolygon(((35.29, 139.59), (35.29, 139.63), (35.32, 139.63)), inclusion=True),),
        (FenceCircle((35.31, 139.62), 250.0, name="RJTT approach"),),
    )
    rally = (Point(35.301, 139.601, 30.0), Point(35.302, 139.604, 0.0))
    fields: dict[str, Any] = {
        "name": "sagami check",
        "kind": "patrol",
        "home": HOME,
        "elements": items,
        "fence": fence,
        "rally": rally,
        "meta": {"alert_id": "a1b2c3", "why": "dark vessel"},
    }
    return Plan(**(fields | changes))


def survey(**changes: Any) -> Survey:
    """A small grid of two transects with a camera trigger distance, over a square."""
    items = (
        MissionItem(Cmd.DO_SET_CAM_TRIGG_DIST, Frame.MISSION, (25.0, 0.0, 1.0, 0.0)),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3000, 139.6000, 50.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3000, 139.6050, 50.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3004, 139.6050, 50.0),
        MissionItem.at(Cmd.NAV_WAYPOINT, 35.3004, 139.6000, 50.0),
        MissionItem(Cmd.DO_SET_CAM_TRIGG_DIST, Frame.MISSION),
    )
    fields: dict[str, Any] = {
        "polygon": (
            (35.2998, 139.5998),
            (35.2998, 139.6052),
            (35.3006, 139.6052),
            (35.3006, 139.5998),
        ),
        "camera": Camera(),
        "altitude_m": 50.0,
        "front_overlap_pct": 75.0,
        "side_overlap_pct": 65.0,
        "angle_deg": 90.0,
        "turnaround_m": 10.0,
        "items": items,
    }
    return Survey(**(fields | changes))


def survey_plan() -> Plan:
    """Take off, the survey, return."""
    first, *_, last = simple_plan().elements
    return simple_plan(kind="survey", elements=(first, survey(), last))


def item_fields(item: MissionItem) -> tuple[Any, ...]:
    """An item as comparable values: NaN params as the string "nan"."""
    params = tuple("nan" if math.isnan(p) else p for p in (*item.params, item.z))
    return (item.command, item.frame, item.x, item.y, params, item.autocontinue)


def same_plan(a: Plan, b: Plan, *, mission_only: bool = False) -> None:
    """Assert that two plans carry the same mission (and fence, rally, home)."""
    assert [item_fields(i) for i in a.mission_items()] == [
        item_fields(i) for i in b.mission_items()
    ]
    assert a.home == b.home
    if not mission_only:
        assert a.fence == b.fence
        assert a.rally == b.rally
        assert [item_fields(i) for i in a.fence_items()] == [
            item_fields(i) for i in b.fence_items()
        ]
