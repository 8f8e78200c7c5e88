"""How a window is cut for the rules: time slices, and spatial tiles with a halo.

A long window runs slice by slice, each with the rules' context before it, as ``detect``
run day by day would: a slice is finished (its alerts stored) before the next one reads
the open gaps it leaves. Within a slice, the area is cut into tiles that tile the whole
plane (the outer tiles reach to the poles and the antimeridian), so every point has
exactly one tile. A tile's task reads the whole tracks of every vessel heard within
``halo_km`` of it; it keeps the findings whose point lies in the tile itself, and its
neighbours keep the rest. A finding's vessels are heard near its point (its pair partner,
the others heard around a gap, an encounter's drift: all within the halo), so the task
that keeps it has read everything it rests on, and a track crossing a tile edge is never
cut.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

import numpy as np

from surveillance.errors import InputError
from surveillance.geodesy import DEG_M
from surveillance.store.window import BBox

__all__ = ["Tile", "WHOLE", "plan_tiles", "plan_slices", "owners", "BYTES_PER_POSITION"]

#: What one position costs the engine in memory: its arrays, the tracks' derived arrays
#: and the resampled steps (measured by bench/month_memory.py; kept on the safe side).
BYTES_PER_POSITION = 600
_INF = math.inf


@dataclass(frozen=True)
class Tile:
    """One tile of a grid: ``index`` in the plan, ``core`` (west, south, east, north) in
    degrees, its outer edges infinite where it is on the grid's border."""

    index: int
    core: tuple[float, float, float, float]

    def read_box(self, halo_km: float) -> BBox | None:
        """The core grown by the halo (clipped to the globe); None for the whole plane."""
        west, south, east, north = self.core
        if (west, south, east, north) == (-_INF, -_INF, _INF, _INF):
            return None
        dlat = halo_km * 1000 / DEG_M
        widest = min(89.0, max(abs(max(south, -90.0)), abs(min(north, 90.0))) + dlat)
        dlon = dlat / math.cos(math.radians(widest))
        return (
            max(-180.0, west - dlon),
            max(-90.0, south - dlat),
            min(180.0, east + dlon),
            min(90.0, north + dlat),
        )


#: The one tile of an unpartitioned run.
WHOLE = Tile(0, (-_INF, -_INF, _INF, _INF))


def plan_tiles(bbox: BBox, tile_deg: float | None, *, at_least: int = 1) -> tuple[Tile, ...]:
    """A grid of tiles ``tile_deg`` wide over ``bbox`` (its outer tiles unbounded); with no
    ``tile_deg``, square-ish tiles so that there are ``at_least`` of them (one: ``WHOLE``)."""
    west, south, east, north = bbox
    if not (west < east and south < north):
        raise InputError(f"the area to tile is empty: {bbox}")
    if tile_deg is None:
        if at_least <= 1:
            return (WHOLE,)
        tile_deg = math.sqrt((east - west) * (north - south) / at_least)
    nx = max(1, math.ceil((east - west) / tile_deg - 1e-9))
    ny = max(1, math.ceil((north - south) / tile_deg - 1e-9))
    if nx * ny == 1:
        return (WHOLE,)
    xs = [-_INF, *(west + tile_deg * i for i in range(1, nx)), _INF]
    ys = [-_INF, *(south + tile_deg * j for j in range(1, ny)), _INF]
    return tuple(
        Tile(j * nx + i, (xs[i], ys[j], xs[i + 1], ys[j + 1])) for j in range(ny) for i in range(nx)
    )


def owners(tiles: tuple[Tile, ...], lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """The index of the tile holding each point (a point without a place: the first)."""
    lon, lat = np.asarray(lon, float), np.asarray(lat, float)
    found = np.zeros(len(lon), np.int64)
    for tile in tiles:
        west, south, east, north = tile.core
        inside = (lon >= west) & (lon < east) & (lat >= south) & (lat < north)
        found[inside] = tile.index
    return found


def plan_slices(
    since: datetime,
    until: datetime,
    slice_hours: float,
    *,
    positions: int = 0,
    budget_mb: float = _INF,
    context_hours: float = 0.0,
) -> list[tuple[datetime, datetime]]:
    """``[since, until)`` cut into slices of at most ``slice_hours``, shorter where the
    window's ``positions`` (spread evenly) would not fit ``budget_mb`` with each slice's
    ``context_hours`` before it."""
    hours = (until - since).total_seconds() / 3600
    if hours <= 0:
        raise InputError("the window must have since before until")
    per_hour = positions / hours
    if per_hour > 0 and math.isfinite(budget_mb):
        fits_h = budget_mb * 1e6 / BYTES_PER_POSITION / per_hour - context_hours
        if fits_h < 1:
            need = (1 + context_hours) * per_hour * BYTES_PER_POSITION / 1e6
            raise InputError(
                f"an hour of positions with its context needs about {need:,.0f} MB, more "
                f"than the budget ({budget_mb:,.0f} MB)",
                hint="raise rules.detect_memory_budget_mb, or run on several workers",
            )
        slice_hours = min(slice_hours, math.floor(fits_h))
    count = max(1, math.ceil(hours / slice_hours - 1e-9))
    step = timedelta(hours=slice_hours)
    edges = [min(until, since + step * k) for k in range(count)] + [until]
    return [(a, b) for a, b in zip(edges, edges[1:], strict=False) if a < b]
