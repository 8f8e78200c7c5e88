"""Where the sun is: night at a place and time, without any download.

The solar elevation follows NOAA's low-precision formulas (declination and equation of
time from the fractional year), good to about a degree, which is plenty to tell night.
"""

from __future__ import annotations

import numpy as np

__all__ = ["sun_elevation_deg", "is_night"]

_DAY_S = 86_400.0
#: The sun's upper limb at the horizon, with refraction.
SUNSET_ELEVATION_DEG = -0.833


def sun_elevation_deg(t_s: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Elevation of the sun in degrees above the horizon (unix seconds, degrees)."""
    t_s, lon, lat = np.asarray(t_s, float), np.asarray(lon, float), np.asarray(lat, float)
    days = t_s / _DAY_S
    gamma = 2 * np.pi * ((days - 10_957.5) % 365.2422) / 365.2422  # from 2000-01-01 12:00
    decl = (
        0.006918
        - 0.399912 * np.cos(gamma)
        + 0.070257 * np.sin(gamma)
        - 0.006758 * np.cos(2 * gamma)
        + 0.000907 * np.sin(2 * gamma)
        - 0.002697 * np.cos(3 * gamma)
        + 0.00148 * np.sin(3 * gamma)
    )
    eqtime_min = 229.18 * (
        0.000075
        + 0.001868 * np.cos(gamma)
        - 0.032077 * np.sin(gamma)
        - 0.014615 * np.cos(2 * gamma)
        - 0.040849 * np.sin(2 * gamma)
    )
    utc_min = (t_s % _DAY_S) / 60.0
    solar_min = utc_min + eqtime_min + 4.0 * lon
    hour_angle = np.radians(solar_min / 4.0 - 180.0)
    phi = np.radians(lat)
    cos_zenith = np.sin(phi) * np.sin(decl) + np.cos(phi) * np.cos(decl) * np.cos(hour_angle)
    return np.asarray(90.0 - np.degrees(np.arccos(np.clip(cos_zenith, -1, 1))))


def is_night(t_s: np.ndarray, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Whether the sun is below the horizon there and then."""
    return sun_elevation_deg(t_s, lon, lat) < SUNSET_ELEVATION_DEG
