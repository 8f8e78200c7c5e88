"""The simulator's geography: ports, sea and coast points, distances, in metres.

Everything is measured in the area of operations' azimuthal equidistant projection.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer
from shapely.strtree import STRtree

from surveillance.errors import InputError
from surveillance.geodesy import NM_M
from surveillance.geography import AreaOfOperations, read_land, read_ports

__all__ = ["World"]


@dataclass
class World:
    """Land, ports and projections of one area of operations."""

    aoi: AreaOfOperations
    rng: np.random.Generator

    def __post_init__(self) -> None:
        metric = self.aoi.metric_crs()
        self.to_m = Transformer.from_crs(4326, metric, always_xy=True)
        self.to_deg = Transformer.from_crs(metric, 4326, always_xy=True)
        land = read_land(self.aoi.bbox_deg)
        self.land_m = shapely.transform(
            land.geometry.to_numpy(), self.to_m.transform, interleaved=False
        )
        self.land_tree = STRtree(self.land_m)
        self._coarse_land = shapely.simplify(self.land_m, 250.0)  # for quick tests
        shapely.prepare(self._coarse_land)
        self._coarse_tree = STRtree(self._coarse_land)
        ports = read_ports(self.aoi.bbox_deg)
        xy = np.column_stack(self.to_m.transform(ports.geometry.x, ports.geometry.y))
        coastal = self.distance_to_land_m(xy) < 0.5 * NM_M  # on the coast, not inland
        near_sea = np.array([self._sea_near(p) for p in xy])
        keep = coastal & near_sea
        self.ports = ports[keep].reset_index(drop=True)
        self.port_xy = xy[keep]
        self.port_tree = STRtree(shapely.points(self.port_xy))
        west, south, east, north = self.aoi.bbox_deg
        corners = np.column_stack(self.to_m.transform([west, east], [south, north]))
        self.bounds_m = corners.min(axis=0), corners.max(axis=0)

    def _sea_near(self, xy: np.ndarray) -> bool:
        angles = np.linspace(0, 2 * np.pi, 12, endpoint=False)
        ring = xy + 3000 * np.column_stack([np.cos(angles), np.sin(angles)])
        return bool((self.distance_to_land_m(ring) > 0).any())

    # -- measures ----------------------------------------------------------------------

    def distance_to_land_m(self, xy: np.ndarray) -> np.ndarray:
        points = shapely.points(np.atleast_2d(xy))
        nearest = self.land_tree.query_nearest(points, return_distance=True)
        distance = np.full(len(points), np.inf)
        distance[nearest[0][0]] = nearest[1]
        return distance

    def on_land(self, xy: np.ndarray) -> np.ndarray:
        """Which points lie on land (the coast simplified to 250 m: a quick test)."""
        xy = np.atleast_2d(xy)
        point, land = self._coarse_tree.query(shapely.points(xy))  # boxes that hold the point
        inside = np.zeros(len(xy), bool)
        hit = shapely.contains_xy(self._coarse_land[land], xy[point, 0], xy[point, 1])
        inside[point[hit]] = True
        return inside

    def land_near(self, area_deg: shapely.Geometry) -> shapely.Geometry:
        """The land (EPSG:4326, full detail) within 1 km of an area given in EPSG:4326."""
        area_m = shapely.transform(area_deg, self.to_m.transform, interleaved=False).buffer(1000)
        pieces = self.land_m[self.land_tree.query(area_m)]
        land = shapely.intersection(shapely.union_all(pieces), area_m)
        return shapely.transform(land, self.to_deg.transform, interleaved=False)

    def distance_to_port_m(self, xy: np.ndarray) -> np.ndarray:
        points = shapely.points(np.atleast_2d(xy))
        (index, _), distance = self.port_tree.query_nearest(points, return_distance=True)
        out = np.full(len(points), np.inf)
        out[index] = distance
        return out

    def inside(self, xy: np.ndarray, margin_deg: float = 0.2) -> np.ndarray:
        """Which points lie inside the area of operations (with a margin)."""
        lon, lat = self.lonlat(xy)
        west, south, east, north = self.aoi.bbox_deg
        return (
            (lon > west + margin_deg)
            & (lon < east - margin_deg)
            & (lat > south + margin_deg)
            & (lat < north - margin_deg)
        )

    def lonlat(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        xy = np.atleast_2d(xy)
        lon, lat = self.to_deg.transform(xy[:, 0], xy[:, 1])
        return np.asarray(lon), np.asarray(lat)

    def metres(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        return np.column_stack(self.to_m.transform(lon, lat))

    # -- places ------------------------------------------------------------------------

    def sea_point(
        self,
        min_shore_m: float,
        max_shore_m: float = np.inf,
        min_port_m: float = 0.0,
        near_m: np.ndarray | None = None,
        reach_m: float = np.inf,
    ) -> np.ndarray:
        """A random point at sea between the given distances from the shore (and within
        ``reach_m`` of one of the points ``near_m``, e.g. receivers)."""
        low, high = self.bounds_m
        for _ in range(200):
            candidates = self.rng.uniform(low, high, size=(512, 2))
            candidates = candidates[self.inside(candidates)]
            if near_m is not None:
                gap = np.linalg.norm(candidates[:, None] - near_m[None], axis=2).min(axis=1)
                candidates = candidates[gap <= reach_m]
            shore = self.distance_to_land_m(candidates)
            ok = (shore >= min_shore_m) & (shore <= max_shore_m)
            ok &= self.distance_to_port_m(candidates) >= min_port_m
            if ok.any():
                return candidates[np.flatnonzero(ok)[0]]
        raise InputError("the area of operations has no sea point the scenario needs")

    def coast_point(
        self, min_port_m: float, near_m: np.ndarray, reach_m: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """A point ~300 m off a beach far from every port (within ``reach_m`` of one of
        ``near_m``), and a point 15 km out to sea from it."""
        for _ in range(60):
            sea = self.sea_point(8_000, 20_000, min_port_m, near_m, reach_m)
            nearest = self.land_tree.query_nearest(shapely.points(sea))[0]
            shore = shapely.shortest_line(shapely.points(sea), self.land_m[nearest]).coords[1]
            shore = np.asarray(shore)
            direction = (sea - shore) / np.linalg.norm(sea - shore)
            beach = shore + 300 * direction
            if (
                self.distance_to_port_m(beach)[0] >= min_port_m
                and self.distance_to_land_m(beach)[0] > 0
            ):
                return beach, shore + 15_000 * direction
        raise InputError("the area of operations has no beach far from ports for a landing")

    def port(self, index: int | None = None) -> tuple[int, np.ndarray]:
        index = int(self.rng.integers(len(self.ports))) if index is None else index
        return index, self.port_xy[index]
