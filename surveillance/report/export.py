"""The one entry point of reports, behind ``coastwatch report`` and the dashboard's download
buttons: gather the alerts, render them in a format, record who exported what.

Files open as they are in QGIS (all formats) and Google Earth (KML).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from surveillance.errors import InputError
from surveillance.report import formats
from surveillance.report.area import extent
from surveillance.report.gather import TABLE_COLUMNS, gather

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest
    from surveillance.store import Store

__all__ = ["render", "export"]


def render(
    alerts: gpd.GeoDataFrame,
    request: ReportRequest,
    fmt: str,
    land: gpd.GeoDataFrame | None = None,
) -> bytes:
    """The report file's bytes: ``alerts`` as :func:`~surveillance.report.gather.gather`
    returns them, in ``fmt``. ``land`` (polygons in EPSG:4326) is drawn by the formats that
    draw the land (the PDF brief's map); the others ignore it."""
    write = formats.writer(fmt)
    missing = [c for c in TABLE_COLUMNS if c not in alerts.columns]
    if missing:
        raise InputError(f"the alerts to report lack {', '.join(missing)}")
    ordered = alerts.sort_values(["score", "start", "id"], ascending=[False, True, True])
    return write(ordered.reset_index(drop=True), request, land)


def export(store: Store, request: ReportRequest, fmt: str, actor: str) -> tuple[bytes, int]:
    """Gather the alerts, render them in ``fmt`` (over the store's land polygons, for a
    format that draws the land) and record the export with ``actor``; returns the file's
    bytes and how many alerts it holds."""
    chosen = formats.get(fmt)
    alerts = gather(store, request)
    land = None
    if chosen.draws_land:
        box = extent(alerts, request.area)
        land = None if box is None else store.zones(kinds=["land"], bbox=box)
    data = render(alerts, request, fmt, land)
    store.record_export(
        actor=actor,
        fmt=fmt,
        window=request.window,
        area=request.area,
        types=request.types,
        alerts=len(alerts),
    )
    return data, len(alerts)
