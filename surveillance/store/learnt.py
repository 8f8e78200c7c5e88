"""The learnt maps: the reception map (messages per grid cell, station and hour), the
vessel stops and the anchorages learnt from them, and the station outages read off the map.

Cells are a fixed grid of ``cell_deg`` degrees: ``cell_x = floor(lon / cell_deg)``,
``cell_y = floor(lat / cell_deg)`` (the same arithmetic as :mod:`alerts.coverage`).
Outages are derived on read, not stored: an hour in which a station heard nothing while
it was heard before (and, when it resumed, after) is an hour of outage.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.bulk import stage_frame, store_errors
from surveillance.store.window import Window, window_params, within

__all__ = ["LearntMaps", "WHOLE_FEED", "UNKNOWN_STATION"]

#: The station name of reports whose receiving station is not known.
UNKNOWN_STATION = "all"
#: How the outages of the whole feed (every station silent) are named.
WHOLE_FEED = "(whole feed)"
_HOUR = timedelta(hours=1)
_EPOCH = "TIMESTAMPTZ '2000-01-01 00:00:00+00'"


def _whole_hours(window: Window) -> Window:
    """The window widened to whole UTC hours, so that every hour's count is complete."""
    since, until = window
    start = since.replace(minute=0, second=0, microsecond=0)
    end = until.replace(minute=0, second=0, microsecond=0)
    return start, end if end == until else end + _HOUR


#: SQL for a position's station, ``'all'`` when the feed did not say.
_STATION = f"coalesce(nullif(station, ''), '{UNKNOWN_STATION}')"


