"""`coastwatch report` on a real store: which alerts a report holds, each format written,
and every export recorded with who, what and when."""

from __future__ import annotations

import io
import json
from datetime import timedelta
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from surveillance.report.area import parse_area
from surveillance.report.export import export
from surveillance.report.gather import gather
from surveillance.report.request import ReportRequest
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.cli import Coastwatch, as_user
from tests.builders.clock import T0
from tests.builders.users import add_user

WINDOW = ("--since", "2026-11-26T20:00Z", "--until", "2026-11-27T20:00Z")
BBOX = ("--bbox", "129.5,33.5,130.5,34.5")


def add_vessel(store: Store, mmsi: int, name: str) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text("INSERT INTO vessels (mmsi, name, updated_at) VALUES (:m, :n, now())"),
            {"m": mmsi, "n": name},
        )


def add_land(store: Store, polygon: shapely.Polygon) -> None:
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO zones (kind, name, aoi, geom) VALUES ('land', 'island', 'test', "
                "ST_Multi(ST_GeomFromText(:wkt, 4326)))"
            ),
            {"wkt": polygon.wkt},
        )


@pytest.fixture
def alice(store: Store, coastwatch: Coastwatch) -> Coastwatch:
    """An analyst at the CLI (the role that makes reports)."""
    return as_user(coastwatch, add_user(store, "alice", "analyst").username)


@pytest.fixture
def day(store: Store) -> Store:
    """Alerts around T0: three in the box and window, and one of each kind left out."""
    insert_alert(
        store,
        id="sts",
        score=90,
        end=T0 + timedelta(hours=3),
        score_reasons=[{"points": 50, "reason": "within 500 m for 3 h"}],
        evidence={"key": "x", "duration_h": 3.0, "tracks": {"431000001": [[0, 1, 2]]}},
    )
    insert_alert(
        store,
        id="gap",
        type="ais_gap",
        mmsi=[431000003],
        score=60,
        lon=129.8,
        lat=33.9,
        start=T0 - timedelta(days=2),
    )  # open, began before the window
    insert_alert(
        store,
        id="loiter",
        type="loitering",
        mmsi=[431000004],
        score=40,
        start=T0 + timedelta(hours=10),
        end=T0 + timedelta(hours=16),
        lon=130.4,
    )
    insert_alert(store, id="far", type="ais_gap", mmsi=[431000005], lon=135.0, lat=36.0)
    insert_alert(
        store,
        id="before",
        type="loitering",
        start=T0 - timedelta(days=2),
        end=T0 - timedelta(days=1),
    )
    insert_alert(store, id="after", start=T0 + timedelta(days=1))
    add_vessel(store, 431000001, "OCEAN STAR")
    return store


def ids_in(path: Path) -> list[str]:
    return [feature["id"] for feature in json.loads(path.read_bytes())["features"]]


def test_a_report_holds_the_window_and_area_and_is_recorded(
    day: Store, alice: Coastwatch, tmp_path: Path
) -> None:
    output = tmp_path / "report.geojson"

    ran = alice("report", *WINDOW, *BBOX, "-o", str(output))

    assert ran.code == 0, ran.stderr
    assert ids_in(output) == ["sts", "gap", "loiter"]  # highest score first
    assert ran.stdout.startswith(f"3 alerts -> {output} (GeoJSON, ")  # and its size
    [recorded] = day.exports().to_dict("records")
    assert (recorded["actor"], recorded["format"], recorded["alerts"]) == ("alice", "geojson", 3)
    assert recorded["area"].equals(shapely.box(129.5, 33.5, 130.5, 34.5))
    assert recorded["types"] == []
    assert recorded["since"] == pd.Timestamp("2026-11-26T20:00Z")


def test_everywhere_when_no_area_is_given(day: Store, alice: Coastwatch, tmp_path: Path) -> None:
    output = tmp_path / "all.geojson"
    ran = alice("report", *WINDOW, "-o", str(output))
    assert ran.code == 0, ran.stderr
    assert ids_in(output) == ["sts", "gap", "far", "loiter"]
    assert day.exports()["area"].tolist() == [None]


def test_types_filter_the_report(day: Store, alice: Coastwatch, tmp_path: Path) -> None:
    output = tmp_path / "typed.geojson"
    ran = alice(
        "report",
        *WINDOW,
        *BBOX,
        "--type",
        "ais_gap",
        "--type",
        "loitering",
        "-o",
        str(output),
    )
    assert ran.code == 0, ran.stderr
    assert ids_in(output) == ["gap", "loiter"]
    assert day.exports()["types"].tolist() == [["ais_gap", "loitering"]]


