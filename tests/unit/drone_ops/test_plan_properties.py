"""Any plan goes through a .plan file and comes back exactly, and its mission and home
through a .waypoints file: integers equal, params equal bit for bit (NaN as NaN)."""

from __future__ import annotations

from hypothesis import given, settings

from drone_ops import qgc_plan, waypoints
from drone_ops.plan import Plan, Survey
from tests.builders.mission_files import item_fields, same_plan
from tests.builders.plan_strategies import plans


@settings(max_examples=40, deadline=None)
@given(plans())
def test_any_plan_comes_back_from_its_plan_file_exactly(plan: Plan) -> None:
    back = qgc_plan.loads(qgc_plan.dumps(plan), "x.plan")
    same_plan(plan, back)
    for mine, theirs in zip(plan.elements, back.elements, strict=True):
        if isinstance(mine, Survey):
            assert isinstance(theirs, Survey)
            assert (mine.polygon, mine.camera, mine.altitude_m, theirs.extra) == (
                theirs.polygon,
                theirs.camera,
                theirs.altitude_m,
                {},
            )
            assert [item_fields(i) for i in mine.items] == [item_fields(i) for i in theirs.items]
    assert (back.name, back.kind, back.meta, back.vehicle) == (
        plan.name,
        plan.kind,
        plan.meta,
        plan.vehicle,
    )


@settings(max_examples=40, deadline=None)
@given(plans())
def test_any_mission_comes_back_from_its_waypoints_file_exactly(plan: Plan) -> None:
    back = waypoints.loads(waypoints.dumps(plan), "x.waypoints")
    same_plan(plan, back, mission_only=True)
