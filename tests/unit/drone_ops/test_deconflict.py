"""Deconfliction: two missions flagged when their drones come close at the same time and
height, and left alone when they are apart in time, height or place."""

from __future__ import annotations

from datetime import datetime, timedelta

import geopandas as gpd
import pytest
import shapely

from drone_ops.deconflict import conflicts, plan_window
from drone_ops.finish import finish_plan
from drone_ops.plan import Cmd, FlightSetup, MissionItem, Plan, Point
from drone_ops.records import mission_record
from surveillance.geodesy import DEG_M
from tests.builders.clock import T0

LAT, LON = 34.0, 129.0


def line(
    start: tuple[float, float],
    end: tuple[float, float],
    *,
    at: datetime | None = T0,
    alt_m: float = 60.0,
) -> Plan:
    """A survey line from home at ``start`` to ``end`` (lat, lon) and back, at 15 m/s."""
    setup = FlightSetup(home=Point(*start), altitude_m=alt_m, planned_start=at)
    item = MissionItem.at(Cmd.NAV_WAYPOINT, *end, alt_m)
    return finish_plan("line", "survey", [item], setup)


def stored(*plans: Plan) -> gpd.GeoDataFrame:
    """The plans as ``store.missions`` gives them back (route as geometry, planned times)."""
    rows = []
    for number, plan in enumerate(plans, start=1):
        record = mission_record(plan)
        window = plan_window(plan)
        rows.append(
            {
                "id": number,
                "name": f"mission {number}",
                "status": "planned",
                "home_alt_m": record.home_alt_m,
                "planned_start": None if window is None else window[0],
                "planned_end": None if window is None else window[1],
                "geom": shapely.LineString(record.route),
            }
        )
    return gpd.GeoDataFrame(rows, geometry="geom", crs=4326)


EASTWARD = ((LAT, LON), (LAT, LON + 0.05))  # 4.6 km east along 34 N
CROSSING = ((LAT - 2300 / DEG_M, LON + 0.025), (LAT + 0.025, LON + 0.025))  # north over it


def test_two_crossing_lines_at_the_same_time_are_flagged() -> None:
    (found,) = conflicts(line(*EASTWARD), stored(line(*CROSSING)))
    assert found.mission_id == 1 and found.name == "mission 1"
    assert found.distance_m <= 300 and found.vertical_m == pytest.approx(0.0)
    assert found.where.lon == pytest.approx(LON + 0.025, abs=0.004)
    assert found.when is not None and abs((found.when - T0).total_seconds() - 153) < 60
    assert "from mission 1 (mission 1)" in found.describe()


def test_the_same_lines_an_hour_apart_or_60_m_apart_in_height_are_not() -> None:
    later = line(*CROSSING, at=T0 + timedelta(hours=1))
    higher = line(*CROSSING, alt_m=120.0)
    assert conflicts(line(*EASTWARD), stored(later, higher)) == []


def test_parallel_tracks_400_m_apart_are_not_but_200_m_apart_are() -> None:
    def beside(metres: float) -> Plan:
        north = metres / DEG_M
        return line((LAT + north, LON), (LAT + north, LON + 0.05))

    assert conflicts(line(*EASTWARD), stored(beside(400.0))) == []
    (found,) = conflicts(line(*EASTWARD), stored(beside(200.0)))
    assert found.distance_m == pytest.approx(200.0, abs=5.0)


def test_a_mission_without_planned_times_conflicts_on_place_alone() -> None:
    untimed = line(*CROSSING, at=None)
    (found,) = conflicts(line(*EASTWARD, at=T0 + timedelta(days=3)), stored(untimed))
    assert found.when is None
    assert "no planned times: by place alone" in found.describe()
