"""What every planner does last: take off, fly the pattern, come home, and say what it costs.

:func:`finish_plan` wraps a pattern's elements (items, or a :class:`Survey`) between a takeoff
at home and a return to launch, with the setup's speeds and limits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drone_ops.plan import Cmd, FlightSetup, MissionItem, Plan, Survey

__all__ = ["finish_plan"]


def finish_plan(
    name: str,
    kind: str,
    elements: Sequence[MissionItem | Survey],
    setup: FlightSetup,
    *,
    meta: Mapping[str, Any] | None = None,
) -> Plan:
    """The whole mission around a pattern: takeoff, ``elements``, return to launch."""
    home = setup.home
    takeoff = MissionItem.at(Cmd.NAV_TAKEOFF, home.lat, home.lon, setup.altitude_m)
    return Plan(
        name=name,
        kind=kind,
        home=home,
        elements=(takeoff, *elements, MissionItem(Cmd.NAV_RETURN_TO_LAUNCH)),
        cruise_speed_mps=setup.cruise_speed_mps,
        limits=setup.limits,
        vehicle=setup.vehicle,
        planned_start=setup.planned_start,
        meta=dict(meta or {}),
    )
