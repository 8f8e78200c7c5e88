"""The offline base map: land, zones and ports of the area of operations as GeoJSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from dashboard import tooltip
from surveillance.store import Store

__all__ = ["BaseMap", "base_map"]

_BASE_DECIMALS = 4  # about 10 m, finer than the simplification of the base map
_ZONE_COLOURS = {
    "territorial_sea": [0, 90, 180, 150],
    "contiguous_zone": [0, 150, 200, 140],
    "port_area": [110, 110, 110, 170],
    "other": [200, 0, 120, 220],  # restricted areas and the zones analysts add
}


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
