"""Reports: the alerts of an area and a time window as GeoPackage, GeoJSON, KML, CSV or a
PDF brief.

:func:`export` is the one function behind ``coastwatch report`` and the dashboard's download
buttons: it gathers the alerts (:func:`gather`), renders the file (:func:`render`) and
records who exported what in the ``exports`` table. Files open as they are in QGIS (all
formats) and Google Earth (KML).

>>> request = ReportRequest(since, until, area=parse_area(bbox="129,33,131,35"))  # doctest: +SKIP
>>> data, count = export(store, request, "gpkg", actor="analyst")                  # doctest: +SKIP
"""

from __future__ import annotations

import html
import io
import json
import math
import tempfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import matplotlib
import numpy as np
import pandas as pd
import shapely
from matplotlib.axes import Axes
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from surveillance.cli_common import iso_utc
from surveillance.errors import InputError
from surveillance.models import ALERT_TYPES
from surveillance.store import BBox, Store, Window

__all__ = ["FORMATS", "ReportRequest", "parse_area", "gather", "render", "export"]

#: The formats a report is written in, by their usual file suffix.
FORMATS = ("gpkg", "geojson", "kml", "csv", "pdf")
#: What :func:`gather` returns, in this order (``geometry`` in EPSG:4326 last).
COLUMNS = (
    "id", "type", "status", "score", "start", "end", "mmsi", "names", "lat", "lon",
    "summary", "evidence", "rule_version", "geometry",
)  # fmt: skip
#: The columns of the text formats (CSV), in this order.
_TABLE_COLUMNS = [c for c in COLUMNS if c != "geometry"]

_LAYER = "alerts"
_MAP_PADDING_DEG = 0.05
_TOP_SCORES = 5
_ROWS_PER_PAGE = 32
_A4_PORTRAIT_IN = (8.27, 11.69)
_A4_LANDSCAPE_IN = (11.69, 8.27)
_LAND_COLOUR = "#e8e2cf"
_SEA_COLOUR = "#dbe9f4"
#: One colour per alert type (matplotlib's tab10 and then some), so a type keeps its colour.
_TYPE_COLOURS = dict(
    zip(
        ALERT_TYPES,
        ["#d62728", "#ff7f0e", "#1f77b4", "#9467bd", "#8c564b",
         "#e377c2", "#2ca02c", "#7f7f7f", "#bcbd22", "#17becf"],
        strict=True,
    )
)  # fmt: skip


@dataclass(frozen=True)
class ReportRequest:
    """What to report: alerts going on at some time in ``[since, until)`` (UTC-aware), that
    touch ``area`` (a polygon in EPSG:4326; None for everywhere), of ``types`` (empty: all)."""

    since: datetime
    until: datetime
    area: shapely.Geometry | None = None
    types: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.since.tzinfo is None or self.until.tzinfo is None:
            raise InputError("a report's times must be timezone-aware (UTC)")
        if self.since >= self.until:
            raise InputError("a report's window must start (since) before it ends (until)")
        types = tuple(dict.fromkeys(self.types))
        unknown = [t for t in types if t not in ALERT_TYPES]
        if unknown:
            raise InputError(
                f"not an alert type: {', '.join(unknown)}", hint=f"one of {', '.join(ALERT_TYPES)}"
            )
        if self.area is not None:
            _check_area(self.area)
        object.__setattr__(self, "since", self.since.astimezone(UTC))
        object.__setattr__(self, "until", self.until.astimezone(UTC))
        object.__setattr__(self, "types", types)

    @property
    def window(self) -> Window:
        return self.since, self.until


# -- the area ------------------------------------------------------------------------------


def parse_area(bbox: str | None = None, geojson: bytes | None = None) -> shapely.Geometry | None:
    """The area of a report from a box ``"west,south,east,north"`` (degrees) or from GeoJSON
    (a Polygon, MultiPolygon, or a Feature or FeatureCollection of them, merged); None when
    neither is given. Anything else is an InputError that says what is wrong.

    >>> parse_area(bbox="129,33,131.5,35").bounds
    (129.0, 33.0, 131.5, 35.0)
    """
    if bbox is not None and geojson is not None:
        raise InputError("give the area as a bounding box or as GeoJSON, not both")
    if bbox is not None:
        return _check_area(_parse_bbox(bbox))
    if geojson is not None:
        return _check_area(_parse_geojson(geojson))
    return None


