"""Distances on the sphere, in metres, for arrays or scalars alike."""

from __future__ import annotations

import numpy as np

__all__ = ["EARTH_RADIUS_M", "DEG_M", "KNOT_MS", "NM_M", "haversine_m"]

EARTH_RADIUS_M = 6_371_008.8  # mean radius
DEG_M = np.pi / 180 * EARTH_RADIUS_M  # one degree of latitude
KNOT_MS = 1852.0 / 3600.0
NM_M = 1852.0

Coordinate = np.ndarray | float


def haversine_m(
    lon1: Coordinate, lat1: Coordinate, lon2: Coordinate, lat2: Coordinate
) -> np.ndarray:
    """Great-circle distance in metres.

    >>> round(float(haversine_m(0.0, 0.0, 1.0, 0.0)))
    111195
    """
    p1, p2 = np.radians(lat1), np.radians(lat2)
    a = (
        np.sin((p2 - p1) / 2) ** 2
        + np.cos(p1) * np.cos(p2) * np.sin(np.radians(lon2 - lon1) / 2) ** 2
    )
    return np.asarray(2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0, 1))))
