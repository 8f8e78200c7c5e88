"""The geography the rules are given: the coast (shore and port distances, land) and the
zones, from the store's reference tables and the zone files of the settings."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd

from alerts.coast import Coast
from surveillance.errors import InputError
from surveillance.settings import Settings
from surveillance.store import Store

__all__ = ["load_zone_files", "rule_geography"]


def load_zone_files(paths: tuple[Path, ...]) -> gpd.GeoDataFrame:
    """Zones from GeoJSON files: polygons, with optional ``kind`` and ``name`` properties."""
    frames = []
    for path in paths:
        try:
            frame = gpd.read_file(path)
        except Exception as exc:  # pyogrio raises several types for unreadable files
            raise InputError(f"cannot read zone file {path}: {exc}") from None
        frame = frame.set_crs(4326) if frame.crs is None else frame.to_crs(4326)
        polygonal = frame.geometry.geom_type.isin(["Polygon", "MultiPolygon"])
        if not polygonal.all() or not frame.geometry.is_valid.all():
            raise InputError(f"zone file {path}: every feature must be a valid polygon")
        kind = frame["kind"].fillna("restricted") if "kind" in frame else "restricted"
        given = frame["name"] if "name" in frame else pd.Series(None, index=frame.index)
        name = [
            f"{path.stem}: {n}" if isinstance(n, str) and n else f"{path.stem}: {k}"
            for k, n in enumerate(given)
        ]
        frames.append(gpd.GeoDataFrame({"kind": kind, "name": name}, geometry=frame.geometry))
    if not frames:
        return gpd.GeoDataFrame({"kind": [], "name": []}, geometry=[], crs=4326)
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=4326)


def rule_geography(
    settings: Settings, store: Store, extra_zones: gpd.GeoDataFrame
) -> tuple[Coast, gpd.GeoDataFrame]:
    """The coast of the area and the zones the rules watch (the store's, and ``extra_zones``
    read from the zone files by whoever runs the window)."""
    zones = store.zones(kinds=["land", *settings.rules.zone_kinds], aoi=settings.aoi_name)
    zones = zones.rename_geometry("geometry")
    coast = Coast.from_frames(zones[zones["kind"] == "land"], store.ports(), settings.aoi_bbox_deg)
    zones = pd.concat([zones[zones["kind"] != "land"], extra_zones], ignore_index=True)
    return coast, gpd.GeoDataFrame(zones, crs=4326)
