"""Source statistics over ``ais_positions``: how busy each receiver, station or file is,
for the dashboard's sources page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.window import Window, window_params, within

__all__ = ["SourceStatistics"]

_SOURCE = "coalesce(nullif(source, ''), '(unknown)') AS source"


class SourceStatistics:
    """Positions counted per source."""

    engine: Engine

    def source_activity(self, window: Window, last_minutes: int = 60) -> pd.DataFrame:
        """Per source of ``ais_positions`` (receiver, station or file name) in the window:
        ``last_position`` (its newest report) and ``positions``; over the window's last
        ``last_minutes``: ``last_hour`` (positions) and ``vessels_last_hour``; busiest first.
        (Vessels are counted over the last hour only: a distinct count over a busy day's
        millions of positions takes seconds.)"""
        bind: dict[str, Any] = window_params(window)
        bind["recent"] = window[1] - timedelta(minutes=last_minutes)
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    f"WITH totals AS (SELECT {_SOURCE}, "
                    "max(ts) AS last_position, count(*) AS positions, "
                    "count(*) FILTER (WHERE ts >= :recent) AS last_hour FROM ais_positions "
                    f"WHERE {within('ts')} GROUP BY 1), "
                    f"recent AS (SELECT {_SOURCE}, "
                    "count(DISTINCT mmsi) AS vessels_last_hour FROM ais_positions "
                    "WHERE ts >= greatest(:recent, :since) AND ts < :until GROUP BY 1) "
                    "SELECT t.*, coalesce(r.vessels_last_hour, 0) AS vessels_last_hour "
                    "FROM totals t LEFT JOIN recent r USING (source) "
                    "ORDER BY t.positions DESC, t.source"
                ),
                conn,
                params=bind,
            )

    def source_minutes(self, window: Window, last_minutes: int = 60) -> pd.DataFrame:
        """Positions per source and minute (``source, minute, positions``) over the last
        ``last_minutes`` of the window; minutes without any are absent."""
        bind: dict[str, Any] = window_params(window)
        bind["since"] = max(window[0], window[1] - timedelta(minutes=last_minutes))
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    f"SELECT {_SOURCE}, date_trunc('minute', ts) AS minute, "
                    f"count(*) AS positions FROM ais_positions WHERE {within('ts')} "
                    "GROUP BY 1, 2 ORDER BY 1, 2"
                ),
                conn,
                params=bind,
            )
