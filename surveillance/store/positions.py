"""The ``ais_positions`` family as Store offers it: one loader per ingest run
(:mod:`position_load`), reads as GeoDataFrames and as numpy arrays (:mod:`position_read`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.geoframes import read_geoframe
from surveillance.store.position_load import PositionLoader
from surveillance.store.position_read import (
    PositionArrays,
    estimate_rows,
    read_latest_positions,
    read_position_arrays,
    read_station_hours,
    read_vessels_heard,
)
from surveillance.store.window import BBox, Window, aware

__all__ = ["PositionTables"]


class PositionTables:
    """Loading and reading position reports."""

    engine: Engine

    def position_loader(self, source: str, *, bulk: bool = True) -> PositionLoader:
        """A loader for the positions of one ingest run (see :mod:`position_load`)."""
        return PositionLoader(self.engine, source, bulk=bulk)

    def positions(
        self, window: Window | None = None, bbox: BBox | None = None, mmsi: Sequence[int] = ()
    ) -> gpd.GeoDataFrame:
        """Position reports in the window and box, ordered by vessel and time (and hash:
        one MMSI may send distinct reports in one second), each with its ``station``."""
        return read_geoframe(
            self.engine,
            "ais_positions",
            time_column="ts",
            window=window,
            bbox=bbox,
            where="mmsi = ANY(:mmsi)" if mmsi else "",
            params={"mmsi": list(mmsi)},
            order="mmsi, ts, report_hash",
        )

    def latest_position_time(self) -> datetime | None:
        """When the newest position in the store was reported."""
        with self.engine.connect() as conn:
            latest: datetime | None = conn.execute(
                text("SELECT max(ts) FROM ais_positions")
            ).scalar()
            return latest

    def position_arrays(
        self,
        window: Window,
        bbox: BBox | None = None,
        sample_pct: float | None = None,
        mmsi: Sequence[int] = (),
    ) -> PositionArrays:
        """Positions in the window as numpy arrays, sorted by (mmsi, t): the rules' read.
        ``sample_pct`` keeps a steady random share of them (tracks drawn on a map); ``mmsi``
        only those vessels."""
        since, until = aware(window)
        return read_position_arrays(
            self.engine, since, until, bbox, sample_pct=sample_pct, mmsi=mmsi
        )

    def vessels_heard(self, window: Window, bbox: BBox) -> np.ndarray:
        """The MMSIs with a position in the window and the box (a tile's halo: its task
        then reads their whole tracks)."""
        since, until = aware(window)
        return read_vessels_heard(self.engine, since, until, bbox)

    def count_positions_roughly(self, window: Window, bbox: BBox | None = None) -> int:
        """The planner's estimate of how many positions the window holds (instant)."""
        since, until = aware(window)
        return estimate_rows(self.engine, since, until, bbox)

    def latest_positions(self, window: Window, bbox: BBox | None = None) -> PositionArrays:
        """Each vessel's newest position in the window (and the box)."""
        since, until = aware(window)
        return read_latest_positions(self.engine, since, until, bbox)

    def station_hours(
        self, window: Window, cell_deg: float = 0.1, bbox: BBox | None = None
    ) -> pd.DataFrame:
        """Messages and vessels heard per station, hour and grid cell (see
        :func:`position_read.read_station_hours`)."""
        since, until = aware(window)
        return read_station_hours(self.engine, since, until, cell_deg, bbox)
