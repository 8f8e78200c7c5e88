"""What each dashboard page shows, built from the store without Streamlit.

One function per page (:func:`map_data`, :func:`alerts_table`, :func:`alert_detail`,
:func:`vessel_detail`, :func:`report_preview`, :func:`sources_data`) so the server side can
be timed and tested without a browser. Everything over positions is vectorized over the
arrays of :meth:`Store.position_arrays` (sorted by vessel, then time): no Python loop runs
per position.

>>> data = map_data(store, window, bbox=None)                                # doctest: +SKIP
>>> len(data.vessels), data.track_points
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import tooltip
from surveillance.geodesy import haversine_m
from surveillance.lifecycle import OPEN_STATUSES
from surveillance.report.gather import gather
from surveillance.report.request import ReportRequest
from surveillance.store import BBox, Store, Window
from surveillance.store.position_read import PositionArrays

__all__ = [
    "SHIP_CATEGORIES",
    "AlertFilters",
    "AlertDetail",
    "BaseMap",
    "MapData",
    "SourcesData",
    "VesselDetail",
    "alert_detail",
    "alert_link",
    "alerts_table",
    "base_map",
    "downsample",
    "latest_positions",
    "map_data",
    "replay_tracks",
    "report_preview",
    "ship_category",
    "sources_data",
    "vessel_detail",
    "vessel_link",
]

#: Display groups of the AIS ship type code, in legend order.
SHIP_CATEGORIES = (
    "cargo",
    "tanker",
    "passenger",
    "fishing",
    "high-speed craft",
    "tug / service",
    "law enforcement / military",
    "pleasure / sailing",
    "other",
    "unknown",
)
_TRACK_STEP_S = 300.0  # one point per vessel per five minutes, before simplification
_TRACK_ROWS = 300_000  # positions read for tracks: all of them up to this, else a sample
_TRACK_TOLERANCE_DEG = 0.002  # about 200 m: invisible at the scale of a coast
_COORD_DECIMALS = 5  # about 1 m: keeps the page's JSON small
_BASE_DECIMALS = 4  # about 10 m, finer than the simplification of the base map
_RELATED_HOURS = 6
_ZONE_COLOURS = {
    "territorial_sea": [0, 90, 180, 150],
    "contiguous_zone": [0, 150, 200, 140],
    "port_area": [110, 110, 110, 170],
    "other": [200, 0, 120, 220],  # restricted areas and the zones analysts add
}


def _category_table() -> np.ndarray:
    table = np.full(100, "other", dtype=object)
    table[0] = "unknown"
    table[30] = "fishing"
    table[[31, 32, 33, 34, 50, 51, 52, 53, 54, 56, 57, 58, 59]] = "tug / service"
    table[[35, 55]] = "law enforcement / military"
    table[[36, 37]] = "pleasure / sailing"
    table[40:50] = "high-speed craft"
    table[60:70] = "passenger"
    table[70:80] = "cargo"
    table[80:90] = "tanker"
    return table


_CATEGORY_BY_CODE = _category_table()


def ship_category(ship_type: Any) -> np.ndarray:
    """The display group of AIS ship type codes (missing or out of range: ``unknown``).

    >>> ship_category([70, 81, None]).tolist()
    ['cargo', 'tanker', 'unknown']
    """
    codes = pd.to_numeric(pd.Series(np.atleast_1d(np.asarray(ship_type, dtype=object))))
    known = codes.notna() & codes.between(0, 99)
    out = np.full(len(codes), "unknown", dtype=object)
    out[known.to_numpy()] = _CATEGORY_BY_CODE[codes[known].to_numpy(dtype=np.int64)]
    return out


def alert_link(alert_id: str) -> str:
    """A relative link to the Alert page (works under any base URL of the server)."""
    return f"alert?alert={alert_id}"


def vessel_link(mmsi: int) -> str:
    """A relative link to the Vessel page."""
    return f"vessel?mmsi={int(mmsi)}"


def _utc_text(t_s: np.ndarray) -> np.ndarray:
    return np.asarray(pd.to_datetime(t_s, unit="s", utc=True).strftime("%Y-%m-%d %H:%M:%SZ"))


# -- positions -------------------------------------------------------------------------


def _vessel_starts(mmsi: np.ndarray) -> np.ndarray:
    """Boolean: the first row of each vessel in arrays sorted by MMSI."""
    starts = np.ones(len(mmsi), dtype=bool)
    starts[1:] = mmsi[1:] != mmsi[:-1]
    return starts


def latest_positions(arrays: PositionArrays) -> pd.DataFrame:
    """Each vessel's newest report: ``mmsi, t_s, lon, lat, sog_knots``."""
    last = np.ones(len(arrays), dtype=bool)
    last[:-1] = arrays.mmsi[1:] != arrays.mmsi[:-1]
    if len(arrays) == 0:
        last = last[:0]
    return pd.DataFrame(
        {
            "mmsi": arrays.mmsi[last],
            "t_s": arrays.t_s[last],
            "lon": arrays.lon[last],
            "lat": arrays.lat[last],
            "sog_knots": arrays.sog_knots[last].astype(np.float64),
        }
    )