def test_a_geojson_area_file_filters_by_its_polygon(
    day: Store, alice: Coastwatch, tmp_path: Path
) -> None:
    # A triangle that holds the gap (129.8, 33.9) but neither the STS (130, 34), though it
    # is inside the triangle's bounding box, nor the loitering (130.4, 34).
    triangle = shapely.Polygon([(129.5, 33.5), (130.4, 33.5), (129.5, 34.4)])
    area = tmp_path / "area.geojson"
    area.write_text(json.dumps({"type": "Feature", "geometry": shapely.geometry.mapping(triangle)}))
    output = tmp_path / "triangle.geojson"

    ran = alice("report", *WINDOW, "--area", str(area), "-o", str(output))

    assert ran.code == 0, ran.stderr
    assert ids_in(output) == ["gap"]
    assert day.exports()["area"].iloc[0].equals(triangle)


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("r.gpkg", "gpkg"), ("r.kml", "kml"), ("r.geojson", "geojson"), ("r.pdf", "pdf")],
)
def test_the_format_follows_the_file_suffix(
    day: Store, alice: Coastwatch, tmp_path: Path, name: str, fmt: str
) -> None:
    add_land(day, shapely.box(129.9, 33.6, 130.3, 33.8))
    output = tmp_path / name

    ran = alice("report", *WINDOW, *BBOX, "-o", str(output))

    assert ran.code == 0, ran.stderr
    if fmt == "pdf":
        assert output.read_bytes().startswith(b"%PDF")
    else:
        back = gpd.read_file(output)
        assert len(back) == 3 and back.crs.to_epsg() == 4326
    assert day.exports()["format"].tolist() == [fmt]


def test_csv_carries_names_reasons_and_evidence(
    day: Store, alice: Coastwatch, tmp_path: Path
) -> None:
    output = tmp_path / "report.txt"

    ran = alice("report", *WINDOW, *BBOX, "--format", "csv", "-o", str(output))

    assert ran.code == 0, ran.stderr
    table = pd.read_csv(output, dtype={"mmsi": str})
    sts = table[table["id"] == "sts"].iloc[0]
    assert (sts["mmsi"], sts["names"]) == ("431000001 431000002", "OCEAN STAR")
    assert sts["summary"] == "within 500 m for 3 h (+50)"
    assert sts["evidence"] == "duration_h: 3; tracks: 1 item"  # no raw JSON, no tracks
    assert (sts["lat"], sts["lon"], sts["start"]) == (34.0, 130.0, "2026-11-26T22:00:00Z")


def test_an_existing_file_is_kept_unless_forced(
    day: Store, alice: Coastwatch, tmp_path: Path
) -> None:
    output = tmp_path / "report.csv"
    output.write_text("keep me")

    refused = alice("report", *WINDOW, "-o", str(output))

    assert refused.code == 2 and "exists" in refused.stderr and "--force" in refused.stderr
    assert output.read_text() == "keep me"
    assert day.exports().empty

    forced = alice("report", *WINDOW, "-o", str(output), "--force")

    assert forced.code == 0, forced.stderr
    assert pd.read_csv(output)["id"].tolist() == ["sts", "gap", "far", "loiter"]


@pytest.mark.parametrize(
    ("options", "says"),
    [
        (["--bbox", "131,33,129,35"], "west must be less than east"),
        (["--bbox", "129,33,131"], "not a bounding box"),
        (["--bbox", "1,2,3,4", "--area", "x.geojson"], "not both"),
        (["--area", "/no/such/area.geojson"], "cannot read the area file"),
        (["--until", "2026-11-26T19:00Z"], "--since must be before --until"),
        (["--since", "yesterday"], "--since wants ISO 8601"),
    ],
)
def test_bad_input_exits_2_and_records_nothing(
    day: Store, alice: Coastwatch, tmp_path: Path, options: list[str], says: str
) -> None:
    output = tmp_path / "report.csv"

    ran = alice("report", *WINDOW, *options, "-o", str(output))

    assert ran.code == 2 and says in ran.stderr
    assert not output.exists() and day.exports().empty


def test_a_file_name_without_a_known_suffix_needs_a_format(
    alice: Coastwatch, tmp_path: Path
) -> None:
    ran = alice("report", *WINDOW, "-o", str(tmp_path / "report.txt"))
    assert ran.code == 2 and "give --format" in ran.stderr


def test_export_is_what_the_dashboard_calls(day: Store) -> None:
    request = ReportRequest(
        T0 - timedelta(hours=2), T0 + timedelta(hours=22), parse_area(bbox="129.5,33.5,130.5,34.5")
    )

    data, count = export(day, request, "csv", actor="bob")

    assert count == 3 and pd.read_csv(io.BytesIO(data))["id"].tolist() == ["sts", "gap", "loiter"]
    assert day.exports()[["actor", "format", "alerts"]].values.tolist() == [["bob", "csv", 3]]


def test_gather_names_the_vessels_in_mmsi_order(day: Store) -> None:
    add_vessel(day, 431000002, "SEA BIRD")
    request = ReportRequest(T0, T0 + timedelta(hours=1), types=("sts_transfer",))

    [sts] = gather(day, request).to_dict("records")

    assert sts["mmsi"] == [431000001, 431000002] and sts["names"] == ["OCEAN STAR", "SEA BIRD"]
    assert sts["geometry"].equals(shapely.Point(130, 34))


def test_exports_lists_the_newest_first(day: Store) -> None:
    request = ReportRequest(T0, T0 + timedelta(hours=1))
    for actor in ("ann", "ben"):
        export(day, request, "geojson", actor=actor)
    assert day.exports()["actor"].tolist() == ["ben", "ann"]
    assert day.exports(limit=1)["actor"].tolist() == ["ben"]
