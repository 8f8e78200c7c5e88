"""No-fly zones: the configured polygons plus the surroundings of every airport near a plan.

Airports come from ``airportsdata`` (about 28,000 airports with an ICAO code, their reference
point in degrees). Each becomes a polygon of :data:`AIRPORT_RADIUS_M` around that point:
5 km covers Japan's horizontal surface (4 km drawn from the runway strip, where the Civil
Aeronautics Act forbids drones without permission) for runways up to about 2 km either side
of the reference point, and matches the 5 km the UK and several EU states use beyond a
runway's end. Larger airports' conical and approach surfaces reach further: configure those.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from functools import lru_cache

import numpy as np
import numpy.typing as npt

from drone_ops.local import LocalFrame
from drone_ops.plan import FencePolygon
from surveillance.geodesy import DEG_M

__all__ = ["AIRPORT_RADIUS_M", "airport_zone", "no_fly_zones"]

AIRPORT_RADIUS_M = 5_000.0
_SIDES = 24  # a 24-gon drawn around the circle (vertices at r / cos(pi/24), 0.9 % out)


@lru_cache(maxsize=1)
def _airports() -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64], tuple[str, ...]]:
    """Latitudes, longitudes and names ("RJFF Fukuoka Airport") of all airports."""
    import airportsdata

    table = airportsdata.load("ICAO")
    lats = np.array([a["lat"] for a in table.values()], dtype="f8")
    lons = np.array([a["lon"] for a in table.values()], dtype="f8")
    names = tuple(f"{code} {a['name']}" for code, a in table.items())
    return lats, lons, names


def airport_zone(
    lat: float, lon: float, name: str, radius_m: float = AIRPORT_RADIUS_M
) -> FencePolygon:
    """An exclusion polygon holding the circle of ``radius_m`` around an airport."""
    frame = LocalFrame(lat, lon)
    outer_m = radius_m / math.cos(math.pi / _SIDES)
    vertices = []
    for k in range(_SIDES):
        angle = 2.0 * math.pi * k / _SIDES
        vlon, vlat = frame.lonlat(outer_m * math.sin(angle), outer_m * math.cos(angle))
        vertices.append((vlat, vlon))
    return FencePolygon(tuple(vertices), inclusion=False, name=f"airport {name}")


def no_fly_zones(
    bbox_lonlat: tuple[float, float, float, float],
    configured: Iterable[FencePolygon] = (),
    *,
    airport_radius_m: float = AIRPORT_RADIUS_M,
) -> tuple[FencePolygon, ...]:
    """The configured zones, then one zone for each airport whose surroundings reach into
    ``bbox_lonlat`` (west, south, east, north), nearest the box's centre first."""
    west, south, east, north = bbox_lonlat
    lats, lons, names = _airports()
    margin_lat = airport_radius_m / DEG_M
    margin_lon = airport_radius_m / (
        DEG_M * max(math.cos(math.radians(max(abs(south), abs(north)))), 0.01)
    )
    near = (
        (lats >= south - margin_lat)
        & (lats <= north + margin_lat)
        & (lons >= west - margin_lon)
        & (lons <= east + margin_lon)
    )
    centre_lat, centre_lon = (south + north) / 2, (west + east) / 2
    order = sorted(
        np.flatnonzero(near),
        key=lambda i: (lats[i] - centre_lat) ** 2 + (lons[i] - centre_lon) ** 2,
    )
    airports = [
        airport_zone(float(lats[i]), float(lons[i]), names[i], airport_radius_m) for i in order
    ]
    return (*configured, *airports)
