"""The survey complex item both ways: Coastwatch's surveys come back equal, and a survey
QGroundControl wrote is written back key for key."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from drone_ops import qgc_plan
from drone_ops.plan import Camera, Survey
from drone_ops.qgc_survey import survey_json
from surveillance.errors import InputError
from tests.builders.mission_files import same_plan, survey, survey_plan


def qgc_survey() -> dict[str, Any]:
    """A survey as QGroundControl 4.4 saves it: its own camera, a terrain setting, hover and
    capture, an entry corner, transect points it worked out itself."""
    doc = qgc_plan.document(survey_plan())
    item = doc["mission"]["items"][1]
    transect = item["TransectStyleComplexItem"]
    transect.update(HoverAndCapture=True, CameraShots=14, VisualTransectPoints=[[35.3, 139.6]])
    transect["CameraCalc"].update(
        CameraName="Sony ILCE-QX1",
        SensorWidth=23.2,
        SensorHeight=15.4,
        ImageWidth=5456,
        ImageHeight=3632,
        FocalLength=16,
        ImageDensity=1.33,
        AdjustedFootprintSide=20.1,
    )
    item.update(entryLocation=2, splitConcavePolygons=True)
    return doc


def test_a_survey_reads_back_equal_and_its_items_are_the_missions() -> None:
    plan = survey_plan()
    back = qgc_plan.loads(qgc_plan.dumps(plan), "grid.plan")
    assert back.elements[1] == plan.elements[1]
    same_plan(plan, back)
    assert len(back.mission_items()) == 8


def test_the_complex_item_is_written_as_qgroundcontrol_reads_it() -> None:
    item = qgc_plan.document(survey_plan())["mission"]["items"][1]
    assert (item["type"], item["complexItemType"], item["version"]) == ("ComplexItem", "survey", 5)
    assert item["polygon"][0] == [35.2998, 139.5998] and item["angle"] == 90.0
    transect = item["TransectStyleComplexItem"]
    assert transect["version"] == 2 and transect["TurnAroundDistance"] == 10.0
    assert [i["doJumpId"] for i in transect["Items"]] == [2, 3, 4, 5, 6, 7]
    assert transect["VisualTransectPoints"][0] == [35.3, 139.6]
    calc = transect["CameraCalc"]
    assert (calc["DistanceToSurface"], calc["FrontalOverlap"], calc["SideOverlap"]) == (50, 75, 65)
    # the generic camera at 50 m: 13.2 mm / 8.8 mm * 50 m / 5472 px = 1.37 cm a pixel
    assert calc["ImageDensity"] == pytest.approx(1.371, abs=1e-3)
    assert calc["AdjustedFootprintSide"] == pytest.approx(75.0 * 0.35, rel=1e-9)


def test_a_qgroundcontrol_survey_is_written_back_key_for_key() -> None:
    doc = qgc_survey()
    plan = qgc_plan.from_document(copy.deepcopy(doc), "qgc.plan")
    grid = plan.elements[1]
    assert isinstance(grid, Survey)
    assert grid.camera == Camera("Sony ILCE-QX1", 23.2, 15.4, 5456, 3632, 16.0)
    assert grid.extra["entryLocation"] == 2
    again = json.loads(qgc_plan.dumps(plan))["mission"]["items"][1]
    assert again == doc["mission"]["items"][1]


def test_unknown_keys_stay_in_extra_and_derived_ones_do_not() -> None:
    doc = qgc_survey()
    doc["mission"]["items"][1]["TransectStyleComplexItem"]["TerrainAdjustTolerance"] = 10
    grid = qgc_plan.from_document(doc, "qgc.plan").elements[1]
    assert isinstance(grid, Survey)
    transect = grid.extra["TransectStyleComplexItem"]
    assert transect["TerrainAdjustTolerance"] == 10 and transect["HoverAndCapture"] is True
    assert "Refly90Degrees" not in transect and "Items" not in transect
    own = qgc_plan.from_document(qgc_plan.document(survey_plan()), "x.plan").elements[1]
    assert isinstance(own, Survey) and own.extra == {}


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda i: i.update(complexItemType="CorridorScan"),
            "complex item 'CorridorScan' is not read",
        ),
        (lambda i: i.update(version=3), "survey version 3: only versions 4 and 5 are read"),
        (
            lambda i: i["TransectStyleComplexItem"].update(Items=[]),
            "a survey complex item without its items",
        ),
        (lambda i: i.pop("TransectStyleComplexItem"), "a survey complex item without its items"),
        (lambda i: i.update(polygon=[[35.3, 139.6]]), "the survey polygon has 1 vertices"),
        (
            lambda i: i["TransectStyleComplexItem"]["Items"][2].update(command=0),
            "grid.plan: mission item 2 (survey) item 3: unknown command 0",
        ),
        (
            lambda i: i["TransectStyleComplexItem"]["CameraCalc"].update(FocalLength=0),
            "mission item 2: CameraCalc FocalLength 0 is not a size",
        ),
    ],
)
def test_a_broken_survey_is_refused_with_its_place(change: Any, says: str) -> None:
    doc = qgc_plan.document(survey_plan())
    change(doc["mission"]["items"][1])
    with pytest.raises(InputError) as caught:
        qgc_plan.from_document(doc, "grid.plan")
    assert says in str(caught.value)


def test_a_portrait_camera_swaps_the_footprints() -> None:
    portrait = survey(camera=Camera(landscape=False))
    calc = survey_json(portrait, 1)["TransectStyleComplexItem"]["CameraCalc"]
    assert calc["AdjustedFootprintSide"] == pytest.approx(50.0 * 0.35, rel=1e-9)
