"""QGroundControl's .plan both ways: what is written reads back the same, and what is broken
is refused with the file and the place."""

from __future__ import annotations

import copy
import json
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from drone_ops import files, qgc_plan
from drone_ops.plan import Cmd, Limits, MissionItem, PlanStats, Point
from surveillance.errors import InputError
from tests.builders.mission_files import same_plan, simple_plan


def document(**changes: Any) -> dict[str, Any]:
    return qgc_plan.document(simple_plan(**changes))


def refusal(doc: object, source: str = "sagami.plan") -> str:
    with pytest.raises(InputError) as caught:
        qgc_plan.from_document(doc, source)
    return str(caught.value)


def test_a_plan_reads_back_with_the_same_integers_fence_rally_and_home() -> None:
    plan = simple_plan()
    back = qgc_plan.loads(qgc_plan.dumps(plan), "sagami.plan")
    same_plan(plan, back)
    assert [i.x for i in back.mission_items()] == [i.x for i in plan.mission_items()]
    assert back.fence.circles[0].name == "RJTT approach"


def test_coastwatch_facts_ride_in_their_own_key_and_come_back() -> None:
    start = datetime(2026, 12, 1, 6, 30, tzinfo=UTC)
    stats = PlanStats(1200.0, 3400.5, 420.0, 12, 1.4, 6)
    limits = Limits(min_alt_m=20.0, max_alt_m=100.0, endurance_min=30.0, max_range_m=5000.0)
    plan = simple_plan(planned_start=start, stats=stats, limits=limits, firmware="ardupilot")
    back = qgc_plan.loads(qgc_plan.dumps(plan), "x.plan")
    assert (back.name, back.kind, back.planned_start) == ("sagami check", "patrol", start)
    assert (back.stats, back.limits, back.firmware) == (stats, limits, "ardupilot")
    assert back.meta == {"alert_id": "a1b2c3", "why": "dark vessel"}


def test_a_file_of_another_planner_is_imported_and_named_after_the_file() -> None:
    doc = document()
    del doc["coastwatch"]
    plan = qgc_plan.from_document(doc, "/tmp/harbour sweep.plan")
    assert (plan.name, plan.kind, plan.meta) == ("harbour sweep", "imported", {})


def test_null_params_read_as_nan_and_are_written_as_null() -> None:
    doc = document()
    assert doc["mission"]["items"][0]["params"][3] is None
    takeoff = qgc_plan.from_document(doc, "x.plan").mission_items()[0]
    assert math.isnan(takeoff.params[3])


def test_an_unknown_home_altitude_reads_as_zero() -> None:
    doc = document()
    doc["mission"]["plannedHomePosition"][2] = None
    assert qgc_plan.from_document(doc, "x.plan").home == Point(35.30, 139.60, 0.0)


def test_a_file_path_reads_by_its_suffix_and_bytes_read_too(tmp_path: Path) -> None:
    plan = simple_plan()
    path = tmp_path / "sagami.PLAN"
    files.write_plan(plan, path)
    same_plan(plan, files.read_plan(path))
    same_plan(plan, files.loads(path.read_bytes(), "plan", "upload"))


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (lambda d: d.update(fileType="Mission"), "sagami.plan: fileType is 'Mission', not 'Plan'"),
        (lambda d: d.update(version=2), "sagami.plan: file version 2: only version 1 is read"),
        (lambda d: d["mission"].update(version=1), "mission version 1: only version 2 is read"),
        (lambda d: d["geoFence"].update(version=1), "geoFence version 1: only version 2 is read"),
        (
            lambda d: d["mission"]["items"][2].update(command=31999),
            "sagami.plan: mission item 3: unknown command 31999 (not a MAVLink MAV_CMD)",
        ),
        (
            lambda d: d["mission"]["items"][2]["params"].__setitem__(0, "5"),
            "mission item 3: param1: text where a number is due",
        ),
        (
            lambda d: d["mission"]["items"][1]["params"].__setitem__(4, 95.0),
            "mission item 2: latitude 95.0, longitude 139.61 is not a place on Earth",
        ),
        (
            lambda d: d["mission"]["items"][1]["params"].pop(),
            "mission item 2: params has 6 values, not 7",
        ),
        (lambda d: d["mission"]["items"][1].update(frame=77), "mission item 2: unknown frame 77"),
        (
            lambda d: d["mission"]["items"][3]["params"].__setitem__(4, 0.5),
            "mission item 4: param5 0.5 must be a whole number in frame 2",
        ),
        (lambda d: d["mission"]["items"].append([]), "mission item 7: a list where an object"),
        (
            lambda d: d["mission"]["items"].append(
                {"type": "ComplexItem", "complexItemType": "survey", "version": 5}
            ),
            "mission item 7: a survey complex item without its items",
        ),
        (
            lambda d: d["geoFence"]["circles"][0]["circle"].update(radius=-3),
            "geoFence circle 1: radius -3.0 m is not a radius",
        ),
        (
            lambda d: d["rallyPoints"]["points"][1].__setitem__(1, 200.0),
            "rallyPoints point 2: latitude 35.302, longitude 200.0 is not a place on Earth",
        ),
        (lambda d: d["coastwatch"].update(kind="strike"), "coastwatch kind 'strike' is not one of"),
        (lambda d: d["mission"].update(vehicleType=10), "vehicleType 10 is not a drone"),
        (
            lambda d: d["coastwatch"]["limits"].update(max_alt_m="high"),
            "coastwatch limits max_alt_m: text where a number is due",
        ),
        (
            lambda d: d["coastwatch"]["limits"].update(ceiling_m=3),
            "coastwatch limits: not the fields of Limits",
        ),
    ],
)
def test_what_is_broken_is_refused_with_the_file_and_the_place(change: Any, says: str) -> None:
    doc = copy.deepcopy(document())
    change(doc)
    assert says in refusal(doc)


