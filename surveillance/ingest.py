"""The one ingest contract: a source yields raw records, a parse step turns them into
batches, a writer loads the batches; :func:`run` drives the three for every ingester.

- A :class:`Source` has a ``name`` (the quarantine's ``source`` column) and one ``read()``
  that yields raw records: chunks of a file, lines of a live feed, frames of an export.
- A parse step is a function (or callable object) from that stream to a stream of batches.
  It is pure: it reads nothing and writes nothing, it only decides. Each batch carries its
  domain records in its own shape, plus ``rejects`` (a frame of :data:`REJECT_COLUMNS`, one
  row per bad record with its reason) and ``counts`` (figures for the summary). A stream,
  not a record at a time, so that a parse can keep state across records (messages split
  over two chunks, micro-batches of a live feed) or map them over worker processes.
- A :class:`Writer` loads each batch idempotently (loading the same input twice stores it
  once) and quarantines its rejects through :func:`quarantine_frame`; ``finish`` makes
  everything visible and adds what it stored to the run's :class:`IngestStats`.

A new ingester is a source, a parse and a writer, e.g. scenes from a folder::

    class SceneFolder(Source[Path]):
        def __init__(self, root: Path) -> None:
            self.name, self.root = root.name, root

        def read(self) -> Iterator[Path]:
            yield from sorted(self.root.glob("*.tif"))

    def parse_scenes(paths: Iterable[Path]) -> Iterator[Scenes]:
        for path in paths:
            yield scene_of(path)  # Scenes(records=..., rejects=..., counts=...)

    class SceneWriter:
        def load(self, batch: Scenes) -> None:
            store.write_scenes(batch.records)
            store.quarantine(quarantine_frame("scenes", batch.rejects, time.time()))

        def finish(self, stats: IngestStats) -> None:
            stats.positions += ...

    stats = run(SceneFolder(root), parse_scenes, SceneWriter(store))
"""

from __future__ import annotations

import time
from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, Protocol, TypeVar

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "REJECT_COLUMNS",
    "Batch",
    "IngestStats",
    "Parse",
    "Source",
    "Writer",
    "quarantine_frame",
    "run",
]

#: A reject: why (``reason``), the record as received (``raw``, bytes or text), when it was
#: received or made (``ts``, unix seconds, NaN when unknown) and any ``detail``.
REJECT_COLUMNS = ["reason", "raw", "ts", "detail"]

Raw = TypeVar("Raw")
B = TypeVar("B", bound="Batch")
B_contra = TypeVar("B_contra", bound="Batch", contravariant=True)


class Source(ABC, Generic[Raw]):
    """Where raw records come from: a file and a live feed alike."""

    name: str

    @abstractmethod
    def read(self) -> Iterator[Raw]:
        """Yield the raw records, in order, until the input ends (or the feed is stopped)."""


class Batch(Protocol):
    """What a parse step yields: domain records (the ingester's own shape), plus these."""

    @property
    def rejects(self) -> pd.DataFrame:
        """One row per rejected record: :data:`REJECT_COLUMNS`."""

    @property
    def counts(self) -> Counter[str]:
        """Figures of this batch for the summary (e.g. ``{"type_1": 812}``)."""


#: The parse step: raw records in, batches out, nothing touched on the way.
Parse = Callable[[Iterator[Raw]], Iterable[B]]


class Writer(Protocol[B_contra]):
    """Loads batches into the store, idempotently."""

    def load(self, batch: B_contra) -> None:
        """Store one batch (its rejects in the quarantine)."""

    def finish(self, stats: IngestStats) -> None:
        """Make everything loaded visible; add what was stored to ``stats``."""


@dataclass
class IngestStats:
    """The summary of an ingest run: records read, stored, rejected by reason."""

    messages: int = 0  # records read (AIS messages, export rows), rejects included
    positions: int = 0  # new records stored
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

    def add(self, other: IngestStats) -> None:
        """Take in the figures of another run (its time too)."""
        self.messages += other.messages
        self.positions += other.positions
        self.vessel_ids |= other.vessel_ids
        self.rejected.update(other.rejected)
        self.counts.update(other.counts)
        self.seconds += other.seconds
        self.partitions_built += other.partitions_built


def run(
    source: Source[Raw],
    parse: Parse[Raw, B],
    write: Writer[B],
    *,
    progress: Callable[[B], None] | None = None,
) -> IngestStats:
    """Read ``source`` through ``parse`` into ``write``; rejects and counts are tallied
    here, what was stored by the writer. ``progress`` sees each batch once it is loaded."""
    started = time.perf_counter()
    stats = IngestStats()
    for batch in parse(source.read()):
        stats.rejected.update(str(reason) for reason in batch.rejects["reason"])
        stats.counts.update(batch.counts)
        write.load(batch)
        if progress:
            progress(batch)
    write.finish(stats)
    stats.seconds = time.perf_counter() - started
    return stats


def quarantine_frame(source: str, rejects: pd.DataFrame, received_s: float) -> pd.DataFrame:
    """The quarantine rows of ``rejects`` (:data:`REJECT_COLUMNS`) from ``source``: raw as
    text, ``received_at`` from ``ts`` (``received_s`` where unknown), empty detail as null."""
    import pandas as pd

    received = pd.to_datetime(rejects["ts"].astype(float).fillna(received_s), unit="s", utc=True)
    return pd.DataFrame(
        {
            "source": source,
            "reason": rejects["reason"],
            "raw": [
                r.decode("utf-8", "replace") if isinstance(r, bytes) else str(r)
                for r in rejects["raw"]
            ],
            "received_at": received,
            "detail": rejects["detail"].replace("", None),
        }
    )
