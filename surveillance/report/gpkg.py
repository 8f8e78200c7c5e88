"""The GeoPackage report: one ``alerts`` layer, with real date-time fields."""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveillance.report.flat import flat, through_gdal

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest

__all__ = ["write"]


def write(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """The alerts as a GeoPackage; QGIS's temporal controller can play its time fields."""
    return through_gdal(flat(alerts, times_as_text=False), "GPKG", ".gpkg")
