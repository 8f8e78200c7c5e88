"""Following a live feed: micro-batches into the store, a disk spool when it is away.

Every ``flush_s`` (or ``max_batch`` lines) the lines received are decoded and written, so a
report is queryable within about a second and a half of arrival. If the store cannot take
a batch, its lines go to a spool file under ``COASTWATCH_HOME/spool`` (they carry their
receive time in a tag block) and are replayed, oldest first, as soon as the store answers
again: nothing is lost, unless the spool's disk fills up; then the lines it cannot keep
are counted (``spool_full``) and said in the log, and what it kept is still replayed.
Fragments of a message split across two batches are held over to the next one. Ctrl-C
flushes what is pending and stops cleanly.

In the terms of :mod:`surveillance.ingest`: the feed is the source, :class:`MicroBatches`
the parse step, :class:`SpoolingWriter` the writer, and :class:`Follower` runs the three.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType

import numpy as np
import pandas as pd
from sqlalchemy.exc import DBAPIError

from ais_ingest.assemble import Fragment
from ais_ingest.decode import decode_chunk, lost_fragments
from ais_ingest.records import DEDUP_WINDOW_S, Decoded
from ais_ingest.sources import Event, FeedSource
from ais_ingest.writer import BatchWriter
from surveillance.errors import StoreError
from surveillance.ingest import IngestStats, Source, run
from surveillance.store import Store

__all__ = ["BatchReport", "Follower", "LiveBatch", "MicroBatches", "SpoolingWriter"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchReport:
    """When each line of a stored batch arrived, and when the batch became queryable."""

    received_s: list[float]
    stored_s: float


def _lose(decoded: Decoded, fragments: list[Fragment]) -> Decoded:
    """``decoded`` with ``fragments`` among its rejects, as lost fragments."""
    if fragments:
        lost = lost_fragments(fragments)
        decoded.rejects = pd.concat([decoded.rejects, lost], ignore_index=True)
    return decoded


@dataclass
class LiveBatch:
    """A micro-batch: its decoded records, its lines (for the spool, should the store be
    away) and the receive time of each new line."""

    decoded: Decoded
    spool_lines: list[bytes]  # every line of the batch but the fragments held over
    held: list[bytes]  # fragments waiting for the rest of their message in the next batch
    received_s: list[float]

    @property
    def rejects(self) -> pd.DataFrame:
        return self.decoded.rejects

    @property
    def counts(self) -> Counter[str]:
        return self.decoded.counts


@dataclass(frozen=True)
class MicroBatches:
    """The parse step of a feed: lines (and quiet ticks) -> a batch every ``flush_s`` since
    its first line, or every ``max_batch`` lines; the rest when the feed ends."""

    flush_s: float = 1.0
    max_batch: int = 20_000

    def __call__(self, events: Iterable[Event]) -> Iterator[LiveBatch]:
        held: list[bytes] = []
        lines: list[bytes] = []
        times: list[float] = []
        for line, received in events:
            if line is not None:
                lines.append(line)
                times.append(received)
            due = times and (time.time() - times[0] >= self.flush_s)
            if due or len(lines) >= self.max_batch:
                batch = _batch(held, lines, times, final=False)
                held, lines, times = batch.held, [], []
                yield batch
        if held or lines:
            yield _batch(held, lines, times, final=True)


def _batch(held: list[bytes], lines: list[bytes], times: list[float], final: bool) -> LiveBatch:
    everything = held + lines
    # lines whose tag block has no time were received around now
    received = float(np.median(times)) if times else time.time()
    decoded = decode_chunk(b"\n".join(everything) + b"\n", time.time(), assume_ts=received)
    # a broken message's new fragments wait one batch, in case the rest is on its way
    waiting = [] if final else [f for f in decoded.loose if f.raw in lines]
    _lose(decoded, [f for f in decoded.loose if f not in waiting])
    decoded.loose = []
    spool_lines = list(everything)
    for fragment in waiting:
        spool_lines.remove(fragment.raw)
    return LiveBatch(decoded, spool_lines, [f.raw for f in waiting], times)


class SpoolingWriter:
    """Writes micro-batches as they come, each queryable at once; while the store is away,
    their lines go to ``spool`` and are replayed (parsed again) once it answers.

    Reports stored from another receiver a moment ago, in an earlier batch, are dropped.
    """

    def __init__(
        self,
        store: Store,
        source: str,
        spool: Path,
        on_batch: Callable[[BatchReport], None] | None = None,
    ) -> None:
        self.writer = BatchWriter(store, source, bulk=False)
        self.spool = spool
        self.on_batch = on_batch
        self._recent: dict[int, float] = {}  # payload hash -> time, for the last minute
        self.not_spooled = 0  # lines the spool could not keep (its disk full)

    def load(self, batch: LiveBatch) -> None:
        if self.spool.exists() and not self._replay():
            self._to_spool(batch.spool_lines)
            return
        try:
            self._write(batch.decoded)
        except (StoreError, DBAPIError) as exc:
            log.warning(
                "store unavailable (%s): spooling %d lines to %s",
                exc,
                len(batch.spool_lines),
                self.spool,
            )
            self._to_spool(batch.spool_lines)
            return
        if self.on_batch and batch.received_s:
            self.on_batch(BatchReport(batch.received_s, time.time()))

    def finish(self, stats: IngestStats) -> None:
        stats.counts["spool_full"] += self.not_spooled  # lines lost to a full spool
        if self.spool.exists():
            self._replay()
        try:
            self.writer.finish(stats)
        except (StoreError, DBAPIError) as exc:
            log.error("the store is away at the end of the run: %s; the spool keeps the data", exc)

    def _write(self, decoded: Decoded) -> None:
        """Store a decoded batch but the reports already stored a moment ago."""
        decoded.positions = self._not_seen(decoded.positions)
        self.writer.load(decoded)
        self.writer.flush()
        # remembered only once stored: a batch that went to the spool is not "seen"
        kept = decoded.positions
        self._recent.update(zip(kept["key_hash"], kept["ts"], strict=True))

    def _not_seen(self, positions: pd.DataFrame) -> pd.DataFrame:
        """Drop reports heard already in an earlier batch (same payload within a minute)."""
        if positions.empty:
            return positions
        earlier = positions["key_hash"].map(self._recent)
        repeat = (positions["ts"] - earlier).abs() < DEDUP_WINDOW_S
        self.writer.counts["duplicates"] += int(repeat.sum())
        kept = positions[~repeat]
        horizon = float(positions["ts"].max()) - DEDUP_WINDOW_S
        if len(self._recent) > 4 * len(positions) + 10_000:
            self._recent = {k: t for k, t in self._recent.items() if t >= horizon}
        return kept

    def _to_spool(self, lines: list[bytes]) -> None:
        """Append lines to the spool, as many whole ones as the disk takes. When it is full
        (or failing) the file is cut back to its last whole line and the lines it could not
        keep are counted and said: a full spool loses data, but never silently."""
        if not lines:
            return
        data = b"\n".join(lines) + b"\n"
        written = 0
        try:
            self.spool.parent.mkdir(parents=True, exist_ok=True)
            with open(self.spool, "ab", buffering=0) as spool:
                start = spool.tell()
                try:
                    while written < len(data):
                        written += spool.write(data[written:]) or 0
                except OSError:
                    written = data.rfind(b"\n", 0, written) + 1  # the whole lines written
                    spool.truncate(start + written)
                    raise
        except OSError as exc:
            lost = len(lines) - data.count(b"\n", 0, written)
            self.not_spooled += lost
            log.error(
                "the spool %s is full or failing (%s): could not keep %d lines of the feed "
                "while the store is away (%d in all so far); free space there",
                self.spool,
                exc.strerror or exc,
                lost,
                self.not_spooled,
            )

    def _replay(self) -> bool:
        """Store what the spool holds, in one batch; True when it is empty again."""
        decoded = decode_chunk(self.spool.read_bytes(), time.time())
        try:
            self._write(_lose(decoded, decoded.loose))
        except (StoreError, DBAPIError):
            return False
        log.info("store is back: replayed %s", self.spool)
        self.spool.unlink()
        return True


class _UntilStopped(Source[Event]):
    """A feed, read until ``stop`` is set."""

    def __init__(self, feed: FeedSource, stop: threading.Event) -> None:
        self.feed, self.stop = feed, stop
        self.name = feed.name

    def read(self) -> Iterator[Event]:
        for event in self.feed.read():
            yield event
            if self.stop.is_set():
                return


@contextmanager
def _ctrl_c_stops(stop: threading.Event) -> Iterator[None]:
    """Within the block, a first Ctrl-C sets ``stop`` (what has arrived is stored), a second
    one interrupts at once; off the main thread, or where Ctrl-C is ignored, nothing changes."""
    previous = signal.getsignal(signal.SIGINT) or signal.default_int_handler
    if threading.current_thread() is not threading.main_thread() or previous == signal.SIG_IGN:
        yield
        return

    def interrupted(signum: int, frame: FrameType | None) -> None:
        log.info("interrupted: storing what has arrived, then stopping")
        stop.set()
        signal.signal(signal.SIGINT, previous)

    signal.signal(signal.SIGINT, interrupted)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@dataclass
class Follower:
    """Reads a feed into the store until stopped (``stop`` event, or Ctrl-C)."""

    store: Store
    source: FeedSource
    spool_dir: Path
    flush_s: float = 1.0
    max_batch: int = 20_000
    on_batch: Callable[[BatchReport], None] | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> IngestStats:
        spool = self.spool_dir / (self.source.name.replace(":", "_") + ".nmea")
        writer = SpoolingWriter(self.store, self.source.name, spool, self.on_batch)
        with _ctrl_c_stops(self.stop):
            return run(
                _UntilStopped(self.source, self.stop),
                MicroBatches(self.flush_s, self.max_batch),
                writer,
            )
