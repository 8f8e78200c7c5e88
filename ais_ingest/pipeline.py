"""AIS files into the store, each through the one ingest contract.

An NMEA file is read in chunks (:class:`~ais_ingest.files.NmeaFile`) and decoded in worker
processes (:class:`~ais_ingest.chunks.NmeaChunks`, one pool for all the files); a CSV
export is read in blocks (:class:`~ais_ingest.csvfile.CsvFile`) and parsed by its format
(:class:`~ais_ingest.csvformats.CsvParse`). Both are loaded by a
:class:`~ais_ingest.writer.BatchWriter` through :func:`surveillance.ingest.run`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from pathlib import Path

from ais_ingest.chunks import DecodePool, NmeaChunks, chunk_bytes
from ais_ingest.csvfile import CsvFile
from ais_ingest.csvformats import CsvParse
from ais_ingest.files import NmeaFile, detect_format
from ais_ingest.parquet import ingest_archive
from ais_ingest.records import Decoded
from ais_ingest.writer import BatchWriter
from surveillance.errors import InputError
from surveillance.ingest import IngestStats, run
from surveillance.store import Store

__all__ = ["ingest_files", "Progress"]

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # bytes done, bytes in all (of the files as stored)


def ingest_files(
    paths: list[Path],
    store: Store,
    *,
    assume_ts: float | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    now_s: float | None = None,
) -> IngestStats:
    """Ingest NMEA files (plain or gzipped), CSV exports and position archives (Parquet)."""
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    started = time.perf_counter()
    now_s = time.time() if now_s is None else now_s
    total = sum(path.stat().st_size for path in paths)
    stats = IngestStats()
    done_before = 0

    def report(batch: Decoded) -> None:
        if progress:
            progress(done_before + batch.file_bytes, total)

    with DecodePool(workers or os.cpu_count() or 1) as pool:
        for path in paths:
            writer = BatchWriter(store, source=path.name, bulk=True)
            fmt = detect_format(path)
            if fmt == "parquet":
                stats.add(ingest_archive(path, store, now_s))
            elif fmt == "nmea":
                parse = NmeaChunks(pool, path.name, now_s, assume_ts)
                source = NmeaFile(path, chunk_bytes(path.stat().st_size, pool.workers))
                stats.add(run(source, parse, writer, progress=report))
            else:
                log.info("%s: %s CSV export", path, fmt)
                stats.add(run(CsvFile(path), CsvParse(fmt, now_s), writer))
            done_before += path.stat().st_size
            if progress:
                progress(done_before, total)
    stats.seconds = time.perf_counter() - started
    return stats
