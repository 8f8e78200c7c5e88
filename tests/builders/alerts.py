"""Alerts as tests build them: a rule's finding, a row in the store, a row of a report."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy import text

from alerts.rules.base import AlertRecord, reason
from surveillance.report.gather import COLUMNS
from tests.builders.clock import T0, at, at_s

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["finding", "insert_alert", "report_frame", "report_row"]


def finding(
    kind: str = "loitering",
    mmsi: tuple[int, ...] = (431000001,),
    start_h: float = 10,
    end_h: float | None = 15,
    lon: float = 135.0,
    lat: float = 30.5,
    why: str = "slow offshore",
    points: int = 40,
) -> AlertRecord:
    """What a rule returns: an alert from ``start_h`` to ``end_h`` hours after T0 (open
    when ``end_h`` is None), worth ``points`` for ``why``."""
    end_s = None if end_h is None else at_s(hours=end_h)
    return AlertRecord(kind, mmsi, at_s(hours=start_h), end_s, lon, lat, [reason(points, why)])


def insert_alert(
    store: Store,
    id: str = "sts-20261126-0001",
    type: str = "sts_transfer",
    mmsi: Sequence[int] = (431000001, 431000002),
    score: int = 50,
    status: str = "new",
    start: datetime = T0,
    end: datetime | None = None,
    lon: float = 130.0,
    lat: float = 34.0,
    evidence: dict[str, Any] | None = None,
    score_reasons: list[Any] | None = None,
) -> str:
    """One alert at a point, as the engine would store it; returns its id."""
    with store.engine.begin() as conn:
        conn.execute(
            text(
                'INSERT INTO alerts (id, type, status, score, start, "end", geom, mmsi, evidence, '
                "score_reasons, rule_version) VALUES (:id, :type, :status, :score, :start, :end, "
                "ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :mmsi, CAST(:evidence AS jsonb), "
                "CAST(:reasons AS jsonb), 'test-1')"
            ),
            {
                "id": id,
                "type": type,
                "status": status,
                "score": score,
                "start": start,
                "end": end,
                "lon": lon,
                "lat": lat,
                "mmsi": list(mmsi),
                "evidence": json.dumps(evidence or {}),
                "reasons": json.dumps(score_reasons or []),
            },
        )
    return id


def report_row(
    id: str = "sts-1",
    type: str = "sts_transfer",
    score: int = 80,
    status: str = "new",
    hours: float = 0,
    end_hours: float | None = 3,
    mmsi: tuple[int, ...] = (431000001, 431000002),
    names: tuple[str, ...] = ("OCEAN STAR", ""),
    geometry: shapely.Geometry | None = None,
    summary: str = "within 500 m for 2.5 h (+50); long (+3)",
) -> dict[str, Any]:
    """One alert as :func:`surveillance.report.gather` returns it, ``hours`` after T0."""
    geometry = geometry if geometry is not None else shapely.Point(130.0, 34.0)
    point = shapely.point_on_surface(geometry)
    return {
        "id": id,
        "type": type,
        "status": status,
        "score": score,
        "start": at(hours=hours),
        "end": None if end_hours is None else at(hours=end_hours),
        "mmsi": list(mmsi),
        "names": list(names),
        "lat": point.y,
        "lon": point.x,
        "summary": summary,
        "evidence": "duration_h: 2.5; tracks: 2 items",
        "rule_version": "test-1",
        "geometry": geometry,
    }


def report_frame(*rows: dict[str, Any]) -> gpd.GeoDataFrame:
    """The rows as the frame a report renders: report columns, UTC times, integer scores."""
    frame = pd.DataFrame(list(rows), columns=list(COLUMNS))
    frame["start"] = pd.to_datetime(frame["start"], utc=True)
    frame["end"] = pd.to_datetime(frame["end"], utc=True)
    frame["score"] = frame["score"].astype(int)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=4326)
