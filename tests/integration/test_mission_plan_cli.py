"""``coastwatch mission plan survey|expanding-square|sector`` and ``mission list`` on a store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drone_ops import files
from surveillance.store import Store
from tests.builders.cli import Coastwatch, as_user
from tests.builders.users import add_user

HOME = "34.199,129.299"  # Izuhara, Tsushima
AREA = {
    "type": "Feature",
    "properties": {"name": "harbour mouth"},
    "geometry": {
        "type": "Polygon",
        "coordinates": [
            [
                [129.300, 34.200],
                [129.304, 34.200],
                [129.304, 34.203],
                [129.300, 34.203],
                [129.300, 34.200],
            ]
        ],
    },
}


@pytest.fixture
def pilot(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """A drone operator at the CLI (the role that plans and flies missions)."""
    return as_user(coastwatch, add_user(store, "pilot", "drone_operator").username)


def test_survey_writes_the_plan_stores_it_and_prints_the_statistics(
    pilot: Coastwatch, store: Store, tmp_path: Path
) -> None:
    area = tmp_path / "harbour.geojson"
    area.write_text(json.dumps(AREA))
    out = tmp_path / "harbour.plan"
    ran = pilot(
        "mission",
        "plan",
        "survey",
        "--area",
        str(area),
        "--home",
        HOME,
        "--altitude",
        "50",
        "--side",
        "60",
        "-o",
        str(out),
        "--format",
        "json",
    )
    assert ran.code == 0, ran.stderr
    facts = json.loads(ran.stdout)
    assert (
        facts["kind"] == "survey"
        and facts["photo_count"] > 0
        and facts["gsd_cm"] == round(100 * 13.2 * 50 / (8.8 * 5472), 2)
    )
    document = json.loads(out.read_text())
    assert len(files.read_plan(out).mission_items()) == facts["items"]
    survey = [i for i in document["mission"]["items"] if i["type"] == "ComplexItem"]
    assert [i["complexItemType"] for i in survey] == ["survey"]
    assert document["coastwatch"].pop("mission_id") == facts["id"]  # the file knows its row
    assert store.mission_plan(facts["id"]) == document
    row = store.missions().iloc[0]
    assert row["name"] == "harbour" and row["stats"]["items"] == facts["items"]


def test_expanding_square_and_sector_print_lines_and_list_shows_them(
    pilot: Coastwatch,
) -> None:
    ran = pilot(
        "mission",
        "plan",
        "expanding-square",
        "--at",
        "34.21,129.31",
        "--home",
        HOME,
        "--spacing",
        "100",
        "--legs",
        "8",
    )
    assert ran.code == 0, ran.stderr
    assert (
        "distance" in ran.stdout
        and "flight time" in ran.stdout
        and "items         11" in ran.stdout
    )
    ran = pilot(
        "mission",
        "plan",
        "sector",
        "--at",
        "34.21,129.31",
        "--home",
        HOME,
        "--radius",
        "400",
        "--wind",
        "270@6",
        "--start",
        "2026-12-01T09:00Z",
        "--name",
        "VS off Izuhara",
    )
    assert ran.code == 0, ran.stderr
    listed = json.loads(pilot("mission", "list", "--format", "json").stdout)
    assert [(m["kind"], m["name"]) for m in listed] == [
        ("sector", "VS off Izuhara"),
        ("expanding_square", "expanding-square"),
    ]
    assert listed[0]["planned_start"].startswith("2026-12-01T09:00")
    table = pilot("mission", "list").stdout
    assert "VS off Izuhara" in table and "planned" in table


def test_a_plan_that_breaks_a_limit_is_refused_and_nothing_is_stored_or_written(
    pilot: Coastwatch, store: Store, tmp_path: Path
) -> None:
    out = tmp_path / "far.plan"
    ran = pilot(
        "mission",
        "plan",
        "sector",
        "--at",
        "34.30,129.40",
        "--home",
        HOME,
        "--battery-min",
        "8",
        "-o",
        str(out),
    )
    assert ran.code == 2
    (line,) = ran.stderr.strip().splitlines()
    assert "plan refused: endurance" in line and " at 34." in line
    assert not out.exists() and store.missions().empty
    ran = pilot(
        "mission",
        "plan",
        "sector",
        "--at",
        "33.5859,130.451",
        "--home",
        "33.60,130.40",
        "--radius",
        "300",
    )
    assert ran.code == 2 and "airport RJFF Fukuoka Airport" in ran.stderr
    ran = pilot("mission", "plan", "expanding-square", "--at", "34.21", "--home", HOME)
    assert ran.code == 2 and "--at" in ran.stderr


def test_patrol_along_the_tsushima_coast_there_and_back(pilot: Coastwatch, store: Store) -> None:
    ran = pilot(
        "mission",
        "plan",
        "patrol",
        "--from",
        "34.145,129.276",
        "--to",
        "34.20,129.30",
        "--offset",
        "600",
        "--there-and-back",
        "--home",
        HOME,
        "--battery-min",
        "60",
        "--format",
        "json",
    )
    assert ran.code == 0, ran.stderr
    facts = json.loads(ran.stdout)
    assert facts["kind"] == "patrol" and facts["items"] > 20
    assert store.missions().iloc[0]["kind"] == "patrol"


def test_the_setting_drone_no_fly_fences_every_plan(
    pilot: Coastwatch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    zone = tmp_path / "exercise.geojson"
    square = [[129.305, 34.205], [129.315, 34.205], [129.315, 34.215], [129.305, 34.215]]
    zone.write_text(json.dumps({"type": "Polygon", "coordinates": [[*square, square[0]]]}))
    monkeypatch.setenv("COASTWATCH_DRONE_NO_FLY", json.dumps([str(zone)]))
    ran = pilot("mission", "plan", "sector", "--at", "34.21,129.31", "--home", HOME)
    assert ran.code == 2 and "the path enters exercise.geojson #1" in ran.stderr
    monkeypatch.delenv("COASTWATCH_DRONE_NO_FLY")
    ran = pilot(
        "mission", "plan", "sector", "--at", "34.21,129.31", "--home", HOME, "--no-fly", str(zone)
    )
    assert ran.code == 2 and "exercise.geojson #1" in ran.stderr
