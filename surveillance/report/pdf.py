"""The PDF brief of a report: a page with a map over the offline land polygons, the window,
the area and a summary; then the alerts as a table. Drawn with matplotlib's PDF backend."""

from __future__ import annotations

import io
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from surveillance import alert_types
from surveillance.report.area import describe_bounds, extent
from surveillance.report.flat import names_text
from surveillance.times import iso_utc, people_utc

if TYPE_CHECKING:
    from surveillance.report.request import ReportRequest

__all__ = ["write", "short_time"]

_TOP_SCORES = 5
_ROWS_PER_PAGE = 32
_A4_PORTRAIT_IN = (8.27, 11.69)
_A4_LANDSCAPE_IN = (11.69, 8.27)
_LAND_COLOUR = "#e8e2cf"
_SEA_COLOUR = "#dbe9f4"


def short_time(moment: Any) -> str:
    """``2026-11-26 22:00Z`` for tables; ``open`` for a missing end."""
    return people_utc(moment, zone="Z")


def write(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """One page with the map, the window, the area and a summary; then the alerts table."""
    buffer = io.BytesIO()
    metadata = {
        "Title": "Coastwatch alert brief",
        "Subject": f"alerts from {iso_utc(request.since)} to {iso_utc(request.until)}",
        "Creator": "Coastwatch",
    }
    pages = [alerts.iloc[i : i + _ROWS_PER_PAGE] for i in range(0, len(alerts), _ROWS_PER_PAGE)]
    with (
        # No mathtext: a vessel named `$X$ $Y$` (AIS allows `$`) is printed, not typeset.
        matplotlib.rc_context({"pdf.fonttype": 42, "font.size": 8, "text.parse_math": False}),
        PdfPages(buffer, metadata=metadata) as pdf,
    ):
        pdf.savefig(_brief_page(alerts, request, land))
        for number, page in enumerate(pages or [alerts], start=1):
            pdf.savefig(_table_page(page, number, max(len(pages), 1)))
    return buffer.getvalue()


def _brief_page(
    alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None
) -> Figure:
    figure = Figure(figsize=_A4_PORTRAIT_IN)
    figure.text(0.06, 0.955, "Coastwatch alert brief", fontsize=16, weight="bold")
    hours = (request.until - request.since).total_seconds() / 3600
    types = ", ".join(request.types) if request.types else "all"
    heading = [
        f"Window: {iso_utc(request.since)} to {iso_utc(request.until)} ({hours:g} h)",
        f"Area: {_describe_area(request.area)}",
        f"Alert types: {types}",
    ]
    figure.text(0.06, 0.935, "\n".join(heading), va="top", fontsize=9, linespacing=1.5)
    _draw_map(figure.add_axes((0.08, 0.40, 0.86, 0.47)), alerts, request, land)
    figure.text(0.06, 0.36, _summary_text(alerts), va="top", fontsize=8.5, family="monospace")
    return figure


def _describe_area(area: shapely.Geometry | None) -> str:
    if area is None:
        return "everywhere"
    box = shapely.box(*area.bounds)
    if area.equals(box):
        return f"box {describe_bounds(area.bounds)}"
    return f"{area.geom_type.lower()} within {describe_bounds(area.bounds)}"


def _summary_text(alerts: gpd.GeoDataFrame) -> str:
    total = len(alerts)
    if total == 0:
        return "No alerts in this window and area."
    by_type = alerts["type"].value_counts().sort_index()
    by_status = alerts["status"].value_counts().sort_index()
    lines = [f"{total} alert{'s' if total != 1 else ''}", "", "By type:"]
    lines += [f"  {name:<20} {count:>5}" for name, count in by_type.items()]
    lines += ["", "By status:"]
    lines += [f"  {name:<20} {count:>5}" for name, count in by_status.items()]
    lines += ["", "Top scores (numbered on the map):"]
    for rank, row in enumerate(alerts.head(_TOP_SCORES).itertuples(index=False), start=1):
        who = " ".join(str(m) for m in row.mmsi)
        lines.append(
            f"  {rank}. {int(row.score):>3}  {row.type:<18} {short_time(row.start)}  "
            f"MMSI {_clip(who, 30)}"
        )
    return "\n".join(lines)


def _draw_map(
    ax: Axes, alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None
) -> None:
    box = extent(alerts, request.area)
    if box is None:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No alerts to map", ha="center", va="center", transform=ax.transAxes)
        return
    west, south, east, north = box
    ax.set_facecolor(_SEA_COLOUR)
    if land is not None and len(land):
        clipped = shapely.clip_by_rect(np.asarray(land.geometry), west, south, east, north)
        _draw_polygons(ax, clipped, facecolor=_LAND_COLOUR, edgecolor="#9a9479", linewidth=0.4)
    if request.area is not None:
        _draw_lines(ax, [request.area.boundary], colors="#333333", linewidths=1.0, linestyles="--")
    handles = []
    for kind, group in alerts.groupby("type", sort=True):
        colour = alert_types.colour(str(kind))
        shapes = [g for g in group.geometry if g is not None and g.geom_type != "Point"]
        _draw_lines(ax, [g.boundary if g.area > 0 else g for g in shapes], colors=colour)
        ax.scatter(
            group["lon"],
            group["lat"],
            s=12 + 0.5 * group["score"],
            c=colour,
            edgecolors="white",
            linewidths=0.5,
            zorder=3,
        )
        handles.append(
            Line2D([], [], marker="o", linestyle="", color=colour, label=f"{kind} ({len(group)})")
        )
    for rank, row in enumerate(alerts.head(_TOP_SCORES).itertuples(index=False), start=1):
        ax.annotate(
            str(rank),
            (row.lon, row.lat),
            xytext=(4, 4),
            textcoords="offset points",
            fontsize=8,
            weight="bold",
            zorder=4,
        )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    ax.set_aspect(1 / max(math.cos(math.radians((south + north) / 2)), 0.01))
    ax.set_xlabel("longitude (°E)")
    ax.set_ylabel("latitude (°N)")
    ax.tick_params(labelsize=7)
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=7, framealpha=0.9, title="alerts")