def downsample(arrays: PositionArrays, step_s: float) -> np.ndarray:
    """Indices keeping the first report of each vessel in every ``step_s`` bin, and each
    vessel's last report (so a track ends where the vessel is)."""
    if len(arrays) == 0:
        return np.zeros(0, dtype=np.int64)
    bins = np.floor(arrays.t_s / step_s).astype(np.int64)
    keep = _vessel_starts(arrays.mmsi)
    keep[1:] |= bins[1:] != bins[:-1]
    keep[:-1] |= arrays.mmsi[1:] != arrays.mmsi[:-1]
    keep[-1] = True
    return np.flatnonzero(keep)


def _paths(
    mmsi: np.ndarray, lon: np.ndarray, lat: np.ndarray, tolerance_deg: float
) -> pd.DataFrame:
    """One simplified line per vessel (``mmsi, path`` as [[lon, lat], ...]) from points
    sorted by vessel; vessels with a single point are left out."""
    starts = np.flatnonzero(_vessel_starts(mmsi)) if len(mmsi) else np.zeros(0, np.int64)
    counts = np.diff(np.append(starts, len(mmsi)))
    if not (counts >= 2).any():
        return pd.DataFrame({"mmsi": pd.Series(dtype=np.int64), "path": pd.Series(dtype=object)})
    rows = np.repeat(counts >= 2, counts)
    ids = np.repeat(np.arange(int((counts >= 2).sum())), counts[counts >= 2])  # 0..n-1
    lines = shapely.linestrings(np.column_stack([lon[rows], lat[rows]]), indices=ids)
    lines = shapely.simplify(lines, tolerance_deg, preserve_topology=False)
    coords, which = shapely.get_coordinates(lines, return_index=True)
    coords = np.round(coords, _COORD_DECIMALS)
    cuts = np.flatnonzero(np.diff(which)) + 1
    return pd.DataFrame(
        {
            "mmsi": mmsi[starts[counts >= 2]],
            "path": [part.tolist() for part in np.split(coords, cuts)],
        }
    )


def replay_tracks(arrays: PositionArrays, mmsi: Sequence[int], origin_s: float) -> pd.DataFrame:
    """Full tracks of a few vessels for replay: ``mmsi, path, timestamps`` (seconds after
    ``origin_s``, small enough for the GPU's float32)."""
    rows = []
    for m in mmsi:
        lo, hi = np.searchsorted(arrays.mmsi, [m, m + 1])
        if hi - lo < 1:
            continue
        path = np.column_stack([arrays.lon[lo:hi], arrays.lat[lo:hi]]).round(_COORD_DECIMALS)
        rows.append(
            {
                "mmsi": int(m),
                "path": path.tolist(),
                "timestamps": (arrays.t_s[lo:hi] - origin_s).round(1).tolist(),
            }
        )
    return pd.DataFrame(rows, columns=["mmsi", "path", "timestamps"])


