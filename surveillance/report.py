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
import json
import math
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import shapely

from surveillance.alert_types import check_alert_types
from surveillance.cli_common import iso_utc
from surveillance.errors import InputError
from surveillance.report_pdf import describe_bounds, names_text, pdf_brief
from surveillance.report_pdf import extent as report_extent
from surveillance.store import Store, Window

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
        check_alert_types(types)
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
            f"the area reaches outside -180..180 E, -90..90 N: {describe_bounds(area.bounds)}",
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


def _flat(alerts: gpd.GeoDataFrame, *, times_as_text: bool) -> gpd.GeoDataFrame:
    """The alerts with lists joined as text (GDAL stores no lists), times optionally as ISO
    8601 text, and all in :data:`COLUMNS` order."""
    flat = alerts[list(COLUMNS[:-1])].copy()
    flat["mmsi"] = [" ".join(str(m) for m in ms) for ms in alerts["mmsi"]]
    flat["names"] = [names_text(ns) for ns in alerts["names"]]
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


_WRITERS: dict[str, Callable[[gpd.GeoDataFrame, ReportRequest, Any], bytes]] = {
    "gpkg": _gpkg,
    "geojson": _geojson,
    "kml": _kml,
    "csv": _csv,
    "pdf": pdf_brief,
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
        extent = report_extent(alerts, request)
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