def test_text_that_is_not_json_or_too_big_is_refused() -> None:
    with pytest.raises(InputError, match=r"x.plan: not JSON: Expecting value at line 1 column 1"):
        qgc_plan.loads("<html>", "x.plan")
    with pytest.raises(InputError, match="not JSON: NaN is not a JSON number"):
        qgc_plan.loads('{"fileType": NaN}', "x.plan")
    with pytest.raises(
        InputError, match=r"x.plan: 33 MB is more than a .plan file is read \(32 MB\)"
    ):
        qgc_plan.loads(" " * (33 * 2**20), "x.plan")


def test_bytes_that_are_not_utf8_and_unknown_suffixes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="upload.plan: not UTF-8 text"):
        files.loads(b'{"a": "\xff"}', ".plan", "upload.plan")
    with pytest.raises(InputError, match="cannot tell the format"):
        files.read_plan(tmp_path / "mission.docx")


def test_a_missing_home_is_taken_from_the_first_item_with_a_place() -> None:
    doc = document()
    del doc["mission"]["plannedHomePosition"]
    home = qgc_plan.from_document(doc, "x.plan").home
    assert (home.lat, home.lon) == (35.3001, 139.6001)


def test_the_written_json_is_what_qgroundcontrol_writes() -> None:
    doc = json.loads(qgc_plan.dumps(simple_plan()))
    assert (doc["fileType"], doc["version"], doc["mission"]["version"]) == ("Plan", 1, 2)
    waypoint, photo = doc["mission"]["items"][1], doc["mission"]["items"][3]
    assert waypoint["params"][4:] == [35.305, 139.61, 60.0] and waypoint["Altitude"] == 60.0
    assert "Altitude" not in photo and photo["params"] == [0.0, 0.0, 1.0, 0.0, 0, 0, 0.0]
    assert [i["doJumpId"] for i in doc["mission"]["items"]] == [1, 2, 3, 4, 5, 6]
    fence = doc["geoFence"]
    assert fence["circles"][0] == {
        "circle": {"center": [35.31, 139.62], "radius": 250.0},
        "inclusion": False,
        "version": 1,
    }


def test_a_meta_key_never_overrides_the_plans_own_facts() -> None:
    plan = simple_plan(meta={"kind": "strike", "name": "other", "mmsi": 431000001})
    back = qgc_plan.loads(qgc_plan.dumps(plan), "x.plan")
    assert (back.kind, back.name, back.meta) == ("patrol", "sagami check", {"mmsi": 431000001})


def test_every_item_keeps_its_integers_through_the_file() -> None:
    odd = MissionItem(Cmd.NAV_WAYPOINT, 6, (0.0, 0.0, 0.0, 0.0), -899999999, 1799999999, 12.25)
    plan = simple_plan(elements=(odd,))
    assert qgc_plan.loads(qgc_plan.dumps(plan), "x.plan").mission_items()[0] == odd
