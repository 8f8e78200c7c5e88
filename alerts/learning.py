"""The learnt maps kept by each ``detect``: the reception map and the anchorages.

Before the rules run, the window's positions are counted into the stored reception map
(per cell, station and hour: a rerun rewrites the same hours) and its vessel stops into
the anchorage evidence; the rules then get what the map knew before the window and the
anchorages as they now stand.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

import pandas as pd

from alerts.anchorages import Anchorages
from alerts.coverage import ReceptionHistory, StationOutages
from surveillance.rule_settings import BaseRuleSettings
from surveillance.store import Store, Window
from surveillance.store.learnt import WHOLE_FEED

__all__ = ["Learnt", "learn"]


@dataclass(frozen=True)
class Learnt:
    """What the rules are given of the learnt maps (empty before the first run)."""

    reception: ReceptionHistory = field(default_factory=ReceptionHistory)
    anchorages: Anchorages = field(default_factory=Anchorages)
    station_outages: StationOutages = field(default_factory=StationOutages)


def learn(store: Store, cfg: BaseRuleSettings, found: pd.DataFrame, window: Window) -> Learnt:
    """Update the maps from the window ``[since, until)`` (its positions; the stops
    ``found`` in its tracks, see :func:`alerts.anchorages.stops`) and read back what the map
    knew before the tracks begin, and the outages of single stations while they run."""
    cell_deg = cfg.coverage_cell_deg
    store.update_reception(window, cell_deg, cfg.coverage_window_days)
    before = window[0] - timedelta(hours=cfg.detect_context_hours)
    cells, span_h = store.reception_history(
        (before - timedelta(days=cfg.coverage_window_days), before)
    )
    store.add_stops(found)
    store.refresh_anchorages(cell_deg, cfg.anchorage_min_vessels)
    read = (before, window[1])
    outages = store.station_outages(read, min_vessels=cfg.outage_min_vessels)
    outages = outages[outages["station"] != WHOLE_FEED]  # the rules see the feed themselves
    stations = sorted(set(outages["station"]))
    heard = store.station_cells(read, stations) if stations else None
    return Learnt(
        ReceptionHistory.from_frame(cells, span_h),
        Anchorages.from_frame(store.anchorages(), cell_deg),
        StationOutages() if heard is None else StationOutages.from_frames(outages, heard, cell_deg),
    )
