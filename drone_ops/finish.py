"""What every planner does last: take off, fly the pattern, come home, and say what it costs.

:func:`finish_plan` wraps a pattern's elements (items, or a :class:`Survey`) between a takeoff
at home and a return to launch, with the setup's speeds and limits; fences it with the
configured no-fly polygons and the airports near it (:mod:`drone_ops.nofly`); computes its
statistics (:mod:`drone_ops.stats`) and refuses it if it breaks a limit (:mod:`drone_ops.limits`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from drone_ops.limits import check_limits
from drone_ops.nofly import no_fly_zones
from drone_ops.plan import Cmd, Fence, FlightSetup, MissionItem, Plan, Survey
from drone_ops.stats import plan_stats

__all__ = ["finish_plan"]


def finish_plan(
    name: str,
    kind: str,
    elements: Sequence[MissionItem | Survey],
    setup: FlightSetup,
    *,
    meta: Mapping[str, Any] | None = None,
) -> Plan:
    """The whole mission around a pattern: takeoff, ``elements``, return to launch; fenced,
    with its statistics, checked against its limits (:class:`PlanRefused` if it breaks one)."""
    home = setup.home
    takeoff = MissionItem.at(Cmd.NAV_TAKEOFF, home.lat, home.lon, setup.altitude_m)
    facts = dict(meta or {})
    if setup.wind_from_deg is not None and setup.wind_mps > 0.0:
        facts["wind"] = {"from_deg": setup.wind_from_deg, "mps": setup.wind_mps}
    plan = Plan(
        name=name,
        kind=kind,
        home=home,
        elements=(takeoff, *elements, MissionItem(Cmd.NAV_RETURN_TO_LAUNCH)),
        cruise_speed_mps=setup.cruise_speed_mps,
        # QGroundControl times a multirotor's mission at its hover speed: the same speed
        hover_speed_mps=setup.cruise_speed_mps,
        limits=setup.limits,
        vehicle=setup.vehicle,
        planned_start=setup.planned_start,
        meta=facts,
    )
    path = plan.path()
    lons, lats = [p.lon for p in path], [p.lat for p in path]
    fence = Fence(polygons=no_fly_zones((min(lons), min(lats), max(lons), max(lats)), setup.no_fly))
    plan = replace(plan, fence=fence)
    plan = replace(plan, stats=plan_stats(plan))
    check_limits(plan)
    return plan
