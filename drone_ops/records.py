"""A plan as the store keeps it: the ``missions`` row, its document the ``.plan`` JSON."""

from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta

import shapely

from drone_ops import qgc_plan
from drone_ops.plan import Plan, Survey
from surveillance.store import MissionRecord

__all__ = ["mission_record"]


def mission_record(plan: Plan, *, created_by: str | None = None) -> MissionRecord:
    """The row to store for ``plan``: its document, route, surveyed area and planned times."""
    path = plan.path()
    altitudes = [p.alt_m for p in path[1:]]
    surveys = [e for e in plan.elements if isinstance(e, Survey)]
    area = shapely.Polygon([(lon, lat) for lat, lon in surveys[0].polygon]) if surveys else None
    end = None
    if plan.planned_start is not None and plan.stats is not None:
        end = plan.planned_start + timedelta(seconds=plan.stats.flight_time_s)
    return MissionRecord(
        name=plan.name,
        kind=plan.kind,
        plan=qgc_plan.document(plan),
        home=(plan.home.lon, plan.home.lat),
        route=[(p.lon, p.lat, p.alt_m) for p in path],
        home_alt_m=plan.home.alt_m,
        min_alt_m=min(altitudes, default=None),
        max_alt_m=max(altitudes, default=None),
        area=area,
        stats={} if plan.stats is None else asdict(plan.stats),
        planned_start=plan.planned_start,
        planned_end=end,
        alert_id=plan.meta.get("alert_id"),
        created_by=created_by,
    )
