"""The alerts as flat rows, for the formats GDAL writes (GeoPackage, KML) and CSV: lists
joined as text, times as ISO 8601 text if asked."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import geopandas as gpd

from surveillance.report.gather import COLUMNS
from surveillance.times import iso_utc

__all__ = ["flat", "through_gdal", "names_text"]

_LAYER = "alerts"


def names_text(names: Iterable[str]) -> str:
    """The known vessel names, comma separated."""
    return ", ".join(n for n in names if n)


def flat(alerts: gpd.GeoDataFrame, *, times_as_text: bool) -> gpd.GeoDataFrame:
    """The alerts with lists joined as text (GDAL stores no lists), times optionally as ISO
    8601 text, and all in :data:`~surveillance.report.gather.COLUMNS` order."""
    rows = alerts[list(COLUMNS[:-1])].copy()
    rows["mmsi"] = [" ".join(str(m) for m in ms) for ms in alerts["mmsi"]]
    rows["names"] = [names_text(ns) for ns in alerts["names"]]
    if times_as_text:
        rows["start"] = [iso_utc(t) for t in alerts["start"]]
        rows["end"] = [iso_utc(t) for t in alerts["end"]]
    return gpd.GeoDataFrame(rows, geometry=list(alerts.geometry), crs=4326)


def through_gdal(frame: gpd.GeoDataFrame, driver: str, suffix: str, **options: Any) -> bytes:
    """``frame`` written by GDAL's ``driver`` to a scratch file, as bytes."""
    with tempfile.TemporaryDirectory(prefix="coastwatch-report-") as folder:
        path = Path(folder) / f"{_LAYER}{suffix}"
        frame.to_file(path, driver=driver, layer=_LAYER, engine="pyogrio", **options)
        return path.read_bytes()
