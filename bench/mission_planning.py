"""Planning a 100 km^2 survey with its geofence, and its item count beside QGroundControl's.

The plan: a 10 x 10 km square at sea north-west of Tsushima, surveyed at 120 m with the
default 1-inch 20 MP camera (GSD 3.3 cm), 70 % front and side overlap, 10 m turnarounds;
``plan_survey`` lays the grid, builds the items, fences it (airports from airportsdata, a
configured zone beside it), computes the statistics and checks the limits (endurance set
high: the bench times the planner, not a battery). Baseline in the same run: the bare
lawnmower, the same number of transect lines clipped to the square one by one with
shapely, no items, fence or statistics.
Printed: the median of N runs of each and the ratio; the item count beside QGroundControl's
rule (6 items a transect with turnarounds, TransectStyleComplexItem) for the same transects
and for QGroundControl's own transect count (a line every spacing across the extent).

    .venv/bin/python -m bench.mission_planning [--runs 7]
"""

from __future__ import annotations

import argparse
import math
import time

import shapely

from bench.timing import median_s
from drone_ops.camera import footprint_m
from drone_ops.local import LocalFrame
from drone_ops.plan import Camera, FencePolygon, FlightSetup, Limits, Plan, Point, Survey
from drone_ops.survey import plan_survey, qgc_item_count

SIDE_M = 10_000.0
ALTITUDE_M = 120.0
CENTRE = Point(34.45, 129.00)  # at sea north-west of Tsushima
#: a configured no-fly zone (an exercise area) 2 km east of the square: the fence is checked
EXERCISE = FencePolygon(
    ((34.40, 129.075), (34.50, 129.075), (34.50, 129.10), (34.40, 129.10)), name="exercise area"
)
SETUP = FlightSetup(
    home=Point(34.40, 128.95),
    no_fly=(EXERCISE,),
    altitude_m=ALTITUDE_M,
    cruise_speed_mps=20.0,
    limits=Limits(endurance_min=1e6),
    vehicle="fixed_wing",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="Runs of each (default 7).")
    runs = parser.parse_args().runs
    frame = LocalFrame(CENTRE.lat, CENTRE.lon)
    half = SIDE_M / 2
    square_m = shapely.box(-half, -half, half, half)
    area = frame.to_lonlat(square_m)
    spacing_m = footprint_m(Camera(), ALTITUDE_M)[0] * 0.3

    def planner() -> Plan:
        return plan_survey(area, SETUP)

    def baseline() -> int:
        count = math.ceil(SIDE_M / spacing_m)
        clipped = 0
        for k in range(count):
            x = -half + (k + 0.5) * spacing_m
            line = shapely.LineString([(x, -half - 1.0), (x, half + 1.0)])
            clipped += not line.intersection(square_m).is_empty
        return clipped

    started = time.perf_counter()
    plan = planner()  # the first run loads airportsdata once
    cold_s = time.perf_counter() - started
    planned_s = median_s(planner, runs)
    baseline_s = median_s(baseline, runs)
    (survey,) = [e for e in plan.elements if isinstance(e, Survey)]
    transects = len(survey.items) // 6
    stats = plan.stats
    assert stats is not None
    print(
        f"survey of {stats.area_m2 / 1e6:.1f} km^2 at {ALTITUDE_M:g} m: {transects} transects "
        f"{spacing_m:.1f} m apart, GSD {stats.gsd_cm:.2f} cm; median of {runs} runs"
    )
    print(f"{'':<50}{'seconds':>9}{'x baseline':>12}")
    for label, seconds in (
        ("baseline: bare lawnmower, lines clipped", baseline_s),
        ("plan_survey (grid, items, fence, stats, limits)", planned_s),
        ("plan_survey, first run (loads airportsdata)", cold_s),
    ):
        print(f"{label:<50}{seconds:>9.3f}{seconds / baseline_s:>12.2f}")
    # QGroundControl lays a line every spacing from a phase of its own and keeps those that
    # cross the area: floor(side / spacing) or one more
    fewest = math.floor(SIDE_M / spacing_m)
    print(f"items: {len(survey.items)} in the survey ({stats.items} with takeoff and return)")
    print(f"QGroundControl's rule, the same {transects} transects: {qgc_item_count(transects)}")
    print(
        f"QGroundControl's rule, its own {fewest}-{fewest + 1} transects: "
        f"{qgc_item_count(fewest)}-{qgc_item_count(fewest + 1)}"
    )
    print(
        f"no-fly zones in the fence: {len(plan.fence.polygons)}; flight "
        f"{stats.distance_m / 1000:.0f} km, {stats.flight_time_s / 3600:.1f} h, "
        f"{stats.photo_count} photos"
    )


if __name__ == "__main__":
    main()