class LearntMaps:
    """Reception map, vessel stops and anchorages."""

    engine: Engine

    def update_reception(self, window: Window, cell_deg: float, keep_days: float) -> int:
        """Count the stored positions of the window (widened to whole hours) per cell,
        station and hour into the map, replacing those hours' counts (a rerun changes
        nothing); forget hours older than ``keep_days`` before the newest. Rows written."""
        bind: dict[str, Any] = window_params(_whole_hours(window))
        bind |= {"deg": cell_deg, "keep_s": keep_days * 86400}
        with store_errors("reception_hours"), self.engine.begin() as conn:
            rows = conn.execute(
                text(
                    "INSERT INTO reception_hours (cell_x, cell_y, station, hour, messages) "
                    "SELECT floor(ST_X(geom) / :deg)::int, floor(ST_Y(geom) / :deg)::int, "
                    f"{_STATION}, date_bin('1 hour', ts, {_EPOCH}), count(*) "
                    f"FROM ais_positions WHERE {within('ts')} GROUP BY 1, 2, 3, 4 "
                    "ON CONFLICT (cell_x, cell_y, station, hour) "
                    "DO UPDATE SET messages = EXCLUDED.messages"
                ),
                bind,
            ).rowcount
            conn.execute(
                text(
                    "INSERT INTO station_hours (station, hour, vessels) "
                    f"SELECT {_STATION}, date_bin('1 hour', ts, {_EPOCH}), count(DISTINCT mmsi) "
                    f"FROM ais_positions WHERE {within('ts')} GROUP BY 1, 2 "
                    f"UNION ALL SELECT '{WHOLE_FEED}', date_bin('1 hour', ts, {_EPOCH}), "
                    f"count(DISTINCT mmsi) FROM ais_positions WHERE {within('ts')} GROUP BY 2 "
                    "ON CONFLICT (station, hour) DO UPDATE SET vessels = EXCLUDED.vessels"
                ),
                bind,
            )
            for table in ("reception_hours", "station_hours"):
                conn.execute(
                    text(
                        f"DELETE FROM {table} WHERE hour < (SELECT max(hour) FROM {table}) "
                        "- make_interval(secs => :keep_s)"
                    ),
                    bind,
                )
        return int(rows)

    def reception_history(self, window: Window) -> tuple[pd.DataFrame, float]:
        """Per cell heard in the window (any station): ``cell_x, cell_y, heard_hours``;
        and how many hours the map spans in it (from its first hour to the window's end)."""
        bind = window_params(window)
        with self.engine.connect() as conn:
            cells = pd.read_sql(
                text(
                    "SELECT cell_x, cell_y, count(DISTINCT hour) AS heard_hours "
                    f"FROM reception_hours WHERE {within('hour')} GROUP BY 1, 2"
                ),
                conn,
                params=bind,
            )
            first = conn.execute(
                text(f"SELECT min(hour) FROM reception_hours WHERE {within('hour')}"), bind
            ).scalar()
        span_h = 0.0 if first is None else (window[1] - first).total_seconds() / 3600
        return cells, span_h

    def reception_cells(self, window: Window) -> pd.DataFrame:
        """The map over the window for drawing: ``cell_x, cell_y, messages, heard_hours,
        stations`` per cell (every station together)."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT cell_x, cell_y, sum(messages)::bigint AS messages, "
                    "count(DISTINCT hour) AS heard_hours, count(DISTINCT station) AS stations "
                    f"FROM reception_hours WHERE {within('hour')} GROUP BY 1, 2 ORDER BY 1, 2"
                ),
                conn,
                params=window_params(window),
            )

    def station_outages(
        self, window: Window, min_hours: int = 1, min_vessels: int = 1
    ) -> pd.DataFrame:
        """Outages per station and of the whole feed in the window: ``station, start,
        end`` (``end`` NaT while it goes on), at least ``min_hours`` whole hours in which
        the station heard no one right after an hour in which it heard ``min_vessels`` or
        more vessels (one vessel falling silent is that vessel, not the station); newest
        first."""
        bind: dict[str, Any] = window_params(_whole_hours(window))
        bind |= {"min_h": min_hours, "min_v": min_vessels}
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "WITH steps AS (SELECT station, hour, lag(hour) OVER w AS before, "
                    "lag(vessels) OVER w AS busy, vessels FROM station_hours "
                    f"WHERE {within('hour')} WINDOW w AS (PARTITION BY station ORDER BY hour)), "
                    "latest AS (SELECT DISTINCT ON (station) station, hour, vessels FROM steps "
                    "ORDER BY station, hour DESC) "
                    "SELECT station, before + interval '1 hour' AS start, hour AS \"end\" "
                    "FROM steps WHERE hour - before > make_interval(hours => :min_h) "
                    "AND busy >= :min_v "
                    "UNION ALL SELECT station, hour + interval '1 hour', NULL FROM latest "
                    "WHERE :until - hour > make_interval(hours => :min_h) AND vessels >= :min_v "
                    "ORDER BY start DESC, station"
                ),
                conn,
                params=bind,
            )

    def station_cells(self, window: Window, stations: list[str]) -> pd.DataFrame:
        """The cells and hours of the window that any of ``stations`` heard, with every
        station that heard each: ``cell_x, cell_y, hour, stations``."""
        bind: dict[str, Any] = window_params(_whole_hours(window)) | {"names": stations}
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT cell_x, cell_y, hour, array_agg(DISTINCT station) AS stations "
                    f"FROM reception_hours WHERE {within('hour')} AND (cell_x, cell_y, hour) IN "
                    "(SELECT cell_x, cell_y, hour FROM reception_hours "
                    f"WHERE station = ANY(:names) AND {within('hour')}) GROUP BY 1, 2, 3"
                ),
                conn,
                params=bind,
            )

    def add_stops(self, stops: pd.DataFrame) -> int:
        """Keep vessel stops (``cell_x, cell_y, mmsi, first_stop, last_stop``): one row per
        vessel and cell, spanning its first and last stop there. Rows inserted or widened."""
        if stops.empty:
            return 0
        columns = ["cell_x", "cell_y", "mmsi", "first_stop", "last_stop"]
        with store_errors("anchorage_stops"), self.engine.begin() as conn:
            stage = stage_frame(conn, "anchorage_stops", stops, columns)
            rows = conn.execute(
                text(
                    "INSERT INTO anchorage_stops SELECT cell_x, cell_y, mmsi, min(first_stop), "
                    f"max(last_stop) FROM {stage} GROUP BY 1, 2, 3 "
                    "ON CONFLICT (cell_x, cell_y, mmsi) DO UPDATE SET "
                    "first_stop = least(anchorage_stops.first_stop, EXCLUDED.first_stop), "
                    "last_stop = greatest(anchorage_stops.last_stop, EXCLUDED.last_stop) "
                    "WHERE EXCLUDED.first_stop < anchorage_stops.first_stop "
                    "OR EXCLUDED.last_stop > anchorage_stops.last_stop"
                )
            ).rowcount
            conn.execute(text(f"DROP TABLE {stage}"))
        return int(rows)

    def refresh_anchorages(self, cell_deg: float, min_vessels: int) -> int:
        """Recompute the anchorages: cells where at least ``min_vessels`` distinct vessels
        have stopped. Their number."""
        bind = {"deg": cell_deg, "n": min_vessels}
        with store_errors("anchorages"), self.engine.begin() as conn:
            conn.execute(text("DELETE FROM anchorages"))
            return int(
                conn.execute(
                    text(
                        "INSERT INTO anchorages (cell_x, cell_y, lon, lat, vessels, last_stop) "
                        "SELECT cell_x, cell_y, (cell_x + 0.5) * :deg, (cell_y + 0.5) * :deg, "
                        "count(*), max(last_stop) FROM anchorage_stops GROUP BY 1, 2 "
                        "HAVING count(*) >= :n"
                    ),
                    bind,
                ).rowcount
            )

    def anchorages(self) -> pd.DataFrame:
        """The learnt anchorages: ``cell_x, cell_y, lon, lat, vessels, last_stop``."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT cell_x, cell_y, lon, lat, vessels, last_stop FROM anchorages "
                    "ORDER BY vessels DESC, cell_x, cell_y"
                ),
                conn,
            )
