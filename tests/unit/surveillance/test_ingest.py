"""The ingest contract on its own: a tiny in-memory source, parse and writer through run."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pandas as pd

from surveillance.ingest import REJECT_COLUMNS, IngestStats, Source, quarantine_frame, run
from tests.builders.clock import T0_S


class Lines(Source[str]):
    """Lines of text held in memory."""

    def __init__(self, *lines: str) -> None:
        self.name = "memory"
        self.lines = lines

    def read(self) -> Iterator[str]:
        yield from self.lines


@dataclass
class Numbers:
    """A batch: the numbers read, and the lines that were not numbers."""

    records: list[int]
    rejects: pd.DataFrame
    counts: Counter[str] = field(default_factory=Counter)


def parse_numbers(lines: Iterable[str], per_batch: int = 2) -> Iterator[Numbers]:
    """Numbers, two lines a batch; anything else is rejected as ``not_a_number``."""
    batch: list[str] = []
    for line in [*lines, None]:
        if line is not None:
            batch.append(line)
        if batch and (line is None or len(batch) == per_batch):
            good = [int(x) for x in batch if x.isdigit()]
            bad = [x for x in batch if not x.isdigit()]
            rejects = pd.DataFrame(
                {"reason": "not_a_number", "raw": bad, "ts": math.nan, "detail": ""},
                columns=REJECT_COLUMNS,
            )
            yield Numbers(good, rejects, Counter(lines=len(batch)))
            batch = []


@dataclass
class InMemory:
    """A writer into a list; loading the same number twice stores it once."""

    stored: list[int] = field(default_factory=list)
    quarantined: list[pd.DataFrame] = field(default_factory=list)
    finished: bool = False

    def load(self, batch: Numbers) -> None:
        self.stored += [n for n in batch.records if n not in self.stored]
        if not batch.rejects.empty:
            self.quarantined.append(quarantine_frame("memory", batch.rejects, T0_S))

    def finish(self, stats: IngestStats) -> None:
        self.finished = True
        stats.positions += len(self.stored)


def test_run_writes_the_records_and_counts_the_rejects() -> None:
    writer = InMemory()
    stats = run(Lines("1", "2", "x", "3", "3"), parse_numbers, writer)
    assert writer.stored == [1, 2, 3] and writer.finished
    assert stats.positions == 3
    assert stats.rejected == {"not_a_number": 1}
    assert stats.counts == {"lines": 5}
    assert stats.seconds >= 0


def test_progress_sees_every_batch_once_it_is_loaded() -> None:
    writer = InMemory()
    seen: list[tuple[list[int], int]] = []
    run(
        Lines("1", "2", "3"),
        parse_numbers,
        writer,
        progress=lambda batch: seen.append((batch.records, len(writer.stored))),
    )
    assert seen == [([1, 2], 2), ([3], 3)]


def test_an_empty_source_still_finishes() -> None:
    writer = InMemory()
    stats = run(Lines(), parse_numbers, writer)
    assert writer.finished and stats.positions == 0 and not stats.rejected


def test_quarantine_rows_keep_the_raw_text_and_the_reason() -> None:
    rejects = pd.DataFrame(
        {
            "reason": ["bad_checksum", "no_timestamp"],
            "raw": [b"!AIVDM,1,1,,A,15RTgt,0*00", "plain text"],
            "ts": [T0_S + 60, math.nan],
            "detail": ["", "why"],
        }
    )
    rows = quarantine_frame("feed.nmea", rejects, received_s=T0_S)
    assert list(rows.columns) == ["source", "reason", "raw", "received_at", "detail"]
    assert rows["raw"].tolist() == ["!AIVDM,1,1,,A,15RTgt,0*00", "plain text"]
    assert rows["received_at"].tolist() == [
        pd.Timestamp(T0_S + 60, unit="s", tz="UTC"),
        pd.Timestamp(T0_S, unit="s", tz="UTC"),
    ]
    assert pd.isna(rows["detail"][0]) and rows["detail"][1] == "why"
    assert set(rows["source"]) == {"feed.nmea"}


def test_stats_of_several_runs_add_up() -> None:
    total = IngestStats()
    for n in (1, 2):
        total.add(
            IngestStats(messages=n, positions=n, vessel_ids={n}, rejected=Counter(bad=n), seconds=n)
        )
    assert (total.messages, total.positions, total.vessels) == (3, 3, 2)
    assert total.rejected == {"bad": 3} and total.seconds == 3 and total.rate == 1
