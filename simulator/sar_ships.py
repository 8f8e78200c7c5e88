"""Ships as a SAR image shows them: a bright hull of the ship's length, beam and heading, and
sidelobes along the image's azimuth (rows) and range (columns): the cross of a bright target.

Each ship is rendered once into a small patch of intensity relative to the mean sea, which
is then added to every strip of the scene it overlaps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.signal import fftconvolve

from simulator.georef import Georef
from surveillance.errors import InputError
from surveillance.geodesy import DEG_M

__all__ = ["ShipPatch", "ship_patches", "SHIP_COLUMNS"]

SHIP_COLUMNS = ("lon", "lat", "length_m", "width_m", "heading_deg")
SIDELOBE = 0.05  # the first sidelobe's intensity over the peak: -13 dB, as a sinc has
VISIBLE = 0.2  # sidelobes are drawn while brighter than this fraction of the sea
MAX_SIDELOBE_PX = 64
MAX_LENGTH_M = 500.0  # the longest ships afloat are ~460 m
HULL_LOOKS = 3.0  # gamma shape of the brightness from one hull pixel to the next
PIXEL_BLUR = 0.5  # a hull's edge spreads half a pixel either side
#: a hull is drawn at least this many pixels long and wide: a ship's return comes from a few
#: strong scatterers (superstructure corners, the hull's side), not from its plan area, so a
#: boat narrower than a pixel puts its whole return into the pixels it lies on instead of
#: having it averaged with the sea by the fraction of the pixel its beam covers
MIN_HULL_PX = 1.0


@dataclass
class ShipPatch:
    """A ship's added intensity over the pixels ``row0 .., col0 ..`` of the scene."""

    row0: int
    col0: int
    intensity: np.ndarray

    def add_to(self, strip: np.ndarray, strip_row0: int) -> None:
        """Add the part of the patch that falls in ``strip`` (scene rows from ``strip_row0``)."""
        rows, cols = self.intensity.shape
        top, bottom = max(self.row0, strip_row0), min(self.row0 + rows, strip_row0 + len(strip))
        left, right = max(self.col0, 0), min(self.col0 + cols, strip.shape[1])
        if top >= bottom or left >= right:
            return
        strip[top - strip_row0 : bottom - strip_row0, left:right] += self.intensity[
            top - self.row0 : bottom - self.row0, left - self.col0 : right - self.col0
        ]


def peak_intensity(length_m: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A hull pixel's brightness over the mean sea: ~10 dB for a 10 m boat, ~28 dB for a
    300 m tanker, give or take 1.5 dB of aspect and build."""
    decibels = (
        10 + 12 * np.log10(np.maximum(length_m, 5.0) / 10) + rng.normal(0, 1.5, len(length_m))
    )
    return np.power(10.0, decibels / 10)


def ship_patches(
    ships: pd.DataFrame,
    georef: Georef,
    size_px: tuple[int, int],
    spacing_m: float,
    rng: np.random.Generator,
) -> list[ShipPatch]:
    """Render every ship of the frame (``SHIP_COLUMNS``) at its pixel position; those
    whose image cannot reach the raster (``size_px``: rows, columns) are left out."""
    missing = [c for c in SHIP_COLUMNS if c not in ships.columns]
    if missing:
        raise InputError(f"the ships of a scene need the columns {', '.join(missing)}")
    if ships.empty:
        return []
    lon, lat = ships["lon"].to_numpy(float), ships["lat"].to_numpy(float)
    length_m = ships["length_m"].to_numpy(float)
    known = np.isfinite(lon) & np.isfinite(lat) & np.isfinite(ships["heading_deg"].to_numpy(float))
    if not known.all() or not ((length_m > 0) & (length_m <= MAX_LENGTH_M)).all():
        raise InputError(
            f"every ship of a scene needs a lon, lat, heading and a length in (0, {MAX_LENGTH_M}] m"
        )
    width_m = ships["width_m"].to_numpy(float)
    width_m = np.where(np.isfinite(width_m), width_m, length_m / 6)
    heading = np.radians(ships["heading_deg"].to_numpy(float))
    half = length_m / 2  # bow and stern, a local flat-Earth step is plenty for 400 m
    dlat = half * np.cos(heading) / DEG_M
    dlon = half * np.sin(heading) / (DEG_M * np.cos(np.radians(lat)))
    rows, cols = georef.pixels(
        np.concatenate([lon, lon + dlon, lon - dlon]), np.concatenate([lat, lat + dlat, lat - dlat])
    )
    n = len(ships)
    centre = np.column_stack([rows[:n], cols[:n]])
    axis = np.column_stack([rows[n : 2 * n] - rows[2 * n :], cols[n : 2 * n] - cols[2 * n :]])
    peaks = peak_intensity(length_m, rng)
    reach = length_m / spacing_m + MAX_SIDELOBE_PX
    rows_px, cols_px = size_px
    near = (centre[:, 0] > -reach) & (centre[:, 0] < rows_px + reach)
    near &= (centre[:, 1] > -reach) & (centre[:, 1] < cols_px + reach)
    return [
        _patch(centre[i], axis[i], width_m[i] / spacing_m, peaks[i], rng)
        for i in np.flatnonzero(near)
    ]


def _patch(
    centre: np.ndarray, axis: np.ndarray, width_px: float, peak: float, rng: np.random.Generator
) -> ShipPatch:
    """One ship: hull coverage times scatterer brightness, seen through the radar's
    impulse response (every hull pixel casts its own cross)."""
    length_px = float(np.hypot(*axis))
    u = axis / length_px if length_px > 0 else np.array([1.0, 0.0])
    length_px, width_px = max(length_px, MIN_HULL_PX), max(width_px, MIN_HULL_PX)
    v = np.array([u[1], -u[0]])
    extent = np.abs(u) * length_px / 2 + np.abs(v) * width_px / 2  # half-size in (rows, cols)
    low = np.floor(centre - extent - 1).astype(int)
    high = np.ceil(centre + extent + 1).astype(int)
    dr = (np.arange(low[0], high[0]) + 0.5 - centre[0])[:, None]
    dc = (np.arange(low[1], high[1]) + 0.5 - centre[1])[None, :]
    along, across = dr * u[0] + dc * u[1], dr * v[0] + dc * v[1]
    cover = np.clip(length_px / 2 + PIXEL_BLUR - np.abs(along), 0, 1) * np.clip(
        width_px / 2 + PIXEL_BLUR - np.abs(across), 0, 1
    )
    hull = peak * cover * rng.gamma(HULL_LOOKS, 1 / HULL_LOOKS, cover.shape)
    reach = min(MAX_SIDELOBE_PX, int(np.ceil(np.sqrt(peak * SIDELOBE / VISIBLE))))
    seen = np.clip(fftconvolve(hull, _impulse_response(reach)), 0, None)
    return ShipPatch(int(low[0]) - reach, int(low[1]) - reach, seen.astype(np.float32))


def _impulse_response(reach: int) -> np.ndarray:
    """A point target's image: the peak, and sidelobes falling as 1/d^2 (a sinc^2
    envelope) along the azimuth and range axes only."""
    d = np.abs(np.arange(-reach, reach + 1, dtype=float))
    arm = np.where(d > 0, SIDELOBE / np.maximum(d, 1) ** 2, 0.0)
    kernel = np.zeros((2 * reach + 1, 2 * reach + 1))
    kernel[reach, :] += arm
    kernel[:, reach] += arm
    kernel[reach, reach] = 1.0
    return kernel