def _parse_bbox(text: str) -> shapely.Geometry:
    usage = "a bounding box is west,south,east,north in degrees, e.g. 129,33,131.5,35"
    parts = text.split(",")
    if len(parts) != 4:
        raise InputError(f"not a bounding box: {text!r}", hint=usage)
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise InputError(f"not a bounding box (numbers wanted): {text!r}", hint=usage) from None
    if not all(map(math.isfinite, (west, south, east, north))):
        raise InputError(f"not a bounding box (finite numbers wanted): {text!r}", hint=usage)
    if west >= east or south >= north:
        raise InputError(
            f"bounding box {text!r} is empty or inverted: west must be less than east and "
            "south less than north",
            hint=usage,
        )
    return shapely.box(west, south, east, north)


def _parse_geojson(data: bytes) -> shapely.Geometry:
    try:
        document = json.loads(data)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"the area is not GeoJSON: {exc}") from None
    if not isinstance(document, dict) or not isinstance(document.get("type"), str):
        raise InputError("the area is not GeoJSON: no object with a type")
    _check_crs(document)
    kind = document["type"]
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list) or not features:
            raise InputError("the area's FeatureCollection has no features")
        return shapely.union_all([_feature_geometry(f) for f in features])
    if kind == "Feature":
        return _feature_geometry(document)
    return _polygonal(document)


def _check_crs(document: Mapping[str, Any]) -> None:
    """RFC 7946 has no ``crs`` member; an old-style one must still say WGS 84 lon/lat."""
    crs = document.get("crs")
    if crs is None:
        return
    name = str((crs.get("properties") or {}).get("name", "")) if isinstance(crs, dict) else ""
    if not (name.endswith("CRS84") or name.endswith("4326")):
        raise InputError(
            f"the area's GeoJSON is in {name or 'an unknown CRS'}",
            hint="give it in WGS 84 longitude/latitude (EPSG:4326), as RFC 7946 wants",
        )


def _feature_geometry(feature: Any) -> shapely.Geometry:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        raise InputError("the area's FeatureCollection holds something that is not a Feature")
    geometry = feature.get("geometry")
    if not isinstance(geometry, dict):
        raise InputError("a Feature of the area has no geometry")
    return _polygonal(geometry)


#: What shapely raises on GeoJSON of the right type but the wrong shape.
_SHAPE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    IndexError,
    AttributeError,
    shapely.errors.ShapelyError,
)


def _polygonal(geometry: Mapping[str, Any]) -> shapely.Geometry:
    kind = geometry.get("type")
    if kind not in ("Polygon", "MultiPolygon"):
        raise InputError(f"the area must be a Polygon or MultiPolygon, not {kind}")
    try:
        return shapely.geometry.shape(geometry)
    except _SHAPE_ERRORS:
        raise InputError(f"the area is not a well-formed GeoJSON {kind}") from None


def _check_area(area: shapely.Geometry) -> shapely.Geometry:
    """The area as it is, if it is a usable polygon in lon/lat; else an InputError."""
    if not isinstance(area, shapely.Polygon | shapely.MultiPolygon):
        raise InputError(f"the area must be a polygon, not a {area.geom_type}")
    if area.is_empty:
        raise InputError("the area is empty")
    west, south, east, north = area.bounds
    if not all(map(math.isfinite, area.bounds)):
        raise InputError("the area has coordinates that are not numbers")
    if west < -180 or east > 180 or south < -90 or north > 90:
        raise InputError(
            f"the area reaches outside -180..180 E, -90..90 N: {_describe_bounds(area.bounds)}",
            hint="coordinates are longitude, latitude in degrees (EPSG:4326)",
        )
    if not area.is_valid:
        raise InputError(f"the area is not a valid polygon: {shapely.is_valid_reason(area)}")
    return area


# -- gathering -----------------------------------------------------------------------------


