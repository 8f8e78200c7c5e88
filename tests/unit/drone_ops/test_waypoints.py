"""QGC WPL 110 both ways: home as line 0, items with their integers, refusals by line."""

from __future__ import annotations

from pathlib import Path

import pytest

from drone_ops import files, qgc_plan, waypoints
from drone_ops.plan import Cmd, Frame, MissionItem
from surveillance.errors import InputError
from tests.builders.mission_files import HOME, same_plan, simple_plan, survey_plan

MISSION_PLANNER = (
    "QGC WPL 110\r\n"
    "0\t1\t0\t16\t0.000000\t0.000000\t0.000000\t0.000000\t-35.363262\t149.165237\t584.090000\t1\r\n"
    "1\t0\t3\t22\t0.000000\t0.000000\t0.000000\t0.000000\t-35.361354\t149.163163\t20.000000\t1\r\n"
    "2\t0\t3\t16\t0.000000\t0.000000\t0.000000\t0.000000\t-35.364271\t149.163990\t30.000000\t1\r\n"
    "3\t0\t3\t20\t0.000000\t0.000000\t0.000000\t0.000000\t0.000000\t0.000000\t0.000000\t1\r\n"
)


def test_home_is_line_zero_and_the_mission_the_lines_after_it() -> None:
    plan = waypoints.loads(MISSION_PLANNER, "/data/ardu sitl.waypoints")
    assert (plan.home.lat, plan.home.lon, plan.home.alt_m) == (-35.363262, 149.165237, 584.09)
    assert [i.command for i in plan.mission_items()] == [22, 16, 20]
    assert (plan.mission_items()[0].x, plan.mission_items()[0].y) == (-353613540, 1491631630)
    assert (plan.name, plan.kind) == ("ardu sitl", "imported")
    assert not plan.mission_items()[2].has_position


def test_the_written_file_is_mission_planners_shape() -> None:
    text = waypoints.dumps(simple_plan())
    lines = text.splitlines()
    assert lines[0] == "QGC WPL 110"
    assert lines[1].split("\t") == [
        "0",
        "1",
        "0",
        "16",
        "0",
        "0",
        "0",
        "0",
        "35.3",
        "139.6",
        "3.5",
        "1",
    ]
    assert lines[2].split("\t") == [
        *["1", "0", "3", "22", "0", "0", "0", "nan"],
        *["35.3001000", "139.6001000", "40", "1"],
    ]
    assert lines[4].split("\t")[4] == "5" and len(lines) == 8


def test_a_plan_goes_to_waypoints_and_back_with_the_same_mission() -> None:
    for plan in (simple_plan(), survey_plan()):
        back = waypoints.loads(waypoints.dumps(plan), "x.waypoints")
        same_plan(plan, back, mission_only=True)


def test_plan_to_waypoints_to_plan_keeps_every_integer() -> None:
    plan = qgc_plan.loads(qgc_plan.dumps(simple_plan()), "a.plan")
    again = qgc_plan.loads(
        qgc_plan.dumps(waypoints.loads(waypoints.dumps(plan), "b.waypoints")), "c.plan"
    )
    same_plan(plan, again, mission_only=True)


def test_odd_numbers_survive_the_text() -> None:
    odd = MissionItem(
        Cmd.NAV_LOITER_TIME, Frame.GLOBAL_INT, (1e-9, -0.0, 123456.789, 2.5), -1, 1, -3.25
    )
    raw = MissionItem(Cmd.DO_CHANGE_SPEED, Frame.MISSION, (1.0, 12.5, -1.0, 0.0), 7, -2, 0.0, False)
    plan = simple_plan(elements=(odd, raw))
    assert waypoints.loads(waypoints.dumps(plan), "x.txt").mission_items() == [odd, raw]


def test_a_txt_file_with_the_header_reads_as_waypoints(tmp_path: Path) -> None:
    path = tmp_path / "mission.txt"
    path.write_text(MISSION_PLANNER, encoding="utf-8")
    assert files.read_plan(path).home.lat == -35.363262
    files.write_plan(simple_plan(), path)
    assert files.read_plan(path).home == HOME


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (
            "1\t0\t3\t16\t0\t0\t0\t0\t35.3\t139.6\t30",
            "m.waypoints: line 3: 11 fields where QGC WPL 110 has 12",
        ),
        (
            "1\t0\t3\t16\t0\t0\tx\t0\t35.3\t139.6\t30\t1",
            "m.waypoints: line 3: field 7 'x' is not a number",
        ),
        ("1\t0\t3\t31999\t0\t0\t0\t0\t35.3\t139.6\t30\t1", "line 3: unknown command 31999"),
        (
            "1\t0\t3\t16\t0\t0\t0\t0\t-91\t139.6\t30\t1",
            "line 3: latitude -91.0, longitude 139.6 is not a place",
        ),
        (
            "one\t0\t3\t16\t0\t0\t0\t0\t35\t139.6\t30\t1",
            "line 3: index 'one' is not a whole number",
        ),
        (
            "1\t0\t2\t178\t0\t5\t0\t0\t0.5\t0\t0\t1",
            "line 3: param5 0.5 must be a whole number in frame 2",
        ),
        ("1\t0\t3\t16\t0\tinf\t0\t0\t35\t139.6\t30\t1", "line 3: param2 is infinite"),
    ],
)
def test_a_broken_line_is_refused_by_its_number(line: str, says: str) -> None:
    text = "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t35.3\t139.6\t3\t1\n" + line + "\n"
    with pytest.raises(InputError) as caught:
        waypoints.loads(text, "m.waypoints")
    assert says in str(caught.value)


def test_a_file_without_its_header_or_home_is_refused() -> None:
    with pytest.raises(InputError, match="m.txt: line 1: 'QGC WPL 120' where 'QGC WPL 110' is due"):
        waypoints.loads("QGC WPL 120\n", "m.txt")
    with pytest.raises(InputError, match=r"m.txt: no home line \(line 2\)"):
        waypoints.loads("QGC WPL 110\n\n", "m.txt")
    with pytest.raises(InputError, match=r"line 2 \(home\): not in a global frame"):
        waypoints.loads("QGC WPL 110\n0\t1\t2\t16\t0\t0\t0\t0\t0\t0\t0\t1\n", "m.txt")
