"""The learnt maps kept by each ``detect``: the reception map and the anchorages.

Before the rules run, the window's positions are counted into the stored reception map
(per cell, station and hour: a rerun rewrites the same hours) and its vessel stops into
the anchorage evidence; the rules then get what the map knew before the window and the
anchorages as they now stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from alerts.anchorages import Anchorages, stops
from alerts.coverage import ReceptionHistory
from alerts.tracks import Tracks
from surveillance.rule_settings import BaseRuleSettings
from surveillance.store import Store, Window

__all__ = ["Learnt", "learn"]


@dataclass(frozen=True)
class Learnt:
    reception: ReceptionHistory
    anchorages: Anchorages


def learn(store: Store, cfg: BaseRuleSettings, tracks: Tracks, window: Window) -> Learnt:
    """Update the maps from the window ``[since, until)`` (its positions; the stops of the
    tracks) and read back what the map knew before the tracks begin."""
    cell_deg = cfg.coverage_cell_deg
    store.update_reception(window, cell_deg, cfg.coverage_window_days)
    before = window[0] - timedelta(hours=cfg.detect_context_hours)
    cells, span_h = store.reception_history(
        (before - timedelta(days=cfg.coverage_window_days), before)
    )
    store.add_stops(stops(tracks.steps, cfg))
    store.refresh_anchorages(cell_deg, cfg.anchorage_min_vessels)
    return Learnt(
        ReceptionHistory.from_frame(cells, span_h),
        Anchorages.from_frame(store.anchorages(), cell_deg),
    )
