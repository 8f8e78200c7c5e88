"""Anchorages learnt from the traffic, as Global Fishing Watch learns them: grid cells where
many distinct vessels have stopped (under ``anchorage_stopped_max_knots`` for
``anchorage_stopped_min_hours`` or more). Each ``detect`` finds the stops of its window;
the store keeps them and the anchorages; STS and loitering exempt anchorages like ports.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from alerts.coverage import cell_keys, cells_of
from alerts.tracks import Steps, runs
from surveillance.rule_settings import BaseRuleSettings

__all__ = ["Anchorages", "stops"]


def stops(s: Steps, cfg: BaseRuleSettings) -> pd.DataFrame:
    """Each stop of the steps: ``cell_x, cell_y, mmsi, first_stop, last_stop`` (the cell of
    its median position), a vessel stopped in one cell twice counting as one row."""
    first, last = runs(s.sog_knots < cfg.anchorage_stopped_max_knots, s.next_joined)
    long = (s.t_s[last] + s.step_s - s.t_s[first]) >= cfg.anchorage_stopped_min_hours * 3600
    first, last = first[long], last[long]
    lon = np.array([np.median(s.lon[a : b + 1]) for a, b in zip(first, last, strict=True)])
    lat = np.array([np.median(s.lat[a : b + 1]) for a, b in zip(first, last, strict=True)])
    cell_x, cell_y = cells_of(lon, lat, cfg.coverage_cell_deg)
    found = pd.DataFrame(
        {
            "cell_x": cell_x,
            "cell_y": cell_y,
            "mmsi": s.mmsi[first],
            "first_stop": pd.to_datetime(s.t_s[first], unit="s", utc=True),
            "last_stop": pd.to_datetime(s.t_s[last] + s.step_s, unit="s", utc=True),
        }
    )
    return (
        found.groupby(["cell_x", "cell_y", "mmsi"], as_index=False)
        .agg(first_stop=("first_stop", "min"), last_stop=("last_stop", "max"))
        .astype({"cell_x": np.int64, "cell_y": np.int64, "mmsi": np.int64})
    )


@dataclass(frozen=True)
class Anchorages:
    """The learnt anchorage cells, for rules to tell whether points lie in one."""

    cell_deg: float = 0.05
    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int64))

    @classmethod
    def from_frame(cls, cells: pd.DataFrame, cell_deg: float) -> Anchorages:
        """From the store's ``cell_x, cell_y`` rows."""
        return cls(cell_deg, cell_keys(cells["cell_x"].to_numpy(), cells["cell_y"].to_numpy()))

    def contains(self, lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
        """Whether each point lies in a learnt anchorage."""
        if not len(self.keys):
            return np.zeros(np.shape(lon), bool)
        return np.isin(cell_keys(*cells_of(lon, lat, self.cell_deg)), self.keys)
