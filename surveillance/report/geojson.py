"""Alerts as GeoJSON (RFC 7946): the one writer behind the report's GeoJSON and
``coastwatch alerts list --format geojson``.

JSON has lists, so ``mmsi`` and ``names`` stay lists; polygons are wound
counter-clockwise, as RFC 7946 wants.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import shapely

from surveillance.report.gather import TABLE_COLUMNS
from surveillance.times import iso_utc

if TYPE_CHECKING:
    import geopandas as gpd

    from surveillance.report.request import ReportRequest

__all__ = ["feature", "collection", "write"]


def feature(
    alert_id: str, geometry: shapely.Geometry | None, properties: Mapping[str, Any]
) -> dict[str, Any]:
    """One alert as a Feature with its id; a missing or empty geometry is ``null``."""
    shape = None
    if geometry is not None and not geometry.is_empty:
        shape = shapely.geometry.mapping(shapely.orient_polygons(geometry))
    return {"type": "Feature", "id": alert_id, "geometry": shape, "properties": dict(properties)}


def collection(features: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """The features as one FeatureCollection."""
    return {"type": "FeatureCollection", "features": list(features)}


def write(alerts: gpd.GeoDataFrame, request: ReportRequest, land: gpd.GeoDataFrame | None) -> bytes:
    """The report's alerts with every column of the table formats as properties."""
    features = []
    for record, geometry in zip(
        alerts[TABLE_COLUMNS].to_dict("records"), alerts.geometry, strict=True
    ):
        properties = {
            **record,
            "score": int(record["score"]),
            "start": iso_utc(record["start"]),
            "end": iso_utc(record["end"]),
            "mmsi": [int(m) for m in record["mmsi"]],
            "names": [str(n) for n in record["names"]],
        }
        features.append(feature(record["id"], geometry, properties))
    return json.dumps(collection(features), ensure_ascii=False, allow_nan=False).encode()
