"""The briefing files: GeoJSON and KML with the route, waypoints, survey area, fence,
rally points and home; untrusted names stay text."""

from __future__ import annotations

import json
import math
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import shapely

from drone_ops import files
from drone_ops.plan import Fence, FenceCircle, FencePolygon, PlanStats
from surveillance.errors import InputError
from surveillance.geodesy import haversine_m
from tests.builders.mission_files import HOME, survey_plan

K = "{http://www.opengis.net/kml/2.2}"
STATS = PlanStats(
    area_m2=21000.0, distance_m=2400.0, flight_time_s=300.0, photo_count=40, gsd_cm=1.37, items=8
)


def collection(**changes: object) -> dict:  # type: ignore[type-arg]
    plan = survey_plan()
    return json.loads(
        files.dumps(plan.__class__(**{**plan.__dict__, "stats": STATS, **changes}), ".geojson")
    )


def by_role(doc: dict[str, Any], role: str) -> list[dict[str, Any]]:
    return [f for f in doc["features"] if f["properties"]["role"] == role]


def test_the_geojson_holds_every_part_of_the_plan() -> None:
    doc = collection()
    assert (doc["type"], doc["name"], doc["kind"]) == (
        "FeatureCollection",
        "sagami check",
        "survey",
    )
    assert doc["stats"]["photo_count"] == 40
    route = by_role(doc, "route")[0]
    assert route["geometry"]["type"] == "LineString"
    assert route["geometry"]["coordinates"][0] == [HOME.lon, HOME.lat, 0.0]
    assert route["geometry"]["coordinates"][2] == [139.6, 35.3, 50.0]
    assert route["properties"]["stats"]["distance_m"] == 2400.0
    commands = [f["properties"]["command"] for f in by_role(doc, "waypoints")]
    assert commands == ["NAV_TAKEOFF"] + ["NAV_WAYPOINT"] * 4
    assert by_role(doc, "waypoints")[1]["properties"]["seq"] == 2
    area = shapely.geometry.shape(by_role(doc, "survey_areas")[0]["geometry"])
    assert area.contains(shapely.Point(139.6025, 35.3002))
    assert len(by_role(doc, "geofence")) == 2 and len(by_role(doc, "rally_points")) == 2
    assert by_role(doc, "home")[0]["properties"]["alt_amsl_m"] == 3.5


def test_a_fence_circle_is_a_polygon_of_its_radius() -> None:
    doc = collection()
    circle = [f for f in by_role(doc, "geofence") if "radius_m" in f["properties"]][0]
    assert circle["properties"] == {
        "role": "geofence",
        "label": "RJTT approach",
        "name": "RJTT approach",
        "inclusion": False,
        "radius_m": 250.0,
    }
    ring = circle["geometry"]["coordinates"][0]
    distances = [float(haversine_m(139.62, 35.31, lon, lat)) for lon, lat in ring]
    assert min(distances) == pytest.approx(250.0, rel=0.01) and max(distances) == pytest.approx(
        250.0, rel=0.01
    )


def test_polygons_are_wound_as_rfc_7946_wants() -> None:
    for feature in by_role(collection(), "geofence") + by_role(collection(), "survey_areas"):
        ring = shapely.LinearRing(feature["geometry"]["coordinates"][0])
        assert ring.is_ccw


def test_the_kml_has_a_folder_for_each_part_and_the_route_with_altitudes(tmp_path: Path) -> None:
    path = tmp_path / "brief.kml"
    files.write_plan(replace(survey_plan(), stats=STATS), path)
    root = ET.parse(path).getroot()
    doc = root.find(f"{K}Document")
    assert doc is not None and doc.findtext(f"{K}name") == "sagami check"
    folders = [f.findtext(f"{K}name") for f in doc.findall(f"{K}Folder")]
    assert folders == ["home", "route", "waypoints", "survey areas", "geofence", "rally points"]
    line = doc.find(f".//{K}LineString/{K}coordinates")
    assert line is not None and line.text is not None
    assert line.text.split()[2] == "139.6,35.3,50.0"
    route = doc.find(f"{K}Folder/{K}Placemark[{K}styleUrl='#route']")
    assert route is not None and "2.40 km, 5.0 min" in (route.findtext(f"{K}description") or "")
    names = [n.text for n in doc.iterfind(f".//{K}Placemark/{K}name")]
    assert "0 NAV_TAKEOFF" in names and "RJTT approach" in names
    styles = [s.text for s in doc.iterfind(f".//{K}Folder[{K}name='geofence']//{K}styleUrl")]
    assert styles == ["#stay_inside", "#no_fly"]


def test_untrusted_names_stay_text_in_the_kml() -> None:
    evil = "<b>Ocean</b> & <script>alert(1)</script>\x01"
    fence = Fence((FencePolygon(((35.29, 139.59), (35.29, 139.63), (35.32, 139.63)), name=evil),))
    text = files.dumps(replace(survey_plan(), name=evil, fence=fence), ".kml")
    assert "<script>" not in text and "<b>" not in text
    root = ET.fromstring(text)
    assert root.findtext(f"{K}Document/{K}name") == "<b>Ocean</b> & <script>alert(1)</script>"
    balloon = root.findtext(f".//{K}Folder[{K}name='geofence']/{K}Placemark/{K}description")
    assert (
        balloon is not None and "&lt;script&gt;" in balloon
    )  # escaped once more for the HTML balloon


def test_a_plan_without_a_route_still_briefs_its_home() -> None:
    doc = collection(elements=(), fence=Fence(), rally=(), stats=None)
    assert [f["properties"]["role"] for f in doc["features"]] == ["home"]
    assert doc["stats"] is None
    circle_only = collection(
        fence=Fence(circles=(FenceCircle((80.0, 10.0), 1000.0, inclusion=True),))
    )
    ring = by_role(circle_only, "geofence")[0]["geometry"]["coordinates"][0]
    assert all(math.isfinite(v) for point in ring for v in point)


def test_briefing_formats_are_written_not_read(tmp_path: Path) -> None:
    path = tmp_path / "brief.geojson"
    files.write_plan(survey_plan(), path)
    with pytest.raises(InputError, match="cannot tell the format"):
        files.read_plan(path)
