"""The KML report, for Google Earth: a placemark per alert with a readable balloon."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from surveillance.report.flat import flat, through_gdal
from surveillance.untrusted import html_text as esc

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest

__all__ = ["write"]


def write(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """GDAL's KML driver: a placemark per alert named ``<type> <score>`` with an HTML
    description (Google Earth's balloon) and the columns as extended data."""
    rows = flat(alerts, times_as_text=True).rename(columns={"id": "alert_id"})
    names = [
        f"{kind} {int(score)}" for kind, score in zip(rows["type"], rows["score"], strict=True)
    ]
    rows["end"] = rows["end"].fillna("")
    rows["score"] = rows["score"].astype("int32")  # the KML driver writes int64 as text
    rows.insert(0, "Name", names)
    rows.insert(1, "Description", [_description(r) for r in rows.to_dict("records")])
    options = {"NameField": "Name", "DescriptionField": "Description"}
    return through_gdal(rows, "KML", ".kml", dataset_options=options)


def _description(record: Mapping[str, Any]) -> str:
    names = f" ({esc(record['names'])})" if record["names"] else ""
    lines = [
        f"<b>{esc(record['type'])}</b>, score {int(record['score'])}, {esc(record['status'])}",
        f"{esc(record['start'])} to {esc(record['end'] or 'now (open)')}",
        f"MMSI {esc(record['mmsi'])}{names}",
        f"{record['lat']:.5f} N, {record['lon']:.5f} E",
        f"Why: {esc(record['summary'])}" if record["summary"] else "",
        f"Evidence: {esc(record['evidence'])}" if record["evidence"] else "",
        f"Alert {esc(record['alert_id'])} (rule {esc(record['rule_version'])})",
    ]
    return "<br>".join(line for line in lines if line)