def gather(store: Store, request: ReportRequest) -> gpd.GeoDataFrame:
    """The alerts of the report, highest score first, with the columns of :data:`COLUMNS`:
    ``mmsi`` a list of ints, ``names`` a list aligned with it ("" when unknown), ``start``
    and ``end`` UTC timestamps (``end`` NaT while open), ``summary`` the score's reasons
    and ``evidence`` its scalar facts, both as readable text."""
    found = store.export_alerts(request.window, request.area, request.types)
    frame = pd.DataFrame(
        {
            "id": found["id"].astype(str),
            "type": found["type"].astype(str),
            "status": found["status"].astype(str),
            "score": found["score"].astype(int),
            "start": pd.to_datetime(found["start"], utc=True),
            "end": pd.to_datetime(found["end"], utc=True),
            "mmsi": [[int(m) for m in ms] for ms in found["mmsi"]],
            "names": [[n or "" for n in names] for names in found["names"]],
            "lat": found["lat"].astype(float).round(6),
            "lon": found["lon"].astype(float).round(6),
            "summary": [_reasons_text(r) for r in found["score_reasons"]],
            "evidence": [_evidence_text(e) for e in found["evidence"]],
            "rule_version": found["rule_version"].astype(str),
        },
        index=pd.RangeIndex(len(found)),
    )
    return gpd.GeoDataFrame(frame, geometry=list(found.geometry), crs=4326)


def _reasons_text(reasons: Any) -> str:
    """``[{"points": 50, "reason": "within 500 m"}, ...]`` as ``within 500 m (+50); ...``."""
    if not isinstance(reasons, list):
        return ""
    parts = []
    for item in reasons:
        if isinstance(item, dict):
            points = item.get("points")
            said = str(item.get("reason", "")).strip()
            parts.append(f"{said} ({int(points):+d})" if isinstance(points, int | float) else said)
        else:
            parts.append(str(item))
    return "; ".join(p for p in parts if p)


def _evidence_text(evidence: Any) -> str:
    """The evidence's facts as ``key: value; ...``, alphabetically, then its lists and
    objects (already cut to ``{"count": n}`` by the store) by their size. The internal
    ``key`` is left out."""
    if not isinstance(evidence, dict):
        return ""
    facts, sizes = [], []
    for key, value in sorted(evidence.items()):
        if key == "key" or value is None:
            continue
        if isinstance(value, dict | list):
            count = value.get("count") if isinstance(value, dict) else len(value)
            sizes.append(f"{key}: {count} item{'' if count == 1 else 's'}")
        elif isinstance(value, bool):
            facts.append(f"{key}: {'yes' if value else 'no'}")
        elif isinstance(value, float):
            facts.append(f"{key}: {value:g}")
        else:
            facts.append(f"{key}: {value}")
    return "; ".join(facts + sizes)


# -- rendering -----------------------------------------------------------------------------


def render(
    alerts: gpd.GeoDataFrame,
    request: ReportRequest,
    fmt: str,
    land: gpd.GeoDataFrame | None = None,
) -> bytes:
    """The report file's bytes: ``alerts`` as :func:`gather` returns them, in ``fmt``.
    ``land`` (polygons in EPSG:4326) is drawn on the PDF brief's map; other formats
    ignore it."""
    writer = _WRITERS.get(fmt)
    if writer is None:
        raise InputError(f"not a report format: {fmt!r}", hint=f"one of {', '.join(FORMATS)}")
    missing = [c for c in _TABLE_COLUMNS if c not in alerts.columns]
    if missing:
        raise InputError(f"the alerts to report lack {', '.join(missing)}")
    ordered = alerts.sort_values(["score", "start", "id"], ascending=[False, True, True])
    return writer(ordered.reset_index(drop=True), request, land)


def _short_time(moment: Any) -> str:
    """``2026-11-26 22:00Z`` for tables; ``open`` for a missing end."""
    if moment is None or pd.isna(moment):
        return "open"
    return pd.Timestamp(moment).tz_convert(UTC).strftime("%Y-%m-%d %H:%MZ")


def _names_text(names: Iterable[str]) -> str:
    return ", ".join(n for n in names if n)


def _flat(alerts: gpd.GeoDataFrame, *, times_as_text: bool) -> gpd.GeoDataFrame:
    """The alerts with lists joined as text (GDAL stores no lists), times optionally as ISO
    8601 text, and all in :data:`COLUMNS` order."""
    flat = alerts[list(COLUMNS[:-1])].copy()
    flat["mmsi"] = [" ".join(str(m) for m in ms) for ms in alerts["mmsi"]]
    flat["names"] = [_names_text(ns) for ns in alerts["names"]]
    if times_as_text:
        flat["start"] = [iso_utc(t) for t in alerts["start"]]
        flat["end"] = [iso_utc(t) for t in alerts["end"]]
    return gpd.GeoDataFrame(flat, geometry=list(alerts.geometry), crs=4326)


