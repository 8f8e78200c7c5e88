"""Tiny readable builders for test data."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

T0 = datetime(2026, 11, 26, 22, 0, tzinfo=UTC)


def report(
    mmsi: int = 431000001, minute: float = 0, lon: float = 130.0, lat: float = 34.0, **fields: Any
) -> dict[str, Any]:
    """One position report, ``minute`` minutes after T0."""
    return {"mmsi": mmsi, "ts": T0 + timedelta(minutes=minute), "lon": lon, "lat": lat, **fields}


def positions(*reports: dict[str, Any]) -> pd.DataFrame:
    return pd.DataFrame(list(reports))
