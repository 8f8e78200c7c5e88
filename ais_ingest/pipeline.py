"""The file ingest pipeline: read -> decode (in parallel) -> validate -> load.

Files are cut into chunks of whole lines; worker processes frame, decode and validate
them while the main process streams the results into the store. Multi-sentence messages
split across chunk edges are paired up at the end; what stays unpaired is a lost fragment.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import multiprocessing.pool
import os
import signal
import time
from collections import Counter, deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ais_ingest.assemble import Fragment, Reassembler
from ais_ingest.csvformats import detect_format, read_csv
from ais_ingest.decode import (
    DEDUP_WINDOW_S,
    Decoded,
    decode_chunk,
    decode_groups,
    lost_fragments,
)
from ais_ingest.writer import BatchWriter
from surveillance.errors import InputError
from surveillance.store import Store
from surveillance.store.position_load import encode_by_day

__all__ = ["IngestStats", "ingest_files", "read_chunks", "open_input", "CHUNK_BYTES"]

log = logging.getLogger(__name__)

CHUNK_BYTES = 4 << 20
Progress = Callable[[int, int], None]  # bytes done, bytes in all


@dataclass
class IngestStats:
    """The summary of an ingest run."""

    messages: int = 0
    positions: int = 0
    vessel_ids: set[int] = field(default_factory=set)
    rejected: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    partitions_built: list[str] = field(default_factory=list)

    @property
    def vessels(self) -> int:
        return len(self.vessel_ids)

    @property
    def rate(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0


def open_input(path: Path) -> BinaryIO:
    """A file for reading bytes, gunzipped on the fly when it is gzipped."""
    try:
        with open(path, "rb") as probe:
            gzipped = probe.read(2) == b"\x1f\x8b"
        return gzip.open(path, "rb") if gzipped else open(path, "rb")  # type: ignore[return-value]
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror}") from None


def read_chunks(path: Path, chunk_bytes: int = CHUNK_BYTES) -> Iterator[tuple[int, bytes]]:
    """(bytes of the file read so far, chunk of whole lines), plain or gzipped."""
    carry = b""
    with open_input(path) as stream:
        raw = getattr(stream, "fileobj", stream)  # the compressed file under a gzip stream
        while True:
            block = stream.read(chunk_bytes)
            done = raw.tell()
            if not block:
                break
            data = carry + block
            cut = data.rfind(b"\n") + 1
            if cut == 0:
                carry = data
                continue
            carry = data[cut:]
            yield done, data[:cut]
    if carry:
        yield raw.tell(), carry + b"\n"


Job = tuple[int, tuple[bytes, float, int, float | None, str]]


def _work(args: tuple[bytes, float, int, float | None, str]) -> Decoded:
    """One chunk, in a worker: decoded, validated, and its positions put in COPY form."""
    buf, now_s, order_base, assume_ts, source = args
    decoded = decode_chunk(buf, now_s, order_base, assume_ts)
    decoded.encoded = encode_by_day(decoded.positions, source)
    decoded.positions = decoded.positions[["mmsi"]]
    return decoded


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _pool(workers: int) -> multiprocessing.pool.Pool | None:
    if workers <= 1:
        return None
    return multiprocessing.get_context("fork").Pool(workers, initializer=_quiet_worker)


def _in_order(
    pool: multiprocessing.pool.Pool | None, jobs: Iterator[Job], in_flight: int
) -> Iterator[tuple[int, Decoded]]:
    """(file offset, result) of each job, in order, with at most ``in_flight`` pending."""
    if pool is None:
        for offset, job in jobs:
            yield offset, _work(job)
        return
    pending: deque[tuple[int, multiprocessing.pool.AsyncResult[Decoded]]] = deque()
    for offset, job in jobs:
        pending.append((offset, pool.apply_async(_work, (job,))))
        if len(pending) >= in_flight:
            done_at, result = pending.popleft()
            yield done_at, result.get()
    while pending:
        done_at, result = pending.popleft()
        yield done_at, result.get()


def _copies_across(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Reports of ``current`` that repeat one of ``previous`` (same payload within the
    dedup window): the same report heard by another receiver across a chunk edge."""
    pairs = current.merge(previous, on="key_hash", suffixes=("", "_first"))
    return pairs[(pairs["ts"] - pairs["ts_first"]).abs() < DEDUP_WINDOW_S]


def ingest_files(
    paths: list[Path],
    store: Store,
    *,
    assume_ts: float | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    now_s: float | None = None,
) -> IngestStats:
    """Ingest NMEA files (plain or gzipped) and CSV exports into the store."""
    for path in paths:
        if not path.is_file():
            raise InputError(f"no such file: {path}")
    started = time.perf_counter()
    now_s = time.time() if now_s is None else now_s
    total = sum(path.stat().st_size for path in paths)
    workers = workers or os.cpu_count() or 1
    stats = IngestStats()
    done_before = 0
    pool = _pool(workers)
    try:
        for path in paths:
            writer = BatchWriter(store, source=path.name, bulk=True)
            fmt = detect_format(path)
            if fmt == "nmea":
                jobs = (
                    (offset, (chunk, now_s, index << 32, assume_ts, path.name))
                    for index, (offset, chunk) in enumerate(read_chunks(path, CHUNK_BYTES))
                )
                loose: list[Fragment] = []
                previous = pd.DataFrame(columns=["key_hash", "ts", "mmsi"])
                for offset, decoded in _in_order(pool, jobs, in_flight=2 * workers):
                    edges = decoded.edges if decoded.edges is not None else previous.iloc[:0]
                    copies = _copies_across(previous, edges)
                    writer.loader.drop_copies(copies[["mmsi", "ts", "ts_first"]])
                    writer.counts["duplicates"] += len(copies)
                    previous = edges
                    writer.add(decoded)
                    loose.extend(decoded.loose)
                    if progress:
                        progress(done_before + offset, total)
                _pair_loose(loose, writer, now_s)
            else:
                log.info("%s: %s CSV export", path, fmt)
                for decoded in read_csv(path, fmt, now_s):
                    writer.add(decoded)
            writer.finish(stats)
            done_before += path.stat().st_size
            if progress:
                progress(done_before, total)
    except BaseException:
        if pool:
            pool.terminate()
        raise
    else:
        if pool:
            pool.close()
    finally:
        if pool:
            pool.join()
    stats.seconds = time.perf_counter() - started
    return stats


def _pair_loose(loose: list[Fragment], writer: BatchWriter, now_s: float) -> None:
    """Pair the fragments left at chunk edges; the rest are lost fragments."""
    if not loose:
        return
    reassembler = Reassembler()
    groups = list(reassembler.feed(sorted(loose, key=lambda f: f.order)))
    decoded = decode_groups(groups, now_s)
    lost = reassembler.drain()
    if lost:
        decoded.rejects = pd.concat([decoded.rejects, lost_fragments(lost)], ignore_index=True)
    writer.add(decoded)
