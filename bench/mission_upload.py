"""Upload of a 500-item mission over UDP to the simulated vehicle, against the protocol's
round trips on the same link.

The vehicle (``simulator.vehicle.Vehicle``) listens on a local UDP port in a thread of this
process. Printed: the median seconds of ``drone_ops.mission_protocol.upload`` of a 500-item
mission (plus its fence and rally points) and its round trips, beside the baseline measured
in the same run: as many bare round trips (``MISSION_REQUEST_LIST`` answered by
``MISSION_COUNT``, no items, no bookkeeping) on the same link, with the ratio; the ratio is
what the protocol code costs over the round trips it cannot avoid.

    .venv/bin/python bench/mission_upload.py [--items 500] [--runs 5]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import time
from typing import Any

from drone_ops.link import open_link
from drone_ops.mission_protocol import UploadResult, upload, wait_heartbeat
from drone_ops.plan import Cmd, MissionItem, Plan, Point
from simulator.vehicle import Vehicle

HOME = Point(34.20, 129.30, 10.0)


def _plan(items: int) -> Plan:
    waypoints = tuple(
        MissionItem.at(Cmd.NAV_WAYPOINT, 34.2 + k * 1e-5, 129.3 + k * 1e-5, 60.0)
        for k in range(items)
    )
    return Plan(f"{items} items", "survey", HOME, waypoints, rally=(Point(34.21, 129.31, 40.0),))


def _bare_round_trips(link: Any, system: int, count: int) -> float:
    """Seconds for ``count`` request/answer round trips with nothing else done."""
    started = time.perf_counter()
    for _ in range(count):
        link.mav.mission_request_list_send(system, 1, 0)
        while link.recv_match(type="MISSION_COUNT", blocking=True, timeout=1.5) is None:
            link.mav.mission_request_list_send(system, 1, 0)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=500, help="Mission items (default 500).")
    parser.add_argument("--runs", type=int, default=5, help="Runs of each (default 5).")
    args = parser.parse_args()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    plan = _plan(args.items)
    with Vehicle(f"udpin:127.0.0.1:{port}", home=HOME):
        link = open_link(f"udpout:127.0.0.1:{port}")
        system = wait_heartbeat(link, timeout_s=5.0)
        results: list[UploadResult] = []
        bare: list[float] = []
        for _ in range(args.runs):
            results.append(upload(link, plan, target_system=system))
            bare.append(_bare_round_trips(link, system, results[-1].round_trips))
        link.close()
    seconds = statistics.median(r.seconds for r in results)
    baseline = statistics.median(bare)
    trips, retries = results[-1].round_trips, sum(r.retries for r in results)
    items = ", ".join(f"{name} {n}" for name, n in results[-1].items.items())
    print(f"upload over UDP to the simulated vehicle, median of {args.runs} runs")
    print(f"{'':<40}{'seconds':>9}{'ms/trip':>9}{'x baseline':>12}")
    print(
        f"{'baseline: ' + str(trips) + ' bare round trips':<40}{baseline:>9.3f}"
        f"{1000 * baseline / trips:>9.2f}{1.0:>12.2f}"
    )
    print(
        f"{'upload (' + items + ')':<40}{seconds:>9.3f}"
        f"{1000 * seconds / trips:>9.2f}{seconds / baseline:>12.2f}"
    )
    print(f"{trips} round trips per upload, {retries} retries in all")


if __name__ == "__main__":
    main()
