"""The parse step of a live feed: micro-batches, and fragments held over to the next one."""

from __future__ import annotations

import time

from ais_ingest.live import MicroBatches
from tests.builders.nmea import position, static


def test_every_line_past_the_flush_interval_makes_a_batch() -> None:
    earlier_s = time.time() - 10  # long before: every line is due at once
    events = [(position(mmsi=431000001 + k).encode(), earlier_s) for k in range(3)]
    batches = list(MicroBatches(flush_s=1.0)(iter(events)))
    assert [len(b.decoded.positions) for b in batches] == [1, 1, 1]
    assert [b.received_s for b in batches] == [[earlier_s]] * 3


def test_quiet_ticks_alone_make_no_batch() -> None:
    assert list(MicroBatches()(iter([(None, time.time())] * 5))) == []


def test_a_message_split_across_two_batches_is_held_over_and_decoded() -> None:
    first, second = static(name="HELD OVER")
    earlier_s = time.time() - 10
    batches = list(
        MicroBatches()(iter([(first.encode(), earlier_s), (second.encode(), earlier_s)]))
    )
    assert batches[0].held == [first.encode()] and batches[0].spool_lines == []
    assert batches[0].decoded.rejects.empty
    assert batches[1].decoded.identities["name"].tolist() == ["HELD OVER"]
    assert batches[1].spool_lines == [first.encode(), second.encode()]


def test_a_fragment_left_when_the_feed_ends_is_a_lost_fragment() -> None:
    first, _ = static()
    (batch,) = MicroBatches(flush_s=60)(iter([(first.encode(), time.time())]))
    assert batch.held == [] and batch.rejects["reason"].tolist() == ["lost_fragment"]
