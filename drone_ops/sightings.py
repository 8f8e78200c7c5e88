"""What an operator saw from a drone: a vessel, with or without AIS, a photo, a note.

:func:`report_sighting` checks a :class:`Sighting`, stores it as a drone detection (a
``detections`` row of source ``drone``: the dark rules read it as they read a SAR one) and
matches it against AIS as a satellite scene's ships are matched (``alerts.matching``): one
the operator named by MMSI is that vessel; one no AIS vessel could have been is ``dark``.
A sighting that answers an alert is attached to it (the row's ``alert_id`` and an event in
the alert's history, the reporter as actor).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import shapely
from PIL import Image

from alerts.matching import MatchSettings, match_detections, match_scene
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M, haversine_m
from surveillance.store import SightingRecord
from surveillance.uploads import check_photo

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["Sighting", "SightingOutcome", "report_sighting"]

MAX_NOTE_CHARS = 2000
MAX_LENGTH_M = 500.0
#: the evidence thumbnail (the dashboard shows it as it shows a SAR chip)
CHIP_PX = 256
#: the land read around a sighting for its distance from the coast
COAST_MARGIN_DEG = 0.5


@dataclass(frozen=True)
class Sighting:
    """A vessel seen from a drone: where and when, and what the operator could tell."""

    lon: float
    lat: float
    ts: datetime
    mmsi: int | None = None  # what the operator read off the hull or the AIS
    length_m: float | None = None
    heading_deg: float | None = None
    note: str | None = None
    photo: bytes | None = None
    photo_name: str | None = None
    alert_id: str | None = None
    mission_id: int | None = None
    drone_id: str | None = None
    reported_by: str | None = None


@dataclass(frozen=True)
class SightingOutcome:
    """What became of a sighting: its detection id, whether it is new, and what matching
    found (the MMSI it was matched to, or dark)."""

    detection_id: int
    new: bool
    matched_mmsi: int | None
    dark: bool
    distance_m: float | None
    alert_id: str | None = None  # the alert it answers, its whole id


def _check(sighting: Sighting) -> None:
    if not (-180.0 <= sighting.lon <= 180.0 and -90.0 <= sighting.lat <= 90.0):
        raise InputError(f"a sighting at {sighting.lat}, {sighting.lon}: not a place on Earth")
    if sighting.ts.tzinfo is None:
        raise InputError("a sighting's time needs a time zone")
    if sighting.mmsi is not None and not 0 < sighting.mmsi <= 999_999_999:
        raise InputError(f"not an MMSI (nine digits): {sighting.mmsi}")
    if sighting.length_m is not None and not 0 < sighting.length_m <= MAX_LENGTH_M:
        raise InputError(f"a vessel's length is between 0 and {MAX_LENGTH_M:g} m")
    if sighting.heading_deg is not None and not 0 <= sighting.heading_deg < 360:
        raise InputError("a heading is from 0 to 360 degrees")
    if sighting.note is not None and len(sighting.note) > MAX_NOTE_CHARS:
        raise InputError(f"a sighting's note is at most {MAX_NOTE_CHARS} characters")


def _chip(photo: bytes, name: str) -> bytes:
    """The photo checked (``surveillance.uploads.check_photo``) and its PNG thumbnail."""
    check_photo(photo, name)
    try:
        with Image.open(io.BytesIO(photo)) as image:
            image.thumbnail((CHIP_PX, CHIP_PX))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="PNG")
    except (OSError, SyntaxError, ValueError) as error:
        raise InputError(f"{name}: not a whole JPEG or PNG image ({error})") from error
    return out.getvalue()


def _key(sighting: Sighting) -> str:
    """The same sighting reported twice is stored once: a hash of everything it says."""
    fields = {
        "lon": round(sighting.lon, 7),
        "lat": round(sighting.lat, 7),
        "ts": sighting.ts.isoformat(),
        "mmsi": sighting.mmsi,
        "length_m": sighting.length_m,
        "heading_deg": sighting.heading_deg,
        "note": sighting.note,
        "photo": None if sighting.photo is None else hashlib.sha256(sighting.photo).hexdigest(),
        "alert_id": sighting.alert_id,
        "mission_id": sighting.mission_id,
        "drone_id": sighting.drone_id,
        "reported_by": sighting.reported_by,
    }
    digest = hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()
    return f"drone:{digest[:40]}"


def _coast_distance_m(lon: float, lat: float) -> float:
    """Metres from the nearest reference land (0 on land, inf with none around)."""
    from surveillance.geography import read_land

    m = COAST_MARGIN_DEG
    land = read_land((lon - m, lat - m, lon + m, lat + m))
    if land.empty:
        return math.inf
    shore = shapely.union_all(land.geometry.to_numpy())
    if shore.contains(shapely.Point(lon, lat)):
        return 0.0
    (_, _), (x, y) = shapely.shortest_line(shapely.Point(lon, lat), shore).coords
    return float(haversine_m(lon, lat, x, y))


def _identified(
    store: Store, sighting: Sighting, coast_m: float, cfg: MatchSettings
) -> tuple[float | None, list[dict[str, object]]]:
    """For a sighting the operator named: how far from where AIS places that vessel, and the
    vessels matching lists beside it (the named one first)."""
    margin_m = cfg.match_footprint_margin_km * 1000
    dlon = margin_m / (DEG_M * math.cos(math.radians(min(abs(sighting.lat), 89.0))))
    dlat = margin_m / DEG_M
    bbox = (sighting.lon - dlon, sighting.lat - dlat, sighting.lon + dlon, sighting.lat + dlat)
    heard = store.reports_around(
        sighting.ts, timedelta(minutes=cfg.match_time_margin_minutes), bbox
    )
    if heard.empty:
        return None, []
    ais = heard.drop(columns="ts").assign(
        mmsi=heard["mmsi"].astype(np.int64),
        t_s=pd.to_datetime(heard["ts"], utc=True).map(pd.Timestamp.timestamp),
        sog_knots=heard["sog_knots"].astype(float),
        cog_deg=heard["cog_deg"].astype(float),
    )
    one = pd.DataFrame(
        {
            "id": [0],
            "lon": [sighting.lon],
            "lat": [sighting.lat],
            "length_m": [np.nan if sighting.length_m is None else sighting.length_m],
            "confidence": [1.0],
            "coast_distance_m": [coast_m],
        }
    )
    matched = match_scene(one, ais, pd.Series(dtype=float), sighting.ts.timestamp(), cfg)
    near = [dict(v) for v in matched["near_vessels"].iloc[0]]
    for vessel in near:
        vessel["matched"] = vessel["mmsi"] == sighting.mmsi
    named = [v for v in near if v["matched"]]
    near.sort(key=lambda v: not v["matched"])
    return (float(named[0]["distance_m"]) if named else None), near


def report_sighting(
    store: Store, sighting: Sighting, *, settings: MatchSettings | None = None
) -> SightingOutcome:
    """Check the sighting, store it as a drone detection (once: the same report twice is
    one row), attach it to its alert, and match it against AIS; what became of it."""
    _check(sighting)
    cfg = settings or MatchSettings()
    chip = None
    if sighting.photo is not None:
        chip = _chip(sighting.photo, sighting.photo_name or "the photo")
    coast_m = _coast_distance_m(sighting.lon, sighting.lat)
    distance_m: float | None = None
    near: list[dict[str, object]] = []
    if sighting.mmsi is not None:
        distance_m, near = _identified(store, sighting, coast_m, cfg)
    alert_id = sighting.alert_id
    if alert_id is not None:
        found = store.alert(alert_id)
        if found is None:
            raise InputError(f"no alert {alert_id!r}")
        alert_id = str(found["id"])
    record = SightingRecord(
        lon=sighting.lon,
        lat=sighting.lat,
        ts=sighting.ts,
        key=_key(sighting),
        length_m=sighting.length_m,
        heading_deg=sighting.heading_deg,
        coast_distance_m=None if math.isinf(coast_m) else coast_m,
        chip_png=chip,
        note=sighting.note,
        photo=sighting.photo,
        photo_name=sighting.photo_name,
        alert_id=alert_id,
        mission_id=sighting.mission_id,
        drone_id=sighting.drone_id,
        reported_by=sighting.reported_by,
        identified_mmsi=sighting.mmsi,
        match_distance_m=distance_m,
        near_vessels=near,
    )
    detection_id, new = store.store_sighting(record)
    if sighting.mmsi is None:
        instant = (sighting.ts, sighting.ts + timedelta(microseconds=1))
        match_detections(store, instant, settings=cfg)
    row = (
        store.detections((sighting.ts, sighting.ts + timedelta(microseconds=1)))
        .set_index("id")
        .loc[detection_id]
    )
    matched = None if pd.isna(row["matched_mmsi"]) else int(row["matched_mmsi"])
    return SightingOutcome(
        detection_id=detection_id,
        new=new,
        matched_mmsi=matched,
        dark=bool(row["dark"]) if pd.notna(row["dark"]) else False,
        distance_m=None if pd.isna(row["match_distance_m"]) else float(row["match_distance_m"]),
        alert_id=alert_id,
    )