# -- base map ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BaseMap:
    """The offline base map: land (its edges are the coastline), the other zones as
    outlines, and the ports; GeoJSON as dicts, ready for deck.gl."""

    land: dict[str, Any]
    zones: dict[str, Any]
    ports: pd.DataFrame  # locode, name, country, lon, lat and the tooltip's fields
    land_polygons: int
    zone_count: int


def _feature_collection(frame: gpd.GeoDataFrame, properties: Sequence[str]) -> dict[str, Any]:
    shapes = shapely.transform(
        np.asarray(frame.geometry.to_numpy(), dtype=object),
        lambda xy: np.round(xy, _BASE_DECIMALS),
    )
    geometry: list[dict[str, Any]] = json.loads(f"[{','.join(shapely.to_geojson(shapes))}]")
    features = [
        {"type": "Feature", "geometry": geom, "properties": props}
        for geom, props in zip(
            geometry, frame[list(properties)].to_dict(orient="records"), strict=True
        )
    ]
    return {"type": "FeatureCollection", "features": features}


def base_map(store: Store, aoi: str, tolerance_deg: float = 0.005) -> BaseMap:
    """Land, zones and ports of the area of operations, simplified for display."""
    zones = store.zones(aoi=aoi)
    exact = zones.geometry.to_numpy()
    quick = shapely.simplify(exact, tolerance_deg, preserve_topology=False)  # 5x faster
    broken = shapely.is_empty(quick) | ~shapely.is_valid(quick)  # islets: keep them whole
    quick[broken] = exact[broken]
    zones = zones.assign(geom=quick)
    land = zones[zones["kind"] == "land"]
    others = zones[zones["kind"] != "land"]
    others = others.assign(
        **tooltip.fields(others["name"].astype(str), others["kind"].astype(str)),
        colour=[_ZONE_COLOURS.get(k, _ZONE_COLOURS["other"]) for k in others["kind"]],
    )
    ports = store.ports()
    port_frame = pd.DataFrame(
        {
            "locode": ports["locode"],
            "name": ports["name"],
            "country": ports["country"],
            "lon": ports.geometry.x,
            "lat": ports.geometry.y,
        }
    )
    port_frame = port_frame.assign(
        **tooltip.fields(port_frame["name"].astype(str), "port " + port_frame["locode"].astype(str))
    )
    return BaseMap(
        land=_feature_collection(land, []),  # not pickable: no tooltip
        zones=_feature_collection(others, ["kind", "name", "colour", *tooltip.FIELDS]),
        ports=port_frame,
        land_polygons=len(land),
        zone_count=len(others),
    )


# -- operations map ------------------------------------------------------------------------


@dataclass(frozen=True)
class MapData:
    """The live picture over a window: vessels at their latest position, their downsampled
    tracks and the alerts going on; ``positions`` is how many reports were read (a sample
    over long windows). Replays read their few vessels whole (``layers``)."""

    window: Window
    vessels: pd.DataFrame
    tracks: pd.DataFrame
    alerts: pd.DataFrame
    positions: int = 0
    track_points: int = 0
    identities: pd.DataFrame = field(default_factory=pd.DataFrame)


def _vessel_tooltips(frame: pd.DataFrame) -> dict[str, tooltip.Text]:
    """Name, MMSI and flag, type, speed, last seen, and a warning when in an alert."""
    speed = frame["sog_knots"].map(lambda v: "-" if pd.isna(v) else f"{v:.1f} kn")
    text = {c: frame[c].astype(str) for c in ("mmsi", "flag", "category", "ship_type_text")}
    return tooltip.fields(
        frame["name"].astype(str),
        "MMSI " + text["mmsi"] + " · flag " + text["flag"],
        text["category"] + " (type " + text["ship_type_text"] + ") · speed " + speed.astype(str),
        "last seen " + frame["last_seen"].astype(str),
        warning=frame["in_alert"].map({True: "in an alert", False: ""}).astype(str),
    )


