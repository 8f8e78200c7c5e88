"""Web leads as the rules read them: what each stored lead names, parsed out of its entities.

The crawler stores each lead's entities as ``{kind, value, text, start, end, confidence}``
(crawler/entities/base.py); the rules want numbers: the vessels it names, the times it
names as epoch seconds, the places and positions as points. Entities come from web pages,
so a value that does not parse is skipped (and counted in the log), never fatal.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

from alerts.rules.base import LEAD_FRAME_COLUMNS, no_leads
from alerts.watch import normalise_name

__all__ = ["lead_frame", "POSITION_WHAT", "PLACE_WHAT"]

log = logging.getLogger(__name__)

#: How :func:`lead_frame` labels the points a lead names.
POSITION_WHAT = "a position"
PLACE_WHAT = "a place"
_SAME_POINT_DEG = 1e-4  # the lead's point is one of its positions (4 decimals each)
_LONGEST_TEXT = 60  # of a time as written, for the reasons


def _one_line(value: object) -> str:
    """Web text for a reason: one line (control characters and runs of space as one
    space), at most :data:`_LONGEST_TEXT` characters."""
    return " ".join(re.sub(r"[\x00-\x1f\x7f-\x9f]", " ", str(value)).split())[:_LONGEST_TEXT]


def _epoch_s(value: object) -> float | None:
    try:
        moment = pd.Timestamp(str(value))
    except (ValueError, TypeError, OverflowError):
        return None
    if pd.isna(moment):
        return None
    moment = moment.tz_localize("UTC") if moment.tzinfo is None else moment.tz_convert("UTC")
    return float(moment.timestamp())


def _lat_lon(value: object) -> tuple[float, float] | None:
    parts = str(value).split(",")
    try:
        lat, lon = (float(p) for p in parts) if len(parts) == 2 else (math.nan, math.nan)
    except ValueError:
        return None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        return None  # NaN fails too
    return lat, lon


def _digits(value: object, width: int) -> str | None:
    text = str(value).strip()
    return text if re.fullmatch(rf"\d{{{width}}}", text) else None


class _Named:
    """What one lead names, gathered entity by entity."""

    def __init__(self, mmsi: Iterable[int]) -> None:
        self.mmsi = {int(m) for m in mmsi}
        self.imo: set[str] = set()
        self.callsigns: set[str] = set()
        self.names: set[str] = set()
        self.times: list[tuple[float, str]] = []
        self.points: list[tuple[float, float, str]] = []
        self.places: list[str] = []
        self.skipped = 0

    def add(self, entity: object) -> None:
        if not isinstance(entity, dict):
            self.skipped += 1
            return
        kind, value = entity.get("kind"), entity.get("value")
        written = _one_line(entity.get("text") or value)
        if kind == "mmsi" and (digits := _digits(value, 9)):
            self.mmsi.add(int(digits))
        elif kind == "imo" and (digits := _digits(value, 7)):
            self.imo.add(digits)
        elif kind == "callsign" and isinstance(value, str) and value.strip():
            self.callsigns.add(value.upper().replace(" ", ""))
        elif kind == "vessel" and (name := normalise_name(value)):
            self.names.add(name)
        elif kind == "time" and (moment := _epoch_s(value)) is not None:
            self.times.append((moment, written))
        elif kind == "position" and (point := _lat_lon(value)) is not None:
            self.points.append((point[1], point[0], POSITION_WHAT))
        elif kind == "place" and isinstance(value, str) and value.strip():
            self.places.append(_one_line(value))
        elif kind in ("mmsi", "imo", "callsign", "vessel", "time", "position", "place"):
            self.skipped += 1

    def add_point(self, lon: float, lat: float) -> None:
        """The lead's own point: a place it names, unless it is one of its positions."""
        if any(
            abs(lon - x) < _SAME_POINT_DEG and abs(lat - y) < _SAME_POINT_DEG
            for x, y, _ in self.points
        ):
            return
        what = f"{PLACE_WHAT} '{self.places[0]}'" if self.places else PLACE_WHAT
        self.points.append((lon, lat, what))


def _number(value: Any) -> float:
    return math.nan if value is None or pd.isna(value) else float(value)


def lead_frame(stored: pd.DataFrame) -> pd.DataFrame:
    """The rules' leads frame (:data:`LEAD_FRAME_COLUMNS`) from stored leads
    (``Store.lead_evidence``: id, url, source, fetched, posted, lon, lat, score, entities,
    mmsi)."""
    if stored.empty:
        return no_leads()
    rows = []
    skipped = 0
    for lead in stored.to_dict("records"):
        named = _Named(lead["mmsi"] or ())
        entities = lead["entities"] if isinstance(lead["entities"], list) else []
        for entity in entities:
            named.add(entity)
        lon, lat = _number(lead["lon"]), _number(lead["lat"])
        if math.isfinite(lon) and math.isfinite(lat):
            named.add_point(lon, lat)
        skipped += named.skipped
        posted = lead["posted"] if not pd.isna(lead["posted"]) else lead["fetched"]
        named.times.sort()
        rows.append(
            {
                "id": int(lead["id"]),
                "url": str(lead["url"]),
                "source": str(lead["source"]),
                "ts_s": pd.Timestamp(posted).timestamp(),
                "lon": lon,
                "lat": lat,
                "mmsi": sorted(named.mmsi),
                "imo": sorted(named.imo),
                "callsigns": sorted(named.callsigns),
                "names": sorted(named.names),
                "times": [t for t, _ in named.times],
                "time_texts": [w for _, w in named.times],
                "points": named.points,
                "score": int(lead["score"] or 0),
            }
        )
    if skipped:
        log.info("%d lead entities did not parse and were left out of the rules", skipped)
    return pd.DataFrame(rows, columns=list(LEAD_FRAME_COLUMNS))
