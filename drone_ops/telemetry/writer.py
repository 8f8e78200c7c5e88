"""The writer of drone telemetry: rows into ``drone_telemetry`` (idempotent by drone and
time), each tied to the mission its vehicle flies, rejects into the quarantine."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from drone_ops.telemetry.parse import TelemetryBatch
from surveillance.ingest import IngestStats, quarantine_frame
from surveillance.store import Store

__all__ = ["TelemetryWriter"]


@dataclass
class TelemetryWriter:
    """Loads :class:`TelemetryBatch` es; a row's ``mission_id`` is the mission uploaded to
    its system id (:meth:`Store.flying_missions`), looked up for every batch, so a mission
    uploaded while the link runs is picked up within a second."""

    store: Store
    source: str
    on_batch: Callable[[TelemetryBatch, int], None] | None = None  # the batch, rows new
    stored: int = 0
    messages: int = 0
    system_ids: set[int] = field(default_factory=set)

    def load(self, batch: TelemetryBatch) -> None:
        self.messages += batch.messages
        self.system_ids |= batch.system_ids
        new = 0
        if not batch.rows.empty:
            missions = self.store.flying_missions(batch.system_ids)
            rows = batch.rows.assign(
                mission_id=batch.rows["system_id"].map(missions).astype("Int64")
            )
            new = self.store.write_telemetry(rows)
            self.stored += new
        if not batch.rejects.empty:
            self.store.quarantine(quarantine_frame(self.source, batch.rejects, time.time()))
        if self.on_batch:
            self.on_batch(batch, new)

    def finish(self, stats: IngestStats) -> None:
        stats.messages += self.messages
        stats.positions += self.stored
        stats.vessel_ids |= self.system_ids
