"""Writing decoded batches to the store: positions in bulk, the rest merged, rejects kept.

A batch the store refuses for what it holds (:class:`~surveillance.errors.DataRefused`)
never costs the file: it is written in halves, down to the rows the store refuses, and
those are quarantined as ``store_refused`` with the store's message; the rest is stored.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime

import geopandas as gpd
import numpy as np
import pandas as pd

from ais_ingest.records import Decoded
from surveillance.errors import DataRefused
from surveillance.ingest import REJECT_COLUMNS, IngestStats, quarantine_frame
from surveillance.store import Store
from surveillance.store.vessels import identity_changes

__all__ = ["BatchWriter", "UNREAD_REASONS"]

log = logging.getLogger(__name__)

_FLUSH_ROWS = 20_000
#: Rejects of records that were never read as a message: they count as messages too.
UNREAD_REASONS = (
    "bad_checksum",
    "malformed_sentence",
    "undecodable",
    "lost_fragment",
    "malformed_row",
)


REFUSED = "store_refused"


def _times(seconds: pd.Series) -> pd.Series:
    return pd.to_datetime(seconds, unit="s", utc=True)


def write_splitting(
    write: Callable[[pd.DataFrame], object], frame: pd.DataFrame
) -> list[tuple[pd.DataFrame, str]]:
    """``write(frame)``; when the store refuses it for its data, each half in turn, down
    to the single rows it refuses: those come back, each with the store's message."""
    try:
        write(frame)
    except DataRefused as exc:
        if len(frame) == 1:
            return [(frame, str(exc))]
        half = len(frame) // 2
        return write_splitting(write, frame.iloc[:half]) + write_splitting(write, frame.iloc[half:])
    return []


def _as_text(row: pd.DataFrame, table: str) -> str:
    """A refused record as quarantine text: its table and its fields (the decoded record
    is all there is left of its line by now)."""
    fields = row.iloc[0].drop(labels=["ts"], errors="ignore")
    return f"{table}: " + ", ".join(f"{k}={v}" for k, v in fields.items() if pd.notna(v))


def _refused_rejects(refused: list[tuple[pd.DataFrame, str]], table: str) -> pd.DataFrame:
    """Rejects (:data:`REJECT_COLUMNS`) for the rows of ``table`` the store refused."""
    return pd.DataFrame(
        {
            "reason": REFUSED,
            "raw": [_as_text(row, table) for row, _ in refused],
            "ts": [float(row["ts"].iloc[0]) for row, _ in refused],
            "detail": [message for _, message in refused],
        },
        columns=REJECT_COLUMNS,
    )


class BatchWriter:
    """The writer of one AIS source: takes :class:`Decoded` batches (``load``); ``finish``
    makes all of it stored. ``counts`` and ``rejected`` hold what the writer itself decided
    (duplicates; records the store refused)."""

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
        self.rejected: Counter[str] = Counter()  # records the store refused

    def load(self, decoded: Decoded) -> None:
        """Load a batch's positions; keep its other records for the next flush."""
        if decoded.copies is not None:
            self.loader.drop_copies(decoded.copies)
        if decoded.encoded is not None:
            self.loader.add_encoded(decoded.encoded)
        else:
            self.loader.add(decoded.positions)
        self._mmsi.update(np.unique(decoded.positions["mmsi"].to_numpy(dtype=np.int64)).tolist())
        self._mmsi.update(np.unique(decoded.identities["mmsi"].to_numpy(dtype=np.int64)).tolist())
        identities = decoded.identities
        if not identities.empty:  # statics repeat every few minutes: keep their changes
            identities = identity_changes(identities, time_column="ts", keep_run_ends=True)
        for bucket, frame in (
            (self._identities, identities),
            (self._stations, decoded.stations),
            (self._rejects, decoded.rejects),
        ):
            if not frame.empty:
                bucket.append(frame)
                self._pending += len(frame)
        if self._pending >= _FLUSH_ROWS:
            self.flush()

    def flush(self) -> None:
        """Store the identities, stations and rejects gathered so far; rows the store
        refuses become rejects (see the module)."""
        if self._identities:
            identities = pd.concat(self._identities, ignore_index=True)
            identities = identities.sort_values("ts", kind="stable")  # halves in time order
            refused = write_splitting(self._write_identities, identities)
            self._refused(_refused_rejects(refused, "vessel_identities"))
        if self._stations:
            stations = pd.concat(self._stations, ignore_index=True)
            stations = stations.sort_values("ts").drop_duplicates("mmsi", keep="last")
            refused = write_splitting(self._write_stations, stations)
            self._refused(_refused_rejects(refused, "ais_stations"))
        if self._rejects:
            rejects = pd.concat(self._rejects, ignore_index=True)
            now_s = datetime.now(UTC).timestamp()
            rows = quarantine_frame(self.source, rejects, now_s)
            for row, message in write_splitting(self.store.quarantine, rows):
                self._quarantine_escaped(row, message)
        self._identities, self._stations, self._rejects, self._pending = [], [], [], 0

    def _write_identities(self, identities: pd.DataFrame) -> None:
        self.store.write_identities(identities.assign(ts=_times(identities["ts"])))

    def _write_stations(self, stations: pd.DataFrame) -> None:
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

    def _refused(self, rejects: pd.DataFrame) -> None:
        """Quarantine (at this flush) the records the store refused, and count them."""
        if not rejects.empty:
            self._rejects.append(rejects)
            self.rejected[REFUSED] += len(rejects)

    def _quarantine_escaped(self, row: pd.DataFrame, message: str) -> None:
        """A reject the quarantine itself refused (text PostgreSQL cannot hold, such as
        NUL bytes): kept with its raw text escaped, or logged when even that is refused."""
        raw = str(row["raw"].iloc[0]).encode("unicode_escape").decode("ascii")
        try:
            self.store.quarantine(row.assign(raw=raw, detail=message))
        except DataRefused as exc:
            log.error("%s: a %s reject could not be kept: %s", self.source, row["reason"], exc)
            self.counts["rejects_lost"] += 1

    def finish(self, stats: IngestStats) -> None:
        """Flush everything and add what was stored to ``stats`` (the run's): positions,
        vessels, partitions, duplicates dropped here, and the messages the run read."""
        self.flush()
        loaded = self.loader.finish()
        stats.positions += loaded.new_rows
        stats.partitions_built += loaded.partitions_built
        stats.counts.update(self.counts)
        stats.rejected.update(self.rejected)
        decoded = sum(n for key, n in stats.counts.items() if key.startswith("type_"))
        stats.messages += decoded + sum(stats.rejected[r] for r in UNREAD_REASONS)
        stats.vessel_ids |= self._mmsi
