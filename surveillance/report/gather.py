"""The alerts of a report, as one frame every writer reads: :data:`COLUMNS`, readable text
for the score's reasons and the evidence."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import geopandas as gpd
import pandas as pd

if TYPE_CHECKING:
    from surveillance.report.request import ReportRequest
    from surveillance.store import Store

__all__ = ["COLUMNS", "TABLE_COLUMNS", "gather"]

#: What :func:`gather` returns, in this order (``geometry`` in EPSG:4326 last).
COLUMNS = (
    "id",
    "type",
    "status",
    "score",
    "start",
    "end",
    "mmsi",
    "names",
    "lat",
    "lon",
    "summary",
    "evidence",
    "rule_version",
    "geometry",
)
#: The columns of the text formats (CSV), in this order.
TABLE_COLUMNS = [c for c in COLUMNS if c != "geometry"]


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
