"""Position archives (GeoParquet, as `coastwatch db archive` writes them) back into the store.

The file is read in row-group batches (:class:`ParquetArchive`), each turned into the
positions frame of the ingest contract (:class:`ArchiveParse`), and loaded by a
:class:`ArchiveWriter` that keeps each row's original ``source``. Loading a file twice
stores it once. Columns the store gained after the file was written (or lost since) are
left out; a file without ``mmsi``, ``ts`` and a WKB ``geom`` is not an archive and is refused.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import shapely

from ais_ingest import validate
from surveillance.errors import InputError
from surveillance.ingest import REJECT_COLUMNS, IngestStats, Source, quarantine_frame, run
from surveillance.store import Store
from surveillance.store.pgbinary import report_hashes
from surveillance.store.position_load import PositionLoader

__all__ = ["ArchiveParse", "ArchiveRows", "ArchiveWriter", "ParquetArchive", "ingest_archive"]

ROWS_PER_BATCH = 200_000
_REQUIRED = {
    "mmsi": pa.types.is_integer,
    "ts": pa.types.is_timestamp,
    "geom": lambda kind: pa.types.is_binary(kind) or pa.types.is_large_binary(kind),
}
#: Report fields an archive may carry (older or newer files may lack some), NaN when absent.
_FIELDS = ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type")
_POINT_BYTES = 21  # a 2-D WKB point: byte order, type, x, y
_POINT_HEAD = np.array([1, 1, 0, 0, 0], dtype=np.uint8)  # little-endian, type 1 (point)


@dataclass
class ArchiveRows:
    """One batch of an archive: its positions (the ingest contract's frame), rejects, counts."""

    positions: pd.DataFrame
    rejects: pd.DataFrame
    counts: Counter[str] = field(default_factory=Counter)


class ParquetArchive(Source[pa.RecordBatch]):
    """A positions archive, in row-group batches; refused at once if it is not one."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.name
        try:
            self.file = pq.ParquetFile(path)
        except (OSError, pa.ArrowException) as exc:
            raise InputError(f"cannot read {path} as Parquet: {exc}") from None
        schema = self.file.schema_arrow
        wrong = [
            f"{name} ({'missing' if name not in schema.names else schema.field(name).type})"
            for name, fits in _REQUIRED.items()
            if name not in schema.names or not fits(schema.field(name).type)
        ]
        if wrong:
            raise InputError(
                f"{path} is not a Coastwatch positions archive: it needs an integer mmsi, a "
                f"timestamp ts and a WKB geom; wrong or missing: {', '.join(wrong)}",
                hint="`coastwatch db archive` writes such files",
            )
        known = {"station", "report_hash", "source", *_FIELDS, *_REQUIRED}
        self.columns = [name for name in schema.names if name in known]

    def read(self) -> Iterator[pa.RecordBatch]:
        yield from self.file.iter_batches(batch_size=ROWS_PER_BATCH, columns=self.columns)


def _points(wkb: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes and latitudes of WKB points: read from the bytes at once when all are
    2-D little-endian points (what the archive writes), else through shapely."""
    if isinstance(wkb, pa.ChunkedArray):
        wkb = wkb.combine_chunks()
    if not pa.types.is_binary(wkb.type):  # large_binary: offsets of another width
        points = shapely.from_wkb(wkb.to_numpy(zero_copy_only=False), on_invalid="ignore")
        return shapely.get_x(points), shapely.get_y(points)
    offsets = np.frombuffer(wkb.buffers()[1], np.int32)[wkb.offset : wkb.offset + len(wkb) + 1]
    if len(wkb) and not wkb.null_count and (np.diff(offsets) == _POINT_BYTES).all():
        raw = np.frombuffer(wkb.buffers()[2], np.uint8)[offsets[0] : offsets[-1]]
        rows = raw.reshape(len(wkb), _POINT_BYTES)
        if (rows[:, :5] == _POINT_HEAD).all():
            xy = np.ascontiguousarray(rows[:, 5:]).view("<f8")
            return xy[:, 0].copy(), xy[:, 1].copy()
    return _points(wkb.cast(pa.large_binary()))


def _positions(batch: pa.RecordBatch) -> pd.DataFrame:
    names = batch.schema.names
    ts = batch.column("ts").cast(pa.timestamp("us", tz="UTC")).cast(pa.int64())
    lon, lat = _points(batch.column("geom"))
    frame = pd.DataFrame(
        {
            "mmsi": batch.column("mmsi").to_numpy(zero_copy_only=False),
            "ts": ts.to_numpy(zero_copy_only=False) / 1e6,
            "lon": lon,
            "lat": lat,
        }
    )
    for name in _FIELDS:
        given = batch.column(name).to_pandas() if name in names else np.nan
        frame[name] = pd.to_numeric(given, errors="coerce")
    frame["source"] = batch.column("source").to_pandas() if "source" in names else None
    frame["station"] = batch.column("station").to_pandas() if "station" in names else None
    if "report_hash" in names:
        frame["key_hash"] = batch.column("report_hash").to_numpy(zero_copy_only=False)
    else:  # a file from before the store kept one: hashed as a CSV row is
        frame["key_hash"] = report_hashes(frame)
    return frame


@dataclass(frozen=True)
class ArchiveParse:
    """The parse step of an archive: batches -> positions; rows the store could not hold
    (no MMSI, time or point, out of range) are rejects with their reason."""

    now_s: float

    def __call__(self, batches: Iterable[pa.RecordBatch]) -> Iterator[ArchiveRows]:
        for batch in batches:
            frame = _positions(batch)
            mmsi = frame["mmsi"].fillna(-1).to_numpy(dtype=np.int64)
            lon, lat = frame["lon"].to_numpy(np.float64), frame["lat"].to_numpy(np.float64)
            reasons = validate.mmsi_flags(mmsi)[1]
            where = validate.position_reasons(lon, lat)
            reasons = np.where(pd.notna(where), where, reasons)
            when = validate.time_reasons(frame["ts"].to_numpy(np.float64), self.now_s)
            reasons = np.where(pd.notna(when), when, reasons)
            bad = pd.notna(reasons)
            rejects = pd.DataFrame(
                {
                    "reason": reasons[bad],
                    "raw": frame[bad]
                    .drop(columns="key_hash")
                    .to_json(orient="records", lines=True)
                    .splitlines()
                    if bad.any()
                    else [],
                    "ts": frame["ts"][bad],
                    "detail": "",
                },
                columns=REJECT_COLUMNS,
            )
            yield ArchiveRows(
                frame[~bad].assign(mmsi=mmsi[~bad]), rejects, Counter(archive_rows=batch.num_rows)
            )


class ArchiveWriter:
    """Loads archive batches with one position loader per original ``source``."""

    def __init__(self, store: Store, name: str) -> None:
        self.store = store
        self.name = name
        self.loaders: dict[str, PositionLoader] = {}
        self.vessels: set[int] = set()

    def load(self, batch: ArchiveRows) -> None:
        positions = batch.positions
        sources = positions["source"].fillna("")
        for source, part in positions.groupby(sources, sort=False):
            loader = self.loaders.get(str(source))
            if loader is None:
                loader = self.loaders[str(source)] = self.store.position_loader(str(source))
            loader.add(part)
        self.vessels.update(np.unique(positions["mmsi"].to_numpy(np.int64)).tolist())
        if not batch.rejects.empty:
            received_s = datetime.now(UTC).timestamp()
            self.store.quarantine(quarantine_frame(self.name, batch.rejects, received_s))

    def finish(self, stats: IngestStats) -> None:
        for loader in self.loaders.values():
            loaded = loader.finish()
            stats.positions += loaded.new_rows
            stats.partitions_built += loaded.partitions_built
        stats.messages += stats.counts["archive_rows"]
        stats.vessel_ids |= self.vessels


def ingest_archive(path: Path, store: Store, now_s: float) -> IngestStats:
    """Load one positions archive into the store."""
    return run(ParquetArchive(path), ArchiveParse(now_s), ArchiveWriter(store, path.name))