def _draw_polygons(ax: Axes, geometries: Any, **style: Any) -> None:
    """Polygons as one compound path (holes wound the other way, so they stay open)."""
    paths = []
    for part in shapely.get_parts(shapely.orient_polygons(np.asarray(geometries))):
        if not isinstance(part, shapely.Polygon) or part.is_empty:
            continue
        for ring in (part.exterior, *part.interiors):
            coords = np.asarray(ring.coords)[:, :2]
            codes = np.full(len(coords), MplPath.LINETO, dtype=MplPath.code_type)
            codes[0], codes[-1] = MplPath.MOVETO, MplPath.CLOSEPOLY
            paths.append(MplPath(coords, codes))
    if paths:
        ax.add_patch(PathPatch(MplPath.make_compound_path(*paths), zorder=1, **style))


def _draw_lines(ax: Axes, geometries: Iterable[shapely.Geometry], **style: Any) -> None:
    segments = [
        np.asarray(part.coords)[:, :2]
        for geometry in geometries
        for part in shapely.get_parts(geometry)
        if isinstance(part, shapely.LineString | shapely.LinearRing) and not part.is_empty
    ]
    if segments:
        ax.add_collection(LineCollection(segments, zorder=2, **style))


def _clip(text: str, chars: int) -> str:
    return text if len(text) <= chars else text[: chars - 1] + "…"


_TABLE_HEADER = [
    "#",
    "type",
    "score",
    "status",
    "start",
    "end",
    "MMSI",
    "vessels",
    "lat",
    "lon",
    "why",
    "id (prefix)",
]
_TABLE_WIDTHS = [0.025, 0.09, 0.035, 0.065, 0.085, 0.085, 0.1, 0.1, 0.045, 0.05, 0.23, 0.09]
#: Enough of an alert's id for ``coastwatch alerts show`` (which takes 6+ characters).
_ID_PREFIX_CHARS = 12


def _table_page(page: gpd.GeoDataFrame, number: int, pages: int) -> Figure:
    figure = Figure(figsize=_A4_LANDSCAPE_IN)
    figure.text(0.04, 0.95, f"Alerts (page {number} of {pages})", fontsize=12, weight="bold")
    ax = figure.add_axes((0.04, 0.04, 0.92, 0.88))
    ax.set_axis_off()
    if len(page) == 0:
        ax.text(0, 1, "No alerts in this window and area.", va="top")
        return figure
    first = (number - 1) * _ROWS_PER_PAGE + 1
    rows = [_table_row(first + i, row) for i, row in enumerate(page.itertuples(index=False))]
    table = ax.table(
        cellText=rows,
        colLabels=_TABLE_HEADER,
        colWidths=_TABLE_WIDTHS,
        loc="upper left",
        cellLoc="left",
    )
    table.auto_set_font_size(False)
    table.set_fontsize(6.5)
    table.scale(1, 1.25)
    for (row_index, _), cell in table.get_celld().items():
        cell.set_linewidth(0.3)
        if row_index == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#e6e6e6")
    return figure


def _table_row(rank: int, row: Any) -> list[str]:
    return [
        str(rank),
        row.type,
        str(int(row.score)),
        row.status,
        short_time(row.start),
        short_time(row.end),
        _clip(" ".join(str(m) for m in row.mmsi), 21),
        _clip(names_text(row.names), 20),
        f"{row.lat:.4f}",
        f"{row.lon:.4f}",
        _clip(row.summary, 52),
        row.id[:_ID_PREFIX_CHARS],
    ]
