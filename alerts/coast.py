"""Distance to the shore and to the nearest port, for millions of points a second.

The coastline is cut into vertices at most ``spacing_m`` apart and put with the ports in
KD-trees over unit-sphere coordinates, so a nearest-neighbour query gives the great-circle
distance without any projection (error at most half the spacing).
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.spatial import cKDTree
from shapely.strtree import STRtree

from surveillance.geodesy import DEG_M, EARTH_RADIUS_M

__all__ = ["Coast"]


def _unit_xyz(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    lam, phi = np.radians(lon), np.radians(lat)
    return np.column_stack([np.cos(phi) * np.cos(lam), np.cos(phi) * np.sin(lam), np.sin(phi)])


def _chord_to_m(chord: np.ndarray) -> np.ndarray:
    return 2 * EARTH_RADIUS_M * np.arcsin(np.clip(chord / 2, 0, 1))


@dataclass
class Coast:
    """Shore and port distances over one area of operations."""

    shore: cKDTree | None
    ports: cKDTree | None
    land: STRtree

    @classmethod
    def from_frames(
        cls,
        land: gpd.GeoDataFrame,
        ports: gpd.GeoDataFrame,
        bbox_deg: tuple[float, float, float, float],
        spacing_m: float = 200.0,
    ) -> Coast:
        """From land polygons and port points (EPSG:4326), clipped to ``bbox_deg``."""
        shore = None
        if len(land):
            edges = shapely.segmentize(land.geometry.boundary.to_numpy(), spacing_m / DEG_M)
            xy = shapely.get_coordinates(edges)
            west, south, east, north = bbox_deg
            eps = 1e-7  # where land was clipped by the box there is no real shore
            real = (np.abs(xy[:, 0] - west) > eps) & (np.abs(xy[:, 0] - east) > eps)
            real &= (np.abs(xy[:, 1] - south) > eps) & (np.abs(xy[:, 1] - north) > eps)
            xy = xy[real]
            shore = cKDTree(_unit_xyz(xy[:, 0], xy[:, 1])) if len(xy) else None
        port_xy = shapely.get_coordinates(ports.geometry.to_numpy()) if len(ports) else None
        port_tree = (
            cKDTree(_unit_xyz(port_xy[:, 0], port_xy[:, 1])) if port_xy is not None else None
        )
        polygons = land.geometry.to_numpy()
        shapely.prepare(polygons)
        return cls(shore, port_tree, STRtree(polygons))

    @staticmethod
    def _nearest_m(tree: cKDTree | None, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
        if tree is None or len(lon) == 0:
            return np.full(len(lon), np.inf)
        chord, _ = tree.query(_unit_xyz(lon, lat), workers=-1)
        return _chord_to_m(np.asarray(chord))

    def shore_m(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Distance to the nearest shore, in metres (on land too: use :meth:`on_land`)."""
        return self._nearest_m(self.shore, lon, lat)

    def port_m(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Distance to the nearest port, in metres."""
        return self._nearest_m(self.ports, lon, lat)

    def on_land(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether points lie on land (inside a land polygon)."""
        point, polygon = self.land.query(shapely.points(lon, lat))  # boxes that hold the point
        inside = np.zeros(len(lon), bool)
        polygons = self.land.geometries.take(polygon)
        inside[point[shapely.contains_xy(polygons, lon[point], lat[point])]] = True
        return inside
