"""Writing decoded batches to the store: positions in bulk, the rest merged, rejects kept."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import geopandas as gpd
import numpy as np
import pandas as pd

from ais_ingest.decode import Decoded
from surveillance.store import Store

if TYPE_CHECKING:
    from ais_ingest.pipeline import IngestStats

__all__ = ["BatchWriter"]

_FLUSH_ROWS = 20_000


def _times(seconds: pd.Series) -> pd.Series:
    return pd.to_datetime(seconds, unit="s", utc=True)


class BatchWriter:
    """Takes :class:`Decoded` batches of one source; ``finish`` makes all of it stored."""

    def __init__(self, store: Store, source: str, *, bulk: bool) -> None:
        self.store = store
        self.source = source
        self.loader = store.position_loader(source, bulk=bulk)
        self.counts: Counter[str] = Counter()
        self.rejected: Counter[str] = Counter()
        self._mmsi: set[int] = set()
        self._identities: list[pd.DataFrame] = []
        self._stations: list[pd.DataFrame] = []
        self._rejects: list[pd.DataFrame] = []
        self._pending = 0

    def add(self, decoded: Decoded) -> None:
        self.counts.update(decoded.counts)
        self.rejected.update(Counter(str(reason) for reason in decoded.rejects["reason"]))
        if decoded.encoded is not None:
            self.loader.add_encoded(decoded.encoded)
        else:
            self.loader.add(decoded.positions)
        self._mmsi.update(np.unique(decoded.positions["mmsi"].to_numpy(dtype=np.int64)).tolist())
        self._mmsi.update(int(m) for m in decoded.identities["mmsi"])
        for bucket, frame in ((self._identities, decoded.identities),
                              (self._stations, decoded.stations),
                              (self._rejects, decoded.rejects)):  # fmt: skip
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
                "ais_stations", frame, key=("mmsi",),
                update=("kind", "name", "aid_type", "flag", "geom", "last_seen"),
            )  # fmt: skip
        if self._rejects:
            rejects = pd.concat(self._rejects, ignore_index=True)
            now_s = datetime.now(UTC).timestamp()
            received = _times(rejects["ts"].astype(float).fillna(now_s))
            self.store.quarantine(
                pd.DataFrame(
                    {
                        "source": self.source,
                        "reason": rejects["reason"],
                        "raw": [
                            r.decode("utf-8", "replace") if isinstance(r, bytes) else str(r)
                            for r in rejects["raw"]
                        ],  # fmt: skip
                        "received_at": received,
                        "detail": rejects["detail"].replace("", None),
                    }
                )
            )
        self._identities, self._stations, self._rejects, self._pending = [], [], [], 0

    def finish(self, stats: IngestStats) -> None:
        """Flush everything and add this source's figures to ``stats``."""
        self.flush()
        loaded = self.loader.finish()
        stats.positions += loaded.new_rows
        stats.partitions_built += loaded.partitions_built
        stats.counts.update(self.counts)
        stats.rejected.update(self.rejected)
        decoded = sum(n for key, n in self.counts.items() if key.startswith("type_"))
        unread = ("bad_checksum", "malformed_sentence", "undecodable", "lost_fragment",
                  "malformed_row")  # fmt: skip
        stats.messages += decoded + sum(self.rejected[r] for r in unread)
        stats.vessel_ids |= self._mmsi
