"""Tiny readable builders for test data."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sqlalchemy import text

if TYPE_CHECKING:
    from surveillance.store import Store

T0 = datetime(2026, 11, 26, 22, 0, tzinfo=UTC)


def report(
    mmsi: int = 431000001, minute: float = 0, lon: float = 130.0, lat: float = 34.0, **fields: Any
) -> dict[str, Any]:
    """One position report, ``minute`` minutes after T0."""
    return {"mmsi": mmsi, "ts": T0 + timedelta(minutes=minute), "lon": lon, "lat": lat, **fields}


def positions(*reports: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(reports))


def load_positions(store: Store, frame: pd.DataFrame) -> int:
    """Store position reports the way a live feed does (one loader per ``source``, each
    batch queryable at once); returns the new rows. ``ts`` may be datetimes, report fields
    may be left out."""
    data = frame.copy()
    data["ts"] = (
        pd.to_datetime(data["ts"], utc=True) - pd.Timestamp(0, tz="UTC")
    ).dt.total_seconds()
    for column in ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type"):
        given = data[column] if column in data.columns else pd.Series(np.nan, data.index)
        data[column] = pd.to_numeric(given, errors="coerce")
    sources = data["source"].fillna("") if "source" in data.columns else pd.Series("", data.index)
    stored = 0
    for source, part in data.groupby(sources, sort=False):
        loader = store.position_loader(str(source), bulk=False)
        loader.add(part)
        stored += loader.finish().new_rows
    return stored


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
                "id": id, "type": type, "status": status, "score": score, "start": start,
                "end": end, "lon": lon, "lat": lat, "mmsi": list(mmsi),
                "evidence": json.dumps(evidence or {}), "reasons": json.dumps(score_reasons or []),
            },
        )  # fmt: skip
    return id
