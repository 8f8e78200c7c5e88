"""The file ingest pipeline: read -> decode (in parallel) -> validate -> load.

Files are cut into chunks of whole lines; worker processes frame, decode and validate
them while the main process streams the results into the store. Multi-sentence messages
split across chunk edges are paired up at the end; what stays unpaired is a lost fragment.
"""

from __future__ import annotations

import gzip
import logging
import multiprocessing
import os
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pandas as pd

from ais_ingest.assemble import Reassembler
from ais_ingest.csvformats import detect_format, read_csv
from ais_ingest.decode import Decoded, decode_chunk, decode_groups
from ais_ingest.writer import BatchWriter
from surveillance.errors import InputError
from surveillance.position_load import encode_by_day
from surveillance.store import Store

__all__ = ["IngestStats", "ingest_files", "read_chunks", "open_input", "CHUNK_BYTES"]

log = logging.getLogger(__name__)

CHUNK_BYTES = 4 << 20
Progress = Callable[[int, int], None]  # bytes done, bytes in all


@dataclass
class IngestStats:
    """The summary of an ingest run."""

    messages: int = 0
    positions: int = 0
    vessels: int = 0
    rejected: Counter[str] = field(default_factory=Counter)
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    partitions_built: list[str] = field(default_factory=list)

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
    """(size read so far, chunk of whole lines) for a plain or gzipped file."""
    carry = b""
    done = 0
    with open_input(path) as stream:
        while True:
            block = stream.read(chunk_bytes)
            done += len(block)
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
        yield done, carry + b"\n"


def _work(args: tuple[bytes, float, int, float | None, str]) -> Decoded:
    """One chunk, in a worker: decoded, validated, and its positions put in COPY form."""
    buf, now_s, order_base, assume_ts, source = args
    decoded = decode_chunk(buf, now_s, order_base, assume_ts)
    decoded.encoded = encode_by_day(decoded.positions, source)
    decoded.positions = decoded.positions[["mmsi"]]
    return decoded


def _pool(workers: int) -> multiprocessing.pool.Pool | None:
    if workers <= 1:
        return None
    return multiprocessing.get_context("fork").Pool(workers)


def ingest_files(
    paths: list[Path],
    store: Store,
    *,
    assume_ts: float | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
    now_s: float | None = None,
) -> IngestStats:
    """Ingest NMEA files (plain or gzipped) into the store; returns the summary."""
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
            if fmt != "nmea":
                log.info("%s: %s CSV export", path, fmt)
                for decoded in read_csv(path, fmt, now_s):
                    writer.add(decoded)
                writer.finish(stats)
                done_before += path.stat().st_size
                if progress:
                    progress(done_before, total)
                continue
            jobs = (
                (chunk, now_s, index << 32, assume_ts, path.name)
                for index, (_, chunk) in enumerate(read_chunks(path, CHUNK_BYTES))
            )
            results = pool.imap(_work, jobs) if pool else map(_work, jobs)
            loose = []
            done = 0
            previous: set[tuple[int, int]] = set()
            for decoded in results:
                edges = decoded.edge_keys()
                # the same report at both sides of a chunk edge: keep one
                writer.loader.drop_extra_copies(previous & edges)
                previous = edges
                writer.add(decoded)
                loose.extend(decoded.loose)
                done += decoded.counts["bytes"]
                if progress:
                    progress(done_before + done, total)
            _pair_loose(loose, writer, now_s)
            writer.finish(stats)
            done_before += path.stat().st_size
    finally:
        if pool:
            pool.close()
            pool.join()
    stats.seconds = time.perf_counter() - started
    return stats


def _pair_loose(loose: list, writer: BatchWriter, now_s: float) -> None:
    """Pair the fragments left at chunk edges; the rest are lost fragments."""
    if not loose:
        return
    reassembler = Reassembler()
    groups = list(reassembler.feed(sorted(loose, key=lambda f: f.order)))
    decoded = decode_groups(groups, now_s)
    lost = reassembler.drain()
    if lost:
        decoded.rejects = pd.concat(
            [decoded.rejects,
             pd.DataFrame({"reason": "lost_fragment", "raw": [f.raw for f in lost],
                           "ts": [f.ts for f in lost], "detail": ""})],
            ignore_index=True,
        )  # fmt: skip
    writer.add(decoded)
