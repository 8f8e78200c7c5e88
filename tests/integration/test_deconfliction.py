"""Deconfliction against the missions stored in a real PostGIS: a plan that would cross a
mission flying at the same time is refused (unless forced); missions flown, aborted or
planned for another time are not in its way."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from drone_ops.deconflict import check_upload
from drone_ops.finish import finish_plan
from drone_ops.plan import Cmd, FlightSetup, MissionItem, Plan, PlanRefused, Point
from drone_ops.records import mission_record
from surveillance.geodesy import DEG_M
from surveillance.store import Store
from tests.builders.clock import T0

LAT, LON = 34.0, 129.0
EASTWARD = ((LAT, LON), (LAT, LON + 0.05))
CROSSING = ((LAT - 2300 / DEG_M, LON + 0.025), (LAT + 0.025, LON + 0.025))


def line(start: tuple[float, float], end: tuple[float, float], at: datetime | None = T0) -> Plan:
    setup = FlightSetup(home=Point(*start), altitude_m=60.0, planned_start=at)
    return finish_plan(
        "crossing line", "survey", [MissionItem.at(Cmd.NAV_WAYPOINT, *end, 60.0)], setup
    )


def store_plan(store: Store, plan: Plan, status: str = "planned") -> int:
    record = mission_record(plan)
    if plan.planned_start is not None:  # no statistics: its route at cruise speed
        flight_s = sum(plan.legs_m()) / plan.cruise_speed_mps
        record.planned_end = plan.planned_start + timedelta(seconds=flight_s)
    mission_id = store.store_mission(record)
    if status != "planned":
        store.set_mission_status(mission_id, status)
    return mission_id


def test_a_plan_crossing_a_stored_mission_at_the_same_time_is_refused(store: Store) -> None:
    crossing = store_plan(store, line(*CROSSING))
    with pytest.raises(PlanRefused) as refused:
        check_upload(store, line(*EASTWARD))
    message = str(refused.value)
    assert message.startswith("plan refused: deconfliction: ")
    assert f"from mission {crossing} (crossing line), 2026-11-26T22:0" in message
    (found,) = check_upload(store, line(*EASTWARD), force=True)
    assert found.mission_id == crossing and found.distance_m <= 300
    assert check_upload(store, line(*EASTWARD), exclude=[crossing]) == []


def test_missions_done_or_at_other_times_are_not_in_the_way(store: Store) -> None:
    store_plan(store, line(*CROSSING), status="flown")
    store_plan(store, line(*CROSSING), status="aborted")
    store_plan(store, line(*CROSSING, at=T0 + timedelta(hours=2)))
    assert check_upload(store, line(*EASTWARD)) == []


def test_a_stored_mission_without_planned_times_is_in_the_way_of_any(store: Store) -> None:
    untimed = store_plan(store, line(*CROSSING, at=None))
    with pytest.raises(PlanRefused, match=f"mission {untimed} .*no planned times"):
        check_upload(store, line(*EASTWARD, at=T0 + timedelta(days=5)))