def _through_gdal(frame: gpd.GeoDataFrame, driver: str, suffix: str, **options: Any) -> bytes:
    with tempfile.TemporaryDirectory(prefix="coastwatch-report-") as folder:
        path = Path(folder) / f"{_LAYER}{suffix}"
        frame.to_file(path, driver=driver, layer=_LAYER, engine="pyogrio", **options)
        return path.read_bytes()


def _gpkg(alerts: gpd.GeoDataFrame, request: ReportRequest, land: Any) -> bytes:
    # Real date-time fields: QGIS's temporal controller can play them.
    return _through_gdal(_flat(alerts, times_as_text=False), "GPKG", ".gpkg")


def _geojson(alerts: gpd.GeoDataFrame, request: ReportRequest, land: Any) -> bytes:
    """RFC 7946 by hand: JSON has lists, so ``mmsi`` and ``names`` stay lists here (as in
    ``coastwatch alerts list --format geojson``); polygons wound counter-clockwise."""
    features = []
    for record, geometry in zip(
        alerts[_TABLE_COLUMNS].to_dict("records"), alerts.geometry, strict=True
    ):
        properties = {
            **record,
            "score": int(record["score"]),
            "start": iso_utc(record["start"]),
            "end": iso_utc(record["end"]),
            "mmsi": [int(m) for m in record["mmsi"]],
            "names": [str(n) for n in record["names"]],
        }
        shape = None
        if geometry is not None and not geometry.is_empty:
            shape = shapely.geometry.mapping(shapely.orient_polygons(geometry))
        features.append(
            {"type": "Feature", "id": record["id"], "geometry": shape, "properties": properties}
        )
    document = {"type": "FeatureCollection", "features": features}
    return json.dumps(document, ensure_ascii=False, allow_nan=False).encode()


def _kml(alerts: gpd.GeoDataFrame, request: ReportRequest, land: Any) -> bytes:
    """GDAL's KML driver: a placemark per alert named ``<type> <score>`` with an HTML
    description (Google Earth's balloon) and the columns as extended data."""
    flat = _flat(alerts, times_as_text=True).rename(columns={"id": "alert_id"})
    names = [
        f"{kind} {int(score)}" for kind, score in zip(flat["type"], flat["score"], strict=True)
    ]
    flat["end"] = flat["end"].fillna("")
    flat["score"] = flat["score"].astype("int32")  # the KML driver writes int64 as text
    flat.insert(0, "Name", names)
    flat.insert(1, "Description", [_description(r) for r in flat.to_dict("records")])
    options = {"NameField": "Name", "DescriptionField": "Description"}
    return _through_gdal(flat, "KML", ".kml", dataset_options=options)


def _description(record: Mapping[str, Any]) -> str:
    def esc(value: Any) -> str:
        return html.escape(str(value))

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


def _csv(alerts: gpd.GeoDataFrame, request: ReportRequest, land: Any) -> bytes:
    table = pd.DataFrame(_flat(alerts, times_as_text=True)[_TABLE_COLUMNS])
    return table.to_csv(index=False, lineterminator="\n").encode()


# -- the PDF brief -------------------------------------------------------------------------


