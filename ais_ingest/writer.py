"""Writing decoded batches to the store: positions in bulk, the rest merged, rejects kept."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from ais_ingest.records import Decoded
from surveillance.ingest import IngestStats, quarantine_frame
from surveillance.store import Store

__all__ = ["BatchWriter", "UNREAD_REASONS"]

_FLUSH_ROWS = 20_000
#: Rejects of records that were never read as a message: they count as messages too.
UNREAD_REASONS = (
    "bad_checksum",
    "malformed_sentence",
    "undecodable",
    "lost_fragment",
    "malformed_row",
)


def _times(seconds: pd.Series) -> pd.Series:
    return pd.to_datetime(seconds, unit="s", utc=True)


class BatchWriter:
    """The writer of one AIS source: takes :class:`Decoded` batches (``load``); ``finish``
    makes all of it stored. ``counts`` holds what the writer itself decided (duplicates)."""

    def __init__(self, store: Store, source: str, *, bulk: bool) -> None:
        self.store = store
        self.source = source
        self.loader = store.position_loader(source, bulk=bulk)
        self.counts: Counter[str] = Counter()
        self._mmsi: set[int] = set()
        self._identities: list[pd.DataFrame] = []
        self._stations: list[pd.DataFrame] = []
        self._rejects: list[pd.DataFrame] = []
        self._pending = 0

    def load(self, decoded: Decoded) -> None:
        """Load a batch's positions; keep its other records for the next flush."""
        if decoded.copies is not None:
            self.loader.drop_copies(decoded.copies)
        if decoded.encoded is not None:
            self.loader.add_encoded(decoded.encoded)
        else:
            self.loader.add(decoded.positions)
        self._mmsi.update(np.unique(decoded.positions["mmsi"].to_numpy(dtype=np.int64)).tolist())
        self._mmsi.update(int(m) for m in decoded.identities["mmsi"])
        for bucket, frame in (
            (self._identities, decoded.identities),
            (self._stations, decoded.stations),
            (self._rejects, decoded.rejects),
        ):
            if not frame.empty:
                bucket.append(frame)
                self._pending += len(frame)
        if self._pending >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Store the identities, stations and rejects gathered so far."""
        if self._identities:
            identities = pd.concat(self._identities, ignore_index=True)
            self.store.write_identities(identities.assign(ts=_times(identities["ts"])))
        if self._stations:
            stations = pd.concat(self._stations, ignore_index=True)
            stations = stations.sort_values("ts").drop_duplicates("mmsi", keep="last")
            frame = gpd.GeoDataFrame(
                stations.drop(columns=["lon", "lat", "ts"]).assign(
                    last_seen=_times(stations["ts"]), flag=stations["flag"].replace("", None)
                ),
                geometry=gpd.points_from_xy(stations["lon"], stations["lat"]),
                crs=4326,
            )
            self.store.write_geometries(
                "ais_stations",
                frame,
                key=("mmsi",),
                update=("kind", "name", "aid_type", "flag", "geom", "last_seen"),
            )
        if self._rejects:
            rejects = pd.concat(self._rejects, ignore_index=True)
            now_s = datetime.now(UTC).timestamp()
            self.store.quarantine(quarantine_frame(self.source, rejects, now_s))
        self._identities, self._stations, self._rejects, self._pending = [], [], [], 0

    def finish(self, stats: IngestStats) -> None:
        """Flush everything and add what was stored to ``stats`` (the run's): positions,
        vessels, partitions, duplicates dropped here, and the messages the run read."""
        self.flush()
        loaded = self.loader.finish()
        stats.positions += loaded.new_rows
        stats.partitions_built += loaded.partitions_built
        stats.counts.update(self.counts)
        decoded = sum(n for key, n in stats.counts.items() if key.startswith("type_"))
        stats.messages += decoded + sum(stats.rejected[r] for r in UNREAD_REASONS)
        stats.vessel_ids |= self._mmsi
