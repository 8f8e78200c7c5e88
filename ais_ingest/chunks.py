"""The parse step of NMEA files: chunks decoded in worker processes, edges joined up.

Worker processes frame, decode and validate each chunk and put its positions in COPY form
already; the results come back in file order, a bounded number in flight. A report heard by
two receivers on either side of a chunk edge is found from the chunks' edges; the fragments
of a multi-sentence message split across an edge are paired up at the end of the file, and
what stays unpaired is a lost fragment.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.pool
import signal
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from types import TracebackType

import pandas as pd

from ais_ingest import files
from ais_ingest.assemble import Fragment, Reassembler
from ais_ingest.decode import AssumedTime, decode_chunk, decode_groups, lost_fragments
from ais_ingest.files import Chunk
from ais_ingest.records import DEDUP_WINDOW_S, Decoded
from surveillance.store.position_load import encode_by_day

__all__ = ["DecodePool", "NmeaChunks", "chunk_bytes"]

_SMALLEST_CHUNK_BYTES = 256 << 10

_Job = tuple[bytes, float, int, AssumedTime | None, str]  # chunk, now, order base, assumed, source
ASSUMED_LINE_STEP_S = 0.001  # lines without a time, given one: 1 ms apart in file order


def _work(args: _Job) -> Decoded:
    """One chunk, in a worker: decoded, validated, and its positions put in COPY form."""
    buf, now_s, order_base, assume, source = args
    decoded = decode_chunk(buf, now_s, order_base, assume)
    decoded.encoded = encode_by_day(decoded.positions, source)
    decoded.positions = decoded.positions[["mmsi"]]
    return decoded


def chunk_bytes(file_bytes: int, workers: int) -> int:
    """Chunks small enough that a small file keeps every worker busy (four chunks each),
    at most :data:`~ais_ingest.files.CHUNK_BYTES`."""
    share = file_bytes // (4 * max(workers, 1))
    return min(files.CHUNK_BYTES, max(_SMALLEST_CHUNK_BYTES, share))


def _quiet_worker() -> None:
    """Workers leave Ctrl-C to the main process, which stops them."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class DecodePool:
    """Decoding processes (none for one worker), for as long as the ``with`` block lasts:
    closed when it ends well, terminated on an error or Ctrl-C."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: multiprocessing.pool.Pool | None = None

    def __enter__(self) -> DecodePool:
        if self.workers > 1:
            context = multiprocessing.get_context("fork")
            self._pool = context.Pool(self.workers, initializer=_quiet_worker)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._pool is None:
            return
        if exc_type is None:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None

    def in_order(self, jobs: Iterable[tuple[int, _Job]]) -> Iterator[Decoded]:
        """The result of each (file bytes, job), in order, at most two a worker pending."""
        if self._pool is None:
            for file_bytes, job in jobs:
                yield _placed(_work(job), file_bytes)
            return
        pending: deque[tuple[int, multiprocessing.pool.AsyncResult[Decoded]]] = deque()
        for file_bytes, job in jobs:
            pending.append((file_bytes, self._pool.apply_async(_work, (job,))))
            if len(pending) >= 2 * self.workers:
                done_at, result = pending.popleft()
                yield _placed(result.get(), done_at)
        while pending:
            done_at, result = pending.popleft()
            yield _placed(result.get(), done_at)


def _placed(decoded: Decoded, file_bytes: int) -> Decoded:
    decoded.file_bytes = file_bytes
    return decoded


def _copies_across(previous: pd.DataFrame, current: pd.DataFrame) -> pd.DataFrame:
    """Reports of ``current`` that repeat one of ``previous`` (same payload within the
    dedup window): the same report heard by another receiver across a chunk edge."""
    pairs = current.merge(previous, on="key_hash", suffixes=("", "_first"))
    return pairs[(pairs["ts"] - pairs["ts_first"]).abs() < DEDUP_WINDOW_S]


def _paired(loose: list[Fragment], now_s: float) -> Decoded:
    """The fragments left at chunk edges, paired up; the rest are lost fragments."""
    reassembler = Reassembler()
    groups = list(reassembler.feed(sorted(loose, key=lambda f: f.order)))
    decoded = decode_groups(groups, now_s)
    lost = reassembler.drain()
    if lost:
        decoded.rejects = pd.concat([decoded.rejects, lost_fragments(lost)], ignore_index=True)
    return decoded


@dataclass(frozen=True)
class NmeaChunks:
    """Chunks of one NMEA file -> decoded batches, in file order (see the module)."""

    pool: DecodePool
    source: str
    now_s: float
    assume_ts: float | None = None

    def __call__(self, chunks: Iterable[Chunk]) -> Iterator[Decoded]:
        jobs = (
            (c.file_bytes, (c.data, self.now_s, c.index << 32, assume, self.source))
            for c, assume in self._assumed(chunks)
        )
        loose: list[Fragment] = []
        previous = pd.DataFrame(columns=["key_hash", "ts", "mmsi"])
        file_bytes = 0
        for decoded in self.pool.in_order(jobs):
            edges = decoded.edges if decoded.edges is not None else previous.iloc[:0]
            copies = _copies_across(previous, edges)
            decoded.copies = copies[["mmsi", "key_hash", "ts", "ts_first"]]
            decoded.counts["duplicates"] += len(copies)
            previous = edges
            loose.extend(decoded.loose)
            file_bytes = decoded.file_bytes
            yield decoded
        if loose:
            yield _placed(_paired(loose, self.now_s), file_bytes)

    def _assumed(self, chunks: Iterable[Chunk]) -> Iterator[tuple[Chunk, AssumedTime | None]]:
        """Each chunk with the time its untimed lines get: the assumed time, a step for
        each line of the file before them."""
        lines_before = 0
        for chunk in chunks:
            if self.assume_ts is None:
                yield chunk, None
                continue
            yield chunk, AssumedTime(self.assume_ts, ASSUMED_LINE_STEP_S, lines_before)
            lines_before += chunk.data.count(b"\n")
