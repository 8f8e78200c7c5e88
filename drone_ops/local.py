"""A local metric frame around a place: where the planners lay out patterns in metres.

An azimuthal equidistant projection centred on the pattern keeps distances from its centre
exact and others within a fraction of a per cent over the tens of kilometres a drone flies.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import shapely
from pyproj import Transformer

__all__ = ["LocalFrame"]


@dataclass(frozen=True)
class LocalFrame:
    """Metres east (x) and north (y) of ``(lat0, lon0)``, and back to degrees."""

    lat0: float
    lon0: float
    _forward: Transformer = field(init=False, repr=False, compare=False)
    _inverse: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        crs = f"+proj=aeqd +lat_0={self.lat0} +lon_0={self.lon0} +datum=WGS84 +units=m"
        object.__setattr__(self, "_forward", Transformer.from_crs(4326, crs, always_xy=True))
        object.__setattr__(self, "_inverse", Transformer.from_crs(crs, 4326, always_xy=True))

    def xy(self, lon: float, lat: float) -> tuple[float, float]:
        """Metres east and north of the centre."""
        x, y = self._forward.transform(lon, lat)
        return float(x), float(y)

    def lonlat(self, x: float, y: float) -> tuple[float, float]:
        """Degrees (lon, lat) of a point metres east and north of the centre."""
        lon, lat = self._inverse.transform(x, y)
        return float(lon), float(lat)

    def to_metric(self, geometry: shapely.Geometry) -> shapely.Geometry:
        """A lon/lat geometry in this frame's metres."""
        return shapely.transform(
            geometry, lambda c: np.column_stack(self._forward.transform(c[:, 0], c[:, 1]))
        )

    def to_lonlat(self, geometry: shapely.Geometry) -> shapely.Geometry:
        """A geometry in this frame's metres back in lon/lat."""
        return shapely.transform(
            geometry, lambda c: np.column_stack(self._inverse.transform(c[:, 0], c[:, 1]))
        )