def map_data(
    store: Store,
    window: Window,
    bbox: BBox | None = None,
    *,
    track_step_s: float = _TRACK_STEP_S,
    tolerance_deg: float = _TRACK_TOLERANCE_DEG,
) -> MapData:
    """Everything the operations map draws for ``window`` and ``bbox``: each vessel's latest
    position (exact: one index probe per vessel), tracks from a steady random sample of
    about ``_TRACK_ROWS`` reports when the window holds more (over a day of 5,000 vessels,
    still a point every few minutes for a ship under way), downsampled to one point per
    vessel per ``track_step_s`` and simplified to ``tolerance_deg``, the alerts and
    identities."""
    rows = store.count_positions_roughly(window, bbox)
    sample_pct = 100.0 * _TRACK_ROWS / rows if rows > _TRACK_ROWS else None
    arrays = store.position_arrays(window, bbox, sample_pct=sample_pct)
    latest = latest_positions(store.latest_positions(window, bbox))
    keep = downsample(arrays, track_step_s)
    tracks = _paths(arrays.mmsi[keep], arrays.lon[keep], arrays.lat[keep], tolerance_deg)
    identities = store.vessels()
    alerts = _map_alerts(store, window, bbox)
    in_alert = (
        set(alerts["mmsi_list"].explode().dropna().astype(np.int64)) if len(alerts) else set()
    )

    vessels = latest.merge(
        identities[["mmsi", "name", "flag", "ship_type", "callsign", "imo"]], on="mmsi", how="left"
    )
    vessels["name"] = vessels["name"].fillna("(no name)").astype(str)
    vessels["flag"] = vessels["flag"].fillna("??").astype(str)
    vessels["category"] = ship_category(vessels["ship_type"])
    vessels["ship_type_text"] = vessels["ship_type"].map(
        lambda v: "?" if pd.isna(v) else str(int(v))
    )
    vessels["last_seen"] = _utc_text(vessels["t_s"].to_numpy())
    vessels["in_alert"] = vessels["mmsi"].isin(in_alert)
    vessels = vessels.assign(**_vessel_tooltips(vessels))
    categories = vessels.set_index("mmsi")["category"]
    tracks["category"] = tracks["mmsi"].map(categories).fillna("unknown").astype(str)
    names = tracks["mmsi"].map(vessels.set_index("mmsi")["name"]).fillna("").astype(str)
    tracks = tracks.assign(**tooltip.fields(names, "track"))
    return MapData(
        window=window,
        positions=len(arrays),
        vessels=vessels,
        tracks=tracks,
        alerts=alerts,
        track_points=int(sum(len(p) for p in tracks["path"])),
        identities=identities,
    )


def _map_alerts(store: Store, window: Window, bbox: BBox | None) -> pd.DataFrame:
    found = store.alerts_overlapping(window)
    if bbox is not None and len(found):
        found = found[found.intersects(shapely.box(*bbox))]
    points = found.geometry.representative_point() if len(found) else gpd.GeoSeries()
    frame = pd.DataFrame(
        {
            "id": found["id"],
            "type": found["type"],
            "status": found["status"],
            "score": found["score"],
            "mmsi_list": found["mmsi"],
            "lon": points.x if len(found) else [],
            "lat": points.y if len(found) else [],
        }
    )
    frame = frame.assign(
        **tooltip.fields(
            frame["type"].astype(str),
            "score " + frame["score"].astype(str) + " · " + frame["status"].astype(str),
            "id " + frame["id"].astype(str).str[:12],
        )
    )
    return frame.reset_index(drop=True)


# -- alerts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertFilters:
    """The alert queue's filters; empty ``types``/``statuses`` mean all."""

    window: Window | None = None
    bbox: BBox | None = None
    types: tuple[str, ...] = ()
    statuses: tuple[str, ...] = OPEN_STATUSES
    min_score: int = 0
    limit: int | None = 1000


def _names(identities: pd.DataFrame, mmsi_lists: pd.Series) -> list[str]:
    by_mmsi = {
        int(m): str(n)
        for m, n in zip(identities["mmsi"], identities["name"], strict=True)
        if isinstance(n, str) and n
    }
    return [
        ", ".join(f"{by_mmsi.get(int(m), '?')} ({int(m)})" for m in (mmsi or []))
        for mmsi in mmsi_lists
    ]


