"""Every sample plan written by QGroundControl, MAVSDK and Mission Planner users reads, and
writes back equivalent in its own format (shared data: ../shared/data/drone-plans/)."""

from __future__ import annotations

from pathlib import Path

import pytest

from drone_ops import files
from tests.builders.mission_files import same_plan
from tests.builders.samples import shared_data, without_data

SAMPLES = shared_data("drone-plans")
if not SAMPLES.is_dir():
    without_data(SAMPLES)
PLANS = sorted(p for p in SAMPLES.iterdir() if p.suffix.lower() in files.READ_SUFFIXES)


def test_the_samples_are_there() -> None:
    assert {p.suffix for p in PLANS} >= {".plan", ".waypoints"}


@pytest.mark.parametrize("path", PLANS, ids=lambda p: p.name)
def test_a_sample_writes_back_equivalent_in_its_own_format(path: Path) -> None:
    plan = files.read_plan(path)
    assert plan.mission_items() and plan.kind == "imported"
    back = files.loads(files.dumps(plan, path.suffix), path.suffix, f"{path.name} rewritten")
    same_plan(plan, back)


@pytest.mark.parametrize("path", [p for p in PLANS if p.suffix == ".plan"], ids=lambda p: p.name)
def test_a_simple_sample_mission_goes_through_waypoints_and_back(path: Path) -> None:
    plan = files.read_plan(path)
    through = files.loads(files.dumps(plan, ".waypoints"), ".waypoints", "via.waypoints")
    back = files.loads(files.dumps(through, ".plan"), ".plan", "back.plan")
    same_plan(plan, back, mission_only=True)


def test_the_mission_planner_sample_has_home_as_line_zero() -> None:
    plan = files.read_plan(SAMPLES / "mavsdk__mission_planner_sample.waypoints")
    assert (plan.home.lat, plan.home.lon, plan.home.alt_m) == (47.3978101, 8.545538, 15.0)
    assert [(i.command, i.frame, i.x, i.y, i.z) for i in plan.mission_items()] == [
        (16, 5, 473977992, 85454669, 15.0),
        (16, 5, 473977883, 85453958, 15.0),
        (20, 5, 473977774, 85453247, 0.0),
    ]


def test_the_qgroundcontrol_sample_reads_as_qgroundcontrol_shows_it() -> None:
    plan = files.read_plan(SAMPLES / "mavsdk__qgroundcontrol_sample.plan")
    commands = [i.command for i in plan.mission_items()]
    assert commands == [22, 16, 2000, 16, 16, 20]
    assert [(i.x, i.y) for i in plan.mission_items()[:2]] == [
        (473977507, 85456075),
        (473977711, 85466122),
    ]
    assert plan.home.alt_m == pytest.approx(488.931, abs=1e-3)
    assert (plan.vehicle, plan.firmware, plan.cruise_speed_mps) == ("multirotor", "px4", 15.0)


def test_the_mavsdk_sample_brings_its_rally_points() -> None:
    plan = files.read_plan(SAMPLES / "mavsdk-python__example-mission.plan")
    assert [(r.lat, r.lon) for r in plan.rally] == [
        (47.3975777095593, 8.545262530782963),
        (47.39882862292046, 8.545234383318984),
    ]
    assert [(i.x, i.y) for i in plan.rally_items()] == [
        (473975777, 85452625),
        (473988286, 85452344),
    ]
