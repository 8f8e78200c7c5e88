"""Following a live feed: micro-batches into the store, a disk spool when it is away.

Every ``flush_s`` (or ``max_batch`` lines) the lines received are decoded and written, so a
report is queryable within about a second and a half of arrival. If the store cannot take
a batch, its lines go to a spool file under ``COASTWATCH_HOME/spool`` (they carry their
receive time in a tag block) and are replayed, oldest first, as soon as the store answers
again: nothing is lost. Fragments of a message split across two batches are held over to
the next one. Ctrl-C flushes what is pending and stops cleanly.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from sqlalchemy.exc import DBAPIError

from ais_ingest.decode import DEDUP_WINDOW_S, Decoded, decode_chunk, lost_fragments
from ais_ingest.pipeline import IngestStats
from ais_ingest.sources import FeedSource
from ais_ingest.writer import BatchWriter
from surveillance.errors import StoreError
from surveillance.store import Store

__all__ = ["Follower", "BatchReport"]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BatchReport:
    """When each line of a stored batch arrived, and when the batch became queryable."""

    received_s: list[float]
    stored_s: float


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

    def __post_init__(self) -> None:
        self.writer = BatchWriter(self.store, self.source.name, bulk=False)
        self.spool = self.spool_dir / (self.source.name.replace(":", "_") + ".nmea")
        self._held: list[bytes] = []  # fragments waiting for the rest of their message
        self._recent: dict[int, float] = {}  # payload hash -> time, for the last minute

    def run(self) -> IngestStats:
        started = time.perf_counter()
        lines: list[bytes] = []
        times: list[float] = []
        try:
            for line, received in self.source.read():
                if line is not None:
                    lines.append(line)
                    times.append(received)
                due = times and (time.time() - times[0] >= self.flush_s)
                if due or len(lines) >= self.max_batch:
                    self._flush(lines, times)
                    lines, times = [], []
                if self.stop.is_set():
                    break
        except KeyboardInterrupt:
            log.info("interrupted: storing what has arrived, then stopping")
        self._flush(lines, times, final=True)
        stats = IngestStats()
        self._finish(stats)
        stats.seconds = time.perf_counter() - started
        return stats

    def _finish(self, stats: IngestStats) -> None:
        try:
            self.writer.finish(stats)
        except (StoreError, DBAPIError) as exc:
            log.error("the store is away at the end of the run: %s; the spool keeps the data",
                      exc)  # fmt: skip

    def _flush(self, lines: list[bytes], times: list[float], final: bool = False) -> None:
        batch = self._held + lines
        self._held = []
        if self.spool.exists() and not self._replay():
            self._to_spool(batch)
            return
        if not batch:
            return
        # lines whose tag block has no time were received around now
        received = float(np.median(times)) if times else time.time()
        decoded = decode_chunk(b"\n".join(batch) + b"\n", time.time(), assume_ts=received)
        # a broken message's fragments wait one batch, in case the rest is on its way
        waiting = [] if final else [f for f in decoded.loose if f.raw in lines]
        decoded.loose = [f for f in decoded.loose if f not in waiting]
        try:
            self._write(decoded)
        except (StoreError, DBAPIError) as exc:
            log.warning("store unavailable (%s): spooling %d lines to %s", exc, len(batch),
                        self.spool)  # fmt: skip
            self._to_spool(batch)
            return
        self._held = [f.raw for f in waiting]
        if self.on_batch and times:
            self.on_batch(BatchReport(times, time.time()))

    def _write(self, decoded: Decoded) -> None:
        """Store a decoded batch; its loose fragments are lost ones by now, and reports
        already stored from another receiver a moment ago are dropped."""
        if decoded.loose:
            lost = lost_fragments(decoded.loose)
            decoded.rejects = pd.concat([decoded.rejects, lost], ignore_index=True)
            decoded.loose = []
        decoded.positions = self._not_seen(decoded.positions)
        self.writer.add(decoded)
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
        if not lines:
            return
        self.spool.parent.mkdir(parents=True, exist_ok=True)
        with open(self.spool, "ab") as spool:
            spool.write(b"\n".join(lines) + b"\n")

    def _replay(self) -> bool:
        """Store what the spool holds, in one batch; True when it is empty again."""
        try:
            self._write(decode_chunk(self.spool.read_bytes(), time.time()))
        except (StoreError, DBAPIError):
            return False
        log.info("store is back: replayed %s", self.spool)
        self.spool.unlink()
        return True
