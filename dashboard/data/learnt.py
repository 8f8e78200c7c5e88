"""The learnt maps for the map page (reception cells coloured by messages per hour, the
anchorages) and the outages for the sources page; plain frames, no Streamlit."""

from __future__ import annotations

import numpy as np
import pandas as pd

from dashboard import tooltip
from surveillance.store import Store, Window
from surveillance.times import iso_utc

__all__ = ["anchorage_cells", "coverage_cells", "outages"]


def _squares(cell_x: pd.Series, cell_y: pd.Series, cell_deg: float) -> list[list[list[float]]]:
    """The outline of each grid cell, as deck.gl polygons."""
    west, south = cell_x.to_numpy() * cell_deg, cell_y.to_numpy() * cell_deg
    return [
        [[w, s], [w + cell_deg, s], [w + cell_deg, s + cell_deg], [w, s + cell_deg]]
        for w, s in zip(west.tolist(), south.tolist(), strict=True)
    ]


def coverage_cells(store: Store, window: Window, cell_deg: float) -> pd.DataFrame:
    """Each cell of the reception map heard in the window: ``polygon``, ``per_hour``
    (messages per hour of the window), ``colour`` (pale to deep blue, by the log of the
    rate) and the tooltip fields."""
    cells = store.reception_cells(window)
    hours = max((window[1] - window[0]).total_seconds() / 3600, 1.0)
    per_hour = cells["messages"].to_numpy(float) / hours
    depth = np.clip(np.log10(np.maximum(per_hour, 0.1)) / 3 + 1 / 3, 0, 1)  # 0.1 .. 100 /h
    colour = np.column_stack(
        [220 - 200 * depth, 235 - 140 * depth, np.full(len(depth), 250), 60 + 100 * depth]
    ).astype(int)
    return pd.DataFrame(
        {
            "polygon": _squares(cells["cell_x"], cells["cell_y"], cell_deg),
            "per_hour": per_hour.round(1),
            "colour": colour.tolist(),
            **tooltip.fields(
                "Reception",
                pd.Series([f"{p:.1f} messages / hour" for p in per_hour], dtype=str),
                "heard in " + cells["heard_hours"].astype(str) + " hour(s) of the window",
                cells["stations"].astype(str) + " station(s)",
            ),
        }
    )


def anchorage_cells(store: Store, cell_deg: float) -> pd.DataFrame:
    """The learnt anchorages: ``polygon``, ``vessels`` and the tooltip fields."""
    found = store.anchorages()
    return pd.DataFrame(
        {
            "polygon": _squares(found["cell_x"], found["cell_y"], cell_deg),
            "vessels": found["vessels"],
            **tooltip.fields(
                "Anchorage (learnt)",
                found["vessels"].astype(str) + " vessels stopped here",
                pd.Series([f"last stop {iso_utc(t)}" for t in found["last_stop"]], dtype=str),
            ),
        }
    )


def outages(store: Store, window: Window, min_vessels: int) -> pd.DataFrame:
    """Outages of each station and of the whole feed in the window: ``station, start,
    end, hours`` (``end`` empty and ``hours`` up to the window's end while it goes on)."""
    found = store.station_outages(window, min_vessels=min_vessels)
    end = pd.to_datetime(found["end"], utc=True)
    until = pd.Timestamp(window[1])
    found["hours"] = (
        (end.fillna(until) - pd.to_datetime(found["start"], utc=True)).dt.total_seconds() / 3600
    ).round(1)
    found["ongoing"] = end.isna()
    return found
