"""``coastwatch mission upload|download|start`` against the simulated vehicle on a real UDP
socket and a real store: what is recorded, what is written, and the errors in one line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from drone_ops.files import write_plan
from drone_ops.link import open_link
from drone_ops.mission_protocol import upload, wait_heartbeat
from drone_ops.plan import Plan
from drone_ops.records import mission_record
from drone_ops.stats import plan_stats
from simulator.vehicle import Vehicle
from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import T0
from tests.builders.link_plans import HOME, a_plan, free_port
from tests.builders.users import add_user


@pytest.fixture
def pilot(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """A drone operator at the CLI (the role that plans and flies missions)."""
    return as_user(coastwatch, add_user(store, "pilot", "drone_operator").username)


@pytest.fixture
def vehicle() -> Iterator[tuple[Vehicle, str]]:
    """A simulated vehicle listening on a free UDP port, and the URL to reach it."""
    port = free_port()
    with Vehicle(f"udpin:127.0.0.1:{port}", system_id=3, home=HOME, time_scale=100.0) as v:
        yield v, f"udpout:127.0.0.1:{port}"


HOUR = timedelta(hours=1)


def _timed(name: str, start: datetime) -> Plan:
    """The builder's plan flown from ``start``, its flight time known (so its time is too)."""
    plan = replace(a_plan(8), name=name, planned_start=start)
    return replace(plan, stats=plan_stats(plan))


def _give(url: str, n: int) -> None:
    """Put a plan of ``n`` waypoints on the vehicle, as another ground station would."""
    link = open_link(url)
    upload(link, a_plan(n), target_system=wait_heartbeat(link, timeout_s=5.0))
    link.close()


def test_a_stored_mission_uploads_and_the_store_records_where_it_went(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch, store: Store
) -> None:
    v, url = vehicle
    plan = a_plan(8)
    mission_id = store.store_mission(mission_record(plan))
    ran = pilot("mission", "upload", "--mission", str(mission_id), "--connect", url)
    assert ran.code == 0, ran.stderr
    assert (
        f"mission {mission_id} uploaded to vehicle 3 on {url}: "
        "mission 10 items, fence 5 items, rally 2 items in "
    ) in ran.stdout
    assert "(20 round trips, 0 retries)" in ran.stdout
    assert [(i.x, i.y, i.command) for i in v.lists[0]] == [
        (i.x, i.y, i.command) for i in plan.mission_items()
    ]
    row = store.missions(status="uploaded").iloc[0]
    assert (row.id, row.uploaded_to, row.system_id) == (mission_id, url, 3)


def test_a_plan_file_is_stored_then_uploaded(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch, store: Store, tmp_path: Path
) -> None:
    v, url = vehicle
    write_plan(a_plan(5), tmp_path / "patrol.plan")
    ran = pilot("mission", "upload", str(tmp_path / "patrol.plan"), "--connect", url)
    assert ran.code == 0, ran.stderr
    row = store.missions(status="uploaded").iloc[0]
    assert (row["name"], row.system_id, row.uploaded_to) == ("5 waypoints off Tsushima", 3, url)
    assert len(v.lists[0]) == 7 and len(v.lists[1]) == 5


def test_an_upload_the_vehicle_refuses_is_its_reason_and_exit_code_5(
    pilot: Coastwatch, store: Store
) -> None:
    port = free_port()
    mission_id = store.store_mission(mission_record(a_plan(8)))
    with Vehicle(f"udpin:127.0.0.1:{port}", max_items=4):
        ran = pilot(
            "mission",
            "upload",
            "--mission",
            str(mission_id),
            "--connect",
            f"udpout:127.0.0.1:{port}",
        )
    assert ran.code == 5
    assert "vehicle 1 refused the mission: mission items exceed storage space" in ran.stderr
    assert list(store.missions()["status"]) == ["planned"]


def test_upload_needs_a_file_or_a_mission(pilot: Coastwatch) -> None:
    ran = pilot("mission", "upload", "--connect", "udpout:127.0.0.1:9")
    assert ran.code == 2
    assert "give a plan FILE or --mission ID" in ran.stderr


def test_download_writes_what_the_vehicle_holds(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch, tmp_path: Path
) -> None:
    _, url = vehicle
    _give(url, 6)
    ran = pilot("mission", "download", "--connect", url, "-o", str(tmp_path / "held.plan"))
    assert ran.code == 0, ran.stderr
    assert "vehicle 3 holds 8 mission items, 2 fence areas and 2 rally points" in ran.stdout
    document = json.loads((tmp_path / "held.plan").read_text())
    assert len(document["mission"]["items"]) == 8
    assert document["mission"]["plannedHomePosition"] == [HOME.lat, HOME.lon, HOME.alt_m]
    assert len(document["rallyPoints"]["points"]) == 2


def test_start_flies_the_mission_and_records_it(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch, store: Store
) -> None:
    v, url = vehicle
    _give(url, 4)
    mission_id = store.store_mission(mission_record(a_plan(4)))
    ran = pilot("mission", "start", "--connect", url, "--mission", str(mission_id))
    assert ran.code == 0, ran.stderr
    assert f"vehicle 3 started its mission {mission_id}" in ran.stdout
    assert v.flight.state.armed
    row = store.missions(status="started").iloc[0]
    assert (row.id, row.system_id) == (mission_id, 3)


def test_no_vehicle_is_one_line_and_exit_code_5(pilot: Coastwatch, tmp_path: Path) -> None:
    url = f"udpin:127.0.0.1:{free_port()}"
    ran = pilot(
        "mission", "download", "--connect", url, "--timeout", "0.5", "-o", str(tmp_path / "x.plan")
    )
    assert ran.code == 5
    assert f"no vehicle answered on {url} within 0.5 s" in ran.stderr
    assert not (tmp_path / "x.plan").exists()


def test_a_start_the_vehicle_refuses_is_said_in_its_words(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch
) -> None:
    _, url = vehicle
    ran = pilot("mission", "start", "--connect", url, "--timeout", "5")
    assert ran.code == 5
    assert "vehicle 3 refused the mission start: command is invalid" in ran.stderr


def test_an_upload_that_meets_another_mission_is_refused_unless_forced(
    vehicle: tuple[Vehicle, str], pilot: Coastwatch, store: Store
) -> None:
    v, url = vehicle
    first = store.store_mission(mission_record(_timed("the first", T0)))
    store.set_mission_status(first, "uploaded", uploaded_to="udpout:10.0.0.9:14550", system_id=9)
    second = store.store_mission(mission_record(_timed("the same line", T0)))
    ran = pilot("mission", "upload", "--mission", str(second), "--connect", url)
    assert ran.code == 2
    assert "plan refused: deconfliction:" in ran.stderr and f"mission {first}" in ran.stderr
    assert v.lists[0] == []  # nothing reached the vehicle
    later = store.store_mission(mission_record(_timed("an hour later", T0 + HOUR)))
    assert pilot("mission", "upload", "--mission", str(later), "--connect", url).code == 0
    forced = pilot("mission", "upload", "--mission", str(second), "--connect", url, "--force")
    assert forced.code == 0, forced.stderr
    assert "warning: deconfliction:" in forced.stderr
    assert len(v.lists[0]) == 10
