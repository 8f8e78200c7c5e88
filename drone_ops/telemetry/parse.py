"""The parse step of drone telemetry: MAVLink bytes in, rows of ``drone_telemetry`` out.

One row per ``GLOBAL_POSITION_INT``, with what the same vehicle (system id) said last: its
HEARTBEAT (flight mode as pymavlink names it for the autopilot, armed), its battery
(``SYS_STATUS`` or ``BATTERY_STATUS``, whichever came last), ``MISSION_CURRENT`` and the last
``MISSION_ITEM_REACHED``, carried forward. Heartbeats of what is not an autopilot (ground
stations, cameras: ``MAV_AUTOPILOT_INVALID``) are passed over. A vehicle is ``mav<sysid>``
unless ``names`` calls it otherwise. The row's time is the ``.tlog``'s time of the packet;
on a live link, the receive time (kept strictly increasing per vehicle, as the row key is
(drone_id, ts)). Bad bytes and impossible positions are rejects with their reason.

Rows are handed over in micro-batches: every ``flush_s`` since the first row waiting, or
every ``max_rows``, and the rest when the stream ends.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from drone_ops.link import mavlink, mavutil
from drone_ops.telemetry.framing import Bad, Packet, StreamFramer, TlogFramer
from drone_ops.telemetry.sources import Chunk
from surveillance.ingest import REJECT_COLUMNS
from surveillance.store import TELEMETRY_COLUMNS

__all__ = ["TelemetryBatch", "TelemetryParse", "drone_name"]


def drone_name(system_id: int, names: Mapping[int, str]) -> str:
    """A vehicle's ``drone_id``: its name if given one, else ``mav<system id>``."""
    return names.get(system_id, f"mav{system_id}")


@dataclass
class TelemetryBatch:
    """A micro-batch: rows of :data:`TELEMETRY_COLUMNS`, rejects, and the figures."""

    rows: pd.DataFrame
    rejects: pd.DataFrame
    counts: Counter[str]
    messages: int  # packets and bad spans read
    system_ids: set[int]


@dataclass
class _Vehicle:
    """What one vehicle said last, carried onto its next position rows."""

    mode: str | None = None
    armed: bool | None = None
    battery_pct: float | None = None
    mission_seq: int | None = None
    reached_seq: int | None = None
    last_us: int = -1  # the time of its last row, in microseconds (what the store keeps)


