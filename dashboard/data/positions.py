"""Vectorized work over position arrays (sorted by vessel, then time): latest reports,
downsampling, simplified paths and replay tracks. No Python loop runs per position."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import shapely

from surveillance.store.position_read import PositionArrays

__all__ = ["downsample", "latest_positions", "paths", "replay_tracks"]

_COORD_DECIMALS = 5  # about 1 m: keeps the page's JSON small


def _vessel_starts(mmsi: np.ndarray) -> np.ndarray:
    """Boolean: the first row of each vessel in arrays sorted by MMSI."""
    starts = np.ones(len(mmsi), dtype=bool)
    starts[1:] = mmsi[1:] != mmsi[:-1]
    return starts


def latest_positions(arrays: PositionArrays) -> pd.DataFrame:
    """Each vessel's newest report: ``mmsi, t_s, lon, lat, sog_knots``."""
    last = np.ones(len(arrays), dtype=bool)
    last[:-1] = arrays.mmsi[1:] != arrays.mmsi[:-1]
    if len(arrays) == 0:
        last = last[:0]
    return pd.DataFrame(
        {
            "mmsi": arrays.mmsi[last],
            "t_s": arrays.t_s[last],
            "lon": arrays.lon[last],
            "lat": arrays.lat[last],
            "sog_knots": arrays.sog_knots[last].astype(np.float64),
        }
    )


def downsample(arrays: PositionArrays, step_s: float) -> np.ndarray:
    """Indices keeping the first report of each vessel in every ``step_s`` bin, and each
    vessel's last report (so a track ends where the vessel is)."""
    if len(arrays) == 0:
        return np.zeros(0, dtype=np.int64)
    bins = np.floor(arrays.t_s / step_s).astype(np.int64)
    keep = _vessel_starts(arrays.mmsi)
    keep[1:] |= bins[1:] != bins[:-1]
    keep[:-1] |= arrays.mmsi[1:] != arrays.mmsi[:-1]
    keep[-1] = True
    return np.flatnonzero(keep)


def paths(mmsi: np.ndarray, lon: np.ndarray, lat: np.ndarray, tolerance_deg: float) -> pd.DataFrame:
    """One simplified line per vessel (``mmsi, path`` as [[lon, lat], ...]) from points
    sorted by vessel; vessels with a single point are left out."""
    starts = np.flatnonzero(_vessel_starts(mmsi)) if len(mmsi) else np.zeros(0, np.int64)
    counts = np.diff(np.append(starts, len(mmsi)))
    if not (counts >= 2).any():
        return pd.DataFrame({"mmsi": pd.Series(dtype=np.int64), "path": pd.Series(dtype=object)})
    rows = np.repeat(counts >= 2, counts)
    ids = np.repeat(np.arange(int((counts >= 2).sum())), counts[counts >= 2])  # 0..n-1
    lines = shapely.linestrings(np.column_stack([lon[rows], lat[rows]]), indices=ids)
    lines = shapely.simplify(lines, tolerance_deg, preserve_topology=False)
    coords, which = shapely.get_coordinates(lines, return_index=True)
    coords = np.round(coords, _COORD_DECIMALS)
    cuts = np.flatnonzero(np.diff(which)) + 1
    return pd.DataFrame(
        {
            "mmsi": mmsi[starts[counts >= 2]],
            "path": [part.tolist() for part in np.split(coords, cuts)],
        }
    )


def replay_tracks(arrays: PositionArrays, mmsi: Sequence[int], origin_s: float) -> pd.DataFrame:
    """Full tracks of a few vessels for replay: ``mmsi, path, timestamps`` (seconds after
    ``origin_s``, small enough for the GPU's float32)."""
    rows = []
    for m in mmsi:
        lo, hi = np.searchsorted(arrays.mmsi, [m, m + 1])
        if hi - lo < 1:
            continue
        path = np.column_stack([arrays.lon[lo:hi], arrays.lat[lo:hi]]).round(_COORD_DECIMALS)
        rows.append(
            {
                "mmsi": int(m),
                "path": path.tolist(),
                "timestamps": (arrays.t_s[lo:hi] - origin_s).round(1).tolist(),
            }
        )
    return pd.DataFrame(rows, columns=["mmsi", "path", "timestamps"])