def _pdf(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """One page with the map, the window, the area and a summary; then the alerts table."""
    buffer = io.BytesIO()
    metadata = {
        "Title": "Coastwatch alert brief",
        "Subject": f"alerts from {iso_utc(request.since)} to {iso_utc(request.until)}",
        "Creator": "Coastwatch",
    }
    pages = [alerts.iloc[i : i + _ROWS_PER_PAGE] for i in range(0, len(alerts), _ROWS_PER_PAGE)]
    with (
        matplotlib.rc_context({"pdf.fonttype": 42, "font.size": 8}),
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


def _describe_bounds(bounds: Iterable[float]) -> str:
    west, south, east, north = bounds
    return f"{west:.4f} to {east:.4f} E, {south:.4f} to {north:.4f} N"


def _describe_area(area: shapely.Geometry | None) -> str:
    if area is None:
        return "everywhere"
    box = shapely.box(*area.bounds)
    if area.equals(box):
        return f"box {_describe_bounds(area.bounds)}"
    return f"{area.geom_type.lower()} within {_describe_bounds(area.bounds)}"


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
            f"  {rank}. {int(row.score):>3}  {row.type:<18} {_short_time(row.start)}  "
            f"MMSI {_clip(who, 30)}"
        )
    return "\n".join(lines)


def _extent(alerts: gpd.GeoDataFrame, request: ReportRequest) -> BBox | None:
    """The map's box: the area, else the alerts' extent, padded; None with neither."""
    if request.area is not None:
        west, south, east, north = request.area.bounds
    elif len(alerts):
        west, south, east, north = alerts.total_bounds
    else:
        return None
    pad = max(_MAP_PADDING_DEG, 0.05 * max(east - west, north - south))
    return (
        max(-180.0, west - pad),
        max(-90.0, south - pad),
        min(180.0, east + pad),
        min(90.0, north + pad),
    )


def _draw_map(
    ax: Axes, alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None
) -> None:
    extent = _extent(alerts, request)
    if extent is None:
        ax.set_axis_off()
        ax.text(0.5, 0.5, "No alerts to map", ha="center", va="center", transform=ax.transAxes)
        return
    west, south, east, north = extent
    ax.set_facecolor(_SEA_COLOUR)
    if land is not None and len(land):
        clipped = shapely.clip_by_rect(np.asarray(land.geometry), west, south, east, north)
        _draw_polygons(ax, clipped, facecolor=_LAND_COLOUR, edgecolor="#9a9479", linewidth=0.4)
    if request.area is not None:
        _draw_lines(ax, [request.area.boundary], colors="#333333", linewidths=1.0, linestyles="--")
    handles = []
    for kind, group in alerts.groupby("type", sort=True):
        colour = _TYPE_COLOURS.get(str(kind), "#000000")
        shapes = [g for g in group.geometry if g is not None and g.geom_type != "Point"]
        _draw_lines(ax, [g.boundary if g.area > 0 else g for g in shapes], colors=colour)
        ax.scatter(
            group["lon"], group["lat"], s=12 + 0.5 * group["score"], c=colour,
            edgecolors="white", linewidths=0.5, zorder=3,
        )  # fmt: skip
        handles.append(
            Line2D([], [], marker="o", linestyle="", color=colour, label=f"{kind} ({len(group)})")
        )
    for rank, row in enumerate(alerts.head(_TOP_SCORES).itertuples(index=False), start=1):
        ax.annotate(
            str(rank), (row.lon, row.lat), xytext=(4, 4), textcoords="offset points",
            fontsize=8, weight="bold", zorder=4,
        )  # fmt: skip
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


_TABLE_HEADER = ["#", "type", "score", "status", "start", "end", "MMSI", "vessels",
                 "lat", "lon", "why", "id (prefix)"]  # fmt: skip
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
        cellText=rows, colLabels=_TABLE_HEADER, colWidths=_TABLE_WIDTHS, loc="upper left",
        cellLoc="left",
    )  # fmt: skip
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
        str(rank), row.type, str(int(row.score)), row.status,
        _short_time(row.start), _short_time(row.end),
        _clip(" ".join(str(m) for m in row.mmsi), 21), _clip(_names_text(row.names), 20),
        f"{row.lat:.4f}", f"{row.lon:.4f}", _clip(row.summary, 52), row.id[:_ID_PREFIX_CHARS],
    ]  # fmt: skip


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, ReportRequest, Any], bytes]] = {
    "gpkg": _gpkg,
    "geojson": _geojson,
    "kml": _kml,
    "csv": _csv,
    "pdf": _pdf,
}


# -- the one entry point -------------------------------------------------------------------


def export(store: Store, request: ReportRequest, fmt: str, actor: str) -> tuple[bytes, int]:
    """Gather the alerts, render them in ``fmt`` (the PDF's map over the store's land
    polygons) and record the export with ``actor``; returns the file's bytes and how many
    alerts it holds."""
    if fmt not in FORMATS:
        raise InputError(f"not a report format: {fmt!r}", hint=f"one of {', '.join(FORMATS)}")
    alerts = gather(store, request)
    land = None
    if fmt == "pdf":
        extent = _extent(alerts, request)
        land = None if extent is None else store.zones(kinds=["land"], bbox=extent)
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
