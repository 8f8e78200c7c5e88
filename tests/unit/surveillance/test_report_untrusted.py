"""Every export of alerts on vessels named with markup: the names stay text in each.

The KML parses as XML with the names as text in it (escaped once in the HTML balloon), the
PDF prints them as typed (no mathtext), the CSV's cells cannot run as spreadsheet formulas,
GeoJSON and GeoPackage carry them as data.
"""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pytest

from surveillance.report.export import render
from tests.builders.alerts import report_frame, report_row
from tests.builders.hostile import NAMES, NOTES, PDF_NAMES
from tests.builders.pdf_text import pdf_lines
from tests.unit.surveillance.test_report_render import REQUEST

KML = "{http://www.opengis.net/kml/2.2}"
FORMULA = NOTES[-1]
#: One alert per name (a PDF cell holds 20 characters), and one whose reasons are a formula.
HOSTILE = report_frame(
    *[
        report_row(id=f"hostile-{i}", score=90 - i, mmsi=(431000010 + i,), names=(name,))
        for i, name in enumerate(dict.fromkeys(NAMES + PDF_NAMES))
    ],
    report_row(id="formula-1", score=10, names=("-1+2",), summary=FORMULA),
)


def names_by_id(frame: pd.DataFrame) -> dict[str, str]:
    return dict(zip(frame["id"], frame["names"], strict=True))


WANTED = names_by_id(pd.DataFrame(HOSTILE.assign(names=[n[0] for n in HOSTILE["names"]])))


def test_kml_is_xml_with_the_names_as_text() -> None:
    root = ET.fromstring(render(HOSTILE, REQUEST, "kml"))  # nothing a name holds broke the XML
    extended, balloons = {}, {}
    for placemark in root.iter(f"{KML}Placemark"):
        values = {d.get("name"): d.text for d in placemark.iter(f"{KML}SimpleData")}
        extended[values["alert_id"]] = values["names"]
        balloons[values["alert_id"]] = placemark.findtext(f"{KML}description") or ""
    assert extended == WANTED  # as data, the names are the characters themselves
    for alert_id, name in WANTED.items():
        # the balloon is HTML (Google Earth's): the name is its text, it made no element
        balloon = ET.fromstring(f"<div>{balloons[alert_id].replace('<br>', '<br/>')}</div>")
        assert {e.tag for e in balloon.iter()} == {"div", "b", "br"}
        assert f"({name})" in "".join(balloon.itertext())


def test_pdf_prints_the_names_as_typed() -> None:
    lines = pdf_lines(render(HOSTILE, REQUEST, "pdf"))
    for name in PDF_NAMES:
        assert name in lines  # a table cell of its own, not typeset as mathematics
    assert "X Y" not in lines


def test_csv_cells_cannot_run_as_formulas() -> None:
    table = pd.read_csv(io.BytesIO(render(HOSTILE, REQUEST, "csv")), dtype=str)
    formula = table[table["id"] == "formula-1"].iloc[0]
    assert formula["summary"] == "'" + FORMULA and formula["names"] == "'-1+2"
    names = names_by_id(table[table["id"] != "formula-1"])
    assert names == {k: v for k, v in WANTED.items() if k != "formula-1"}  # the rest as typed


@pytest.mark.parametrize("fmt, suffix", [("geojson", ".geojson"), ("gpkg", ".gpkg")])
def test_geojson_and_gpkg_keep_the_names_as_data(fmt: str, suffix: str, tmp_path: Path) -> None:
    data = render(HOSTILE, REQUEST, fmt)
    back = gpd.read_file(_saved(data, tmp_path, suffix))
    shown = dict(zip(back["id"], back["names"], strict=True))
    if fmt == "geojson":
        features = json.loads(data)["features"]
        shown = {f["id"]: f["properties"]["names"][0] for f in features}
    assert shown == WANTED


def _saved(data: bytes, tmp_path: Path, suffix: str) -> Path:
    path = tmp_path / f"report{suffix}"
    path.write_bytes(data)
    return path
