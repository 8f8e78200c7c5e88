"""Loading the reference geography of the area of operations into the store.

The derived layers are cached as a GeoPackage under ``COASTWATCH_HOME/cache`` (it opens in
QGIS as it is), keyed by a fingerprint of the settings and data package versions; the store
records the fingerprint it holds, so a second load with nothing changed costs one query.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely

from surveillance import geography
from surveillance.settings import Settings
from surveillance.store import Store

__all__ = ["GeographyLoad", "load_geography", "area_of_operations"]

log = logging.getLogger(__name__)

#: Bump when the derivation changes, so that caches and stores are refreshed.
DERIVATION_VERSION = "1"

Progress = Callable[[str], None]


@dataclass(frozen=True)
class GeographyLoad:
    """What a load did: ``current`` (nothing to do), ``cache`` or ``built``; and the counts."""

    how: str
    land_polygons: int
    zones: int
    ports: int
    seconds: float


def area_of_operations(settings: Settings) -> geography.AreaOfOperations:
    return geography.AreaOfOperations(
        name=settings.aoi_name,
        bbox_deg=settings.aoi_bbox_deg,
        territorial_sea_nm=settings.territorial_sea_nm,
        contiguous_zone_nm=settings.contiguous_zone_nm,
        port_area_radius_km=settings.port_area_radius_km,
    )


def _fingerprint(settings: Settings) -> str:
    key = {
        "aoi": list(settings.aoi_bbox_deg),
        "resolution": settings.coastline_resolution,
        "territorial_sea_nm": settings.territorial_sea_nm,
        "contiguous_zone_nm": settings.contiguous_zone_nm,
        "port_area_radius_km": settings.port_area_radius_km,
        "data": geography.data_versions(),
        "derivation": DERIVATION_VERSION,
    }
    return hashlib.sha256(json.dumps(key, sort_keys=True).encode()).hexdigest()


def _build(settings: Settings, progress: Progress) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    aoi = area_of_operations(settings)
    progress(f"reading GSHHS coastline ({settings.coastline_resolution})")
    land = geography.read_land(aoi.bbox_deg, settings.coastline_resolution)
    progress("reading seaports")
    ports = geography.read_ports(aoi.bbox_deg)
    progress("deriving territorial sea, contiguous zone and port areas")
    derived = geography.derive_zones(land, ports, aoi)
    land_zones = gpd.GeoDataFrame(
        {
            "kind": "land",
            "name": "gshhs " + land["gshhs_id"],
            "properties": [{"source": "GSHHS"}] * len(land),
        },
        geometry=land.geometry,
        crs=4326,
    )
    zones = gpd.GeoDataFrame(pd.concat([land_zones, derived], ignore_index=True), crs=4326)
    zones["geometry"] = zones.geometry.apply(_as_multipolygon)
    return zones, ports


def _as_multipolygon(geom: shapely.Geometry) -> shapely.MultiPolygon:
    return geom if isinstance(geom, shapely.MultiPolygon) else shapely.MultiPolygon([geom])


def _cache_path(settings: Settings, fingerprint: str) -> Path:
    return settings.home / "cache" / f"geography-{settings.aoi_name}-{fingerprint[:16]}.gpkg"


def _read_cache(path: Path) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame] | None:
    """The cached layers, or None when the cache is unreadable (it is then rebuilt)."""
    try:
        zones = gpd.read_file(path, layer="zones")
        zones["properties"] = zones["properties"].map(json.loads)
        return zones, gpd.read_file(path, layer="ports")
    except Exception as exc:  # a truncated or foreign file: rebuild rather than fail
        log.warning("ignoring unreadable geography cache %s: %s", path, exc)
        return None


def _write_cache(path: Path, zones: gpd.GeoDataFrame, ports: gpd.GeoDataFrame) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    partial.unlink(missing_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # GDAL's note on the unusual suffix
        zones.assign(properties=zones["properties"].map(json.dumps)).to_file(
            partial, layer="zones", driver="GPKG"
        )
        ports.to_file(partial, layer="ports", driver="GPKG")
    partial.replace(path)


def load_geography(
    settings: Settings, store: Store, *, force: bool = False, progress: Progress = log.info
) -> GeographyLoad:
    """Make the store hold the geography of the settings' area of operations."""
    started = time.perf_counter()
    fingerprint = _fingerprint(settings)
    dataset = f"geography:{settings.aoi_name}"
    if not force and store.reference_fingerprint(dataset) == fingerprint:
        return GeographyLoad("current", 0, 0, 0, time.perf_counter() - started)
    cache = _cache_path(settings, fingerprint)
    cached = _read_cache(cache) if cache.is_file() and not force else None
    if cached is not None:
        progress(f"read cached geography {cache}")
        zones, ports = cached
        how = "cache"
    else:
        zones, ports = _build(settings, progress)
        _write_cache(cache, zones, ports)
        how = "built"
    counts = zones["kind"].value_counts().to_dict()
    progress(f"storing {len(zones)} zones and {len(ports)} ports")
    store.replace_reference(
        dataset,
        fingerprint,
        settings.aoi_name,
        zones,
        ports,
        {"zones": counts, "ports": len(ports), "bbox_deg": list(settings.aoi_bbox_deg)},
    )
    return GeographyLoad(
        how,
        land_polygons=int(counts.get("land", 0)),
        zones=len(zones) - int(counts.get("land", 0)),
        ports=len(ports),
        seconds=time.perf_counter() - started,
    )