def alerts_table(store: Store, filters: AlertFilters) -> pd.DataFrame:
    """The alert queue, highest score first: ``link, score, type, status, start, end,
    hours, vessels, why, id, lon, lat``."""
    found = store.alerts(
        window=filters.window,
        bbox=filters.bbox,
        types=filters.types,
        statuses=filters.statuses,
        min_score=filters.min_score or None,
        limit=filters.limit,
    )
    columns = [
        "link",
        "score",
        "type",
        "status",
        "start",
        "end",
        "hours",
        "vessels",
        "why",
        "id",
        "lon",
        "lat",
    ]
    if found.empty:
        return pd.DataFrame(columns=columns)
    points = found.geometry.representative_point()
    wanted = sorted({int(m) for ms in found["mmsi"] for m in (ms or [])})
    identities = store.vessels(wanted) if wanted else pd.DataFrame(columns=["mmsi", "name"])
    table = pd.DataFrame(
        {
            "link": [alert_link(i) for i in found["id"]],
            "score": found["score"].astype(int),
            "type": found["type"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "hours": ((found["end"] - found["start"]).dt.total_seconds() / 3600).round(1),
            "vessels": _names(identities, found["mmsi"]),
            "why": [
                "; ".join(str(r.get("reason", "")) for r in (reasons or []))
                for reasons in found["score_reasons"]
            ],
            "id": found["id"],
            "lon": points.x,
            "lat": points.y,
        }
    )
    return table[columns].reset_index(drop=True)


@dataclass
class AlertDetail:
    """One alert with what its page shows."""

    alert: dict[str, Any]
    tracks: pd.DataFrame  # mmsi, t (UTC), t_s, lon, lat, sog_knots; from evidence or store
    tracks_from: str  # "evidence" or "store"
    distance: pd.DataFrame  # t, distance_m (pairs only)
    evidence: pd.DataFrame  # key, value: the scalar evidence
    evidence_lists: dict[str, pd.DataFrame]  # other tabular evidence, by key
    reasons: pd.DataFrame  # points, reason
    related: pd.DataFrame  # like alerts_table rows
    events: pd.DataFrame  # ts, actor, action, from_status, to_status, note
    vessels: pd.DataFrame  # identities of the vessels involved


def _evidence_tracks(evidence: dict[str, Any]) -> pd.DataFrame:
    rows = [
        (int(m), *point[:4])
        for m, points in (evidence.get("tracks") or {}).items()
        for point in points
        if len(point) >= 4
    ]
    frame = pd.DataFrame(rows, columns=["mmsi", "t_s", "lon", "lat", "sog_knots"])
    return frame.astype(
        {"mmsi": np.int64, "t_s": float, "lon": float, "lat": float, "sog_knots": float}
    )


def _store_tracks(store: Store, alert: dict[str, Any]) -> pd.DataFrame:
    start: datetime = alert["start"]
    end: datetime = alert["end"] or start
    found = store.positions(
        window=(start - timedelta(hours=1), end + timedelta(hours=1)), mmsi=alert["mmsi"]
    )
    return pd.DataFrame(
        {
            "mmsi": found["mmsi"].astype(np.int64),
            "t_s": found["ts"].map(lambda t: t.timestamp()).astype(float),
            "lon": found.geometry.x,
            "lat": found.geometry.y,
            "sog_knots": found["sog_knots"].astype(float),
        }
    )


def _pair_distance(tracks: pd.DataFrame, pair: Sequence[int]) -> pd.DataFrame:
    """Distance between two vessels at the times both were placed (their common times)."""
    a = tracks[tracks["mmsi"] == pair[0]].set_index("t_s")
    b = tracks[tracks["mmsi"] == pair[1]].set_index("t_s")
    both = a.merge(b, left_index=True, right_index=True, suffixes=("_a", "_b"))
    metres = haversine_m(*(both[c].to_numpy() for c in ("lon_a", "lat_a", "lon_b", "lat_b")))
    return pd.DataFrame(
        {"t": pd.to_datetime(both.index, unit="s", utc=True), "distance_m": metres.round(0)}
    )


def _split_evidence(evidence: dict[str, Any]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    scalars, lists = [], {}
    for key, value in evidence.items():
        if key in ("tracks", "distance_m"):
            continue
        if isinstance(value, list) and value and isinstance(value[0], list | dict):
            lists[key] = pd.DataFrame(value)
        elif isinstance(value, dict):
            lists[key] = pd.DataFrame(
                {"key": list(value), "value": [str(v) for v in value.values()]}
            )
        else:
            scalars.append((key, "" if value is None else str(value)))
    return pd.DataFrame(scalars, columns=["key", "value"]), lists


def alert_detail(store: Store, alert_id: str) -> AlertDetail | None:
    """An alert (id or unique prefix) with its tracks, distances, evidence, reasons,
    related alerts and history; None when there is no such alert."""
    alert = store.alert(alert_id)
    if alert is None:
        return None
    evidence: dict[str, Any] = alert.get("evidence") or {}
    tracks, tracks_from = _evidence_tracks(evidence), "evidence"
    if tracks.empty:
        tracks, tracks_from = _store_tracks(store, alert), "store"
    tracks = tracks.sort_values(["mmsi", "t_s"], kind="stable").reset_index(drop=True)
    tracks.insert(1, "t", pd.to_datetime(tracks["t_s"], unit="s", utc=True))
    mmsi = [int(m) for m in alert["mmsi"]]
    if evidence.get("distance_m"):
        distance = pd.DataFrame(evidence["distance_m"], columns=["t_s", "distance_m"])
        distance = pd.DataFrame(
            {
                "t": pd.to_datetime(distance["t_s"], unit="s", utc=True),
                "distance_m": distance["distance_m"],
            }
        )
    elif len(mmsi) == 2:
        distance = _pair_distance(tracks, mmsi)
    else:
        distance = pd.DataFrame(columns=["t", "distance_m"])
    scalars, lists = _split_evidence(evidence)
    reasons = pd.DataFrame(alert.get("score_reasons") or [], columns=["points", "reason"])
    return AlertDetail(
        alert=alert,
        tracks=tracks,
        tracks_from=tracks_from,
        distance=distance,
        evidence=scalars,
        evidence_lists=lists,
        reasons=reasons,
        related=_related(store, alert),
        events=store.alert_events(alert["id"]),
        vessels=store.vessels(mmsi) if mmsi else pd.DataFrame(),
    )


def _related(store: Store, alert: dict[str, Any]) -> pd.DataFrame:
    """Other alerts on the same vessels within six hours of this one."""
    start: datetime = alert["start"]
    end: datetime = alert["end"] or start
    span = timedelta(hours=_RELATED_HOURS)
    found = store.alerts_overlapping((start - span, end + span))
    mine = {int(m) for m in alert["mmsi"]}
    shares = [bool(mine & {int(m) for m in (ms or [])}) for ms in found["mmsi"]]
    found = found[np.asarray(shares, dtype=bool) & (found["id"] != alert["id"]).to_numpy()]
    return pd.DataFrame(
        {
            "link": [alert_link(i) for i in found["id"]],
            "type": found["type"],
            "score": found["score"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "mmsi": [", ".join(str(m) for m in ms) for ms in found["mmsi"]],
        }
    ).reset_index(drop=True)


# -- vessel --------------------------------------------------------------------------------


@dataclass
class VesselDetail:
    """One vessel: identity, its history, track over the window, alerts, watchlist."""

    mmsi: int
    identity: dict[str, Any] | None
    history: pd.DataFrame
    track: pd.DataFrame  # t, t_s, lon, lat, sog_knots
    alerts: pd.DataFrame
    watchlist: pd.DataFrame  # the entries that name this vessel

    @property
    def category(self) -> str:
        code = None if self.identity is None else self.identity.get("ship_type")
        return str(ship_category([code])[0])


def _watch_matches(
    watchlist: pd.DataFrame, mmsi: int, identity: dict[str, Any] | None
) -> pd.DataFrame:
    keys = {("mmsi", f"{mmsi:09d}")}
    if identity:
        if identity.get("imo") and not pd.isna(identity["imo"]):
            keys.add(("imo", f"{int(identity['imo']):07d}"))
        if identity.get("callsign"):
            keys.add(("callsign", "".join(str(identity["callsign"]).split()).upper()))
        if identity.get("name"):
            keys.add(("name", " ".join(str(identity["name"]).split()).upper()))
    hit = [(k, v) in keys for k, v in zip(watchlist["kind"], watchlist["value"], strict=True)]
    return watchlist[np.asarray(hit, dtype=bool)].reset_index(drop=True)


def vessel_detail(store: Store, mmsi: int, window: Window) -> VesselDetail:
    """Identity (None when the vessel never sent one), history, track in the window,
    every alert involving it and its watchlist entries."""
    found = store.vessels([mmsi])
    identity = None if found.empty else {str(k): v for k, v in found.iloc[0].items()}
    positions = store.positions(window=window, mmsi=[mmsi])
    track = pd.DataFrame(
        {
            "t": positions["ts"],
            "t_s": positions["ts"].map(lambda t: t.timestamp()).astype(float),
            "lon": positions.geometry.x,
            "lat": positions.geometry.y,
            "sog_knots": positions["sog_knots"].astype(float),
        }
    )
    alerts = store.vessel_alerts(mmsi)
    alerts.insert(0, "link", [alert_link(i) for i in alerts["id"]])
    return VesselDetail(
        mmsi=int(mmsi),
        identity=identity,
        history=store.identity_history(mmsi),
        track=track.reset_index(drop=True),
        alerts=alerts,
        watchlist=_watch_matches(store.watchlist(), int(mmsi), identity),
    )


# -- reports and sources ----------------------------------------------------------------------


def report_preview(store: Store, request: ReportRequest) -> pd.DataFrame:
    """The alerts a report would hold (what the exports are built from), for the page."""
    found = gather(store, request)
    return pd.DataFrame(
        {
            "score": found["score"],
            "type": found["type"],
            "status": found["status"],
            "start": found["start"],
            "end": found["end"],
            "vessels": [
                ", ".join(f"{n or '?'} ({m})" for m, n in zip(ms, ns, strict=False))
                for ms, ns in zip(found["mmsi"], found["names"], strict=True)
            ],
            "summary": found["summary"],
            "id": found["id"],
        }
    )


@dataclass(frozen=True)
class SourcesData:
    """Per source: activity over the window (with positions per minute over its last
    hour, ``per_minute`` a list of 60 counts) and rejected records by reason."""

    activity: pd.DataFrame
    rejections: pd.DataFrame
    minutes: pd.DataFrame


def sources_data(store: Store, window: Window, *, all_rejections: bool = False) -> SourcesData:
    """What the Sources page shows for the window."""
    activity = store.source_activity(window)
    minutes = store.source_minutes(window)
    last_minute = (pd.Timestamp(window[1]) - pd.Timedelta(microseconds=1)).floor("min")
    grid = pd.date_range(last_minute - pd.Timedelta(minutes=59), last_minute, freq="min")
    counts = pd.DataFrame(index=grid)
    if len(minutes):
        minutes["minute"] = pd.to_datetime(minutes["minute"], utc=True)
        counts = minutes.pivot_table(
            index="minute", columns="source", values="positions", aggfunc="sum"
        ).reindex(grid, fill_value=0)
    activity["per_minute"] = [
        counts[s].fillna(0).astype(int).tolist() if s in counts else [0] * len(grid)
        for s in activity["source"]
    ]
    activity["positions_per_min"] = (activity["last_hour"] / 60).round(1)
    rejections = store.rejections(None if all_rejections else window)
    return SourcesData(activity=activity, rejections=rejections, minutes=minutes)
