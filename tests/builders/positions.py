"""Position reports as the store takes them: one report at a time, or a ship drifting."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from tests.builders.clock import at

if TYPE_CHECKING:
    from surveillance.store import Store

__all__ = ["OPEN_SEA", "drifting", "load_positions", "positions", "report"]

OPEN_SEA = (135.0, 30.5)  # south of Shikoku: 150 km from any shore or port


def report(
    mmsi: int = 431000001, minute: float = 0, lon: float = 130.0, lat: float = 34.0, **fields: Any
) -> dict[str, Any]:
    """One position report, ``minute`` minutes after T0."""
    return {"mmsi": mmsi, "ts": at(minutes=minute), "lon": lon, "lat": lat, **fields}


def positions(*reports: dict[str, Any]) -> pd.DataFrame:
    """The reports as one frame, ready for :func:`load_positions`."""
    return pd.DataFrame(list(reports))


def drifting(mmsi: int, start: datetime, hours: float, every_s: float = 60.0) -> pd.DataFrame:
    """A ship lying stopped (0.5 kn) in the open sea, reporting every ``every_s``."""
    ts = pd.date_range(start, start + timedelta(hours=hours), freq=f"{int(every_s)}s")
    wobble = np.sin(np.arange(len(ts)) / 20) * 0.001
    return pd.DataFrame(
        {
            "mmsi": mmsi,
            "ts": ts,
            "lon": OPEN_SEA[0] + wobble,
            "lat": OPEN_SEA[1],
            "sog_knots": 0.5,
        }
    )


def load_positions(store: Store, frame: pd.DataFrame) -> int:
    """Store position reports the way a live feed does (one loader per ``source``, each
    batch queryable at once); returns the new rows. ``ts`` may be datetimes, report fields
    may be left out."""
    data = frame.copy()
    data["ts"] = (
        pd.to_datetime(data["ts"], utc=True) - pd.Timestamp(0, tz="UTC")
    ).dt.total_seconds()
    for column in ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type"):
        given = data[column] if column in data.columns else pd.Series(np.nan, data.index)
        data[column] = pd.to_numeric(given, errors="coerce")
    sources = data["source"].fillna("") if "source" in data.columns else pd.Series("", data.index)
    stored = 0
    for source, part in data.groupby(sources, sort=False):
        loader = store.position_loader(str(source), bulk=False)
        loader.add(part)
        stored += loader.finish().new_rows
    return stored