@dataclass
class _Decoder:
    """The parse's state: a framer per origin, the vehicles, and the batch being filled."""

    names: Mapping[int, str]
    framers: dict[str, StreamFramer | TlogFramer] = field(default_factory=dict)
    vehicles: dict[tuple[str, int], _Vehicle] = field(default_factory=dict)
    rows: list[tuple[Any, ...]] = field(default_factory=list)
    rejects: list[tuple[str, str, float, str]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)
    messages: int = 0
    system_ids: set[int] = field(default_factory=set)

    def feed(self, chunk: Chunk) -> None:
        framer = self.framers.get(chunk.origin)
        if framer is None:
            framer = self.framers[chunk.origin] = TlogFramer() if chunk.logged else StreamFramer()
        for item in framer.feed(chunk.data):
            self._take(item, chunk)
        if chunk.last:
            for item in framer.end():
                self._take(item, chunk)
            del self.framers[chunk.origin]

    @property
    def pending(self) -> bool:
        return bool(self.rows or self.rejects or self.messages)

    def batch(self) -> TelemetryBatch:
        """The rows and rejects so far, as a batch; the decoder starts the next one."""
        rows = _frame(self.rows)
        rejects = pd.DataFrame(self.rejects, columns=REJECT_COLUMNS)
        batch = TelemetryBatch(rows, rejects, self.counts, self.messages, self.system_ids)
        self.rows, self.rejects, self.counts = [], [], Counter()
        self.messages, self.system_ids = 0, set()
        return batch

    def _take(self, item: Packet | Bad, chunk: Chunk) -> None:
        self.messages += 1
        if isinstance(item, Bad):
            ts_s = chunk.received_s if item.ts_s is None else item.ts_s
            self.rejects.append((item.reason, item.raw_hex, ts_s, item.detail))
            return
        message = item.message
        kind = message.get_type()
        self.counts[kind.lower()] += 1
        system_id = int(message.get_srcSystem())
        vehicle = self.vehicles.setdefault((chunk.origin, system_id), _Vehicle())
        if kind == "HEARTBEAT":
            if message.autopilot == mavlink.MAV_AUTOPILOT_INVALID:
                self.counts["not_vehicle_heartbeats"] += 1
                return
            vehicle.mode = str(mavutil.mode_string_v10(message))[:32]
            vehicle.armed = bool(message.base_mode & mavlink.MAV_MODE_FLAG_SAFETY_ARMED)
        elif kind in ("SYS_STATUS", "BATTERY_STATUS"):
            if 0 <= message.battery_remaining <= 100:
                vehicle.battery_pct = float(message.battery_remaining)
        elif kind == "MISSION_CURRENT":
            vehicle.mission_seq = int(message.seq)
        elif kind == "MISSION_ITEM_REACHED":
            vehicle.reached_seq = int(message.seq)
        elif kind == "GLOBAL_POSITION_INT":
            # live: the receive time, after this vehicle's last row
            if item.ts_s is None:
                row_us = max(round(chunk.received_s * 1e6), vehicle.last_us + 1)
            else:
                row_us = round(item.ts_s * 1e6)
            self._position(message, system_id, vehicle, row_us, chunk.origin)

    def _position(
        self, message: Any, system_id: int, vehicle: _Vehicle, row_us: int, origin: str
    ) -> None:
        lat, lon = message.lat / 1e7, message.lon / 1e7
        reason = None
        if message.lat == 0 and message.lon == 0:
            reason = "no_position_fix"
        elif not (-90 <= lat <= 90 and -180 <= lon <= 180):
            reason = "position_out_of_range"
        if reason is not None:
            detail = f"{origin} system {system_id}"
            self.rejects.append((reason, str(message), row_us / 1e6, detail))
            return
        vehicle.last_us = row_us
        self.system_ids.add(system_id)
        speed_mps = (message.vx**2 + message.vy**2) ** 0.5 / 100
        heading = None if message.hdg == 65535 else message.hdg / 100
        self.rows.append(
            (
                drone_name(system_id, self.names),
                row_us,
                lon,
                lat,
                message.relative_alt / 1000,  # metres above home, as the plan's altitudes
                speed_mps,
                heading,
                vehicle.battery_pct,
                system_id,
                vehicle.mission_seq,
                vehicle.reached_seq,
                vehicle.mode,
                vehicle.armed,
                origin,
            )
        )


def _frame(rows: list[tuple[Any, ...]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(TELEMETRY_COLUMNS))
    frame["ts"] = pd.to_datetime(frame["ts"].astype("int64"), unit="us", utc=True)
    for column in ("altitude_m", "groundspeed_mps", "heading_deg", "battery_pct"):
        frame[column] = frame[column].astype("Float64")
    for column in ("system_id", "mission_seq", "reached_seq"):
        frame[column] = frame[column].astype("Int64")
    frame["armed"] = frame["armed"].astype("boolean")
    return frame


@dataclass(frozen=True)
class TelemetryParse:
    """MAVLink chunks -> a :class:`TelemetryBatch` every ``flush_s`` (or ``max_rows``)."""

    names: Mapping[int, str] = field(default_factory=dict)
    flush_s: float = 1.0
    max_rows: int = 50_000

    def __call__(self, chunks: Iterable[Chunk]) -> Iterator[TelemetryBatch]:
        decoder = _Decoder(self.names)
        first_s: float | None = None
        for chunk in chunks:
            decoder.feed(chunk)
            if first_s is None and decoder.pending:
                first_s = time.monotonic()
            due = first_s is not None and time.monotonic() - first_s >= self.flush_s
            if due or len(decoder.rows) >= self.max_rows:
                yield decoder.batch()
                first_s = None
        if decoder.pending:
            yield decoder.batch()
