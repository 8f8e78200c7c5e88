"""Drone telemetry ingest: MAVLink messages per second from four simulated vehicles.

Four vehicles (``simulator.drone_flight``) are flown and their telemetry encoded once
(HEARTBEAT, GLOBAL_POSITION_INT, SYS_STATUS, BATTERY_STATUS, MISSION_CURRENT each tick).
Printed, beside the baseline measured in the same run (pymavlink's bare parser over the same
packets, nothing stored):

- the parse and write path (``TelemetryParse`` + ``TelemetryWriter`` into PostGIS), as fast
  as it goes;
- live: four UDP senders at ``--rate`` messages/s in all into ``ingest drone --connect
  udpin:`` (``LiveLink``) for ``--seconds``: messages received per second, and how many of
  the positions sent were stored.

    .venv/bin/python bench/telemetry_ingest.py [--rate 8000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from drone_ops.link import mavlink
from drone_ops.plan import Cmd, MissionItem, Point
from drone_ops.telemetry.parse import TelemetryParse
from drone_ops.telemetry.sources import Chunk, LiveLink
from drone_ops.telemetry.writer import TelemetryWriter
from simulator.drone_flight import Flight, telemetry
from surveillance.embedded import Cluster
from surveillance.ingest import Source, run
from surveillance.settings import load_settings
from surveillance.store import Store

VEHICLES = 4
HOME = Point(43.10, 5.90, 0.0)


def vehicle_packets(system_id: int, ticks: int, dt_s: float) -> list[bytes]:
    """``ticks`` rounds of one vehicle's telemetry, one packet (datagram) a message."""
    far = MissionItem.at(Cmd.NAV_WAYPOINT, HOME.lat + 0.5, HOME.lon + system_id / 10, 100.0)
    flight = Flight(system_id, HOME, [far], speed_mps=20.0, battery_min=600.0)
    flight.start()
    mav = mavlink.MAVLink(None, system_id, 1)
    packets = []
    for _ in range(ticks):
        flight.step(dt_s)
        packets += [bytes(m.pack(mav)) for m in telemetry(mav, flight.state)]
    return packets


def baseline_rate(packets: list[bytes]) -> float:
    """pymavlink's bare parser over the packets: messages per second, nothing kept."""
    parser = mavlink.MAVLink(None)
    started = time.perf_counter()
    count = sum(len(parser.parse_buffer(p) or ()) for p in packets)
    return count / (time.perf_counter() - started)


class Replay(Source[Chunk]):
    """Chunks made beforehand, as a live link would yield them."""

    def __init__(self, chunks: list[Chunk]) -> None:
        self.chunks, self.name = chunks, "bench"

    def read(self) -> Iterator[Chunk]:
        yield from self.chunks


def parse_write_rate(store: Store, packets: list[bytes]) -> tuple[float, int]:
    """The parse and write path over the packets, as a live link's chunks."""
    start_s = time.time()
    chunks = [Chunk("bench", p, start_s + i * 1e-4) for i, p in enumerate(packets)]

    writer = TelemetryWriter(store, "bench")
    stats = run(Replay(chunks), TelemetryParse(), writer)
    return stats.messages / stats.seconds, stats.positions


def live_rate(
    store: Store, per_vehicle: list[list[bytes]], rate: int, seconds: float
) -> tuple[float, int, int, int]:
    """Four UDP senders at ``rate`` messages/s in all into a live link for ``seconds``
    (its vehicles named apart from the first pass's): messages received a second, positions
    stored, positions sent, messages sent."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    sent = [0] * len(per_vehicle)
    go = threading.Event()

    def send(k: int) -> None:
        each = rate / len(per_vehicle)
        go.wait()
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
            started = time.perf_counter()
            for n, packet in enumerate(per_vehicle[k]):
                if time.perf_counter() - started > seconds:
                    break
                time.sleep(max(0.0, started + n / each - time.perf_counter()))
                out.sendto(packet, ("127.0.0.1", port))
                sent[k] += 1

    link = LiveLink(f"udpin:127.0.0.1:{port}", duration_s=seconds + 2)
    senders = [threading.Thread(target=send, args=(k,), daemon=True) for k in range(VEHICLES)]
    for sender in senders:
        sender.start()
    threading.Timer(0.5, go.set).start()
    names = {k + 1: f"live{k + 1}" for k in range(VEHICLES)}
    stats = run(link, TelemetryParse(names), TelemetryWriter(store, link.name))
    sent_positions = sum((s + 3) // 5 for s in sent)  # the second message of five
    return stats.messages / seconds, stats.positions, sent_positions, sum(sent)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=8000, help="live: messages/s, all senders")
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    ticks = int(args.rate * args.seconds / VEHICLES / 5) + 50
    per_vehicle = [vehicle_packets(k + 1, ticks, 0.1) for k in range(VEHICLES)]
    mixed = [p for group in zip(*per_vehicle, strict=True) for p in group]
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-telemetry-"))
    settings = load_settings(home=work / "home", embedded_port=55493)
    cluster = Cluster(settings)
    try:
        cluster.up()
        with Store.open(settings) as store:
            bare = baseline_rate(mixed)
            written, stored = parse_write_rate(store, mixed)
            live, live_stored, positions_sent, messages_sent = live_rate(
                store, per_vehicle, args.rate, args.seconds
            )
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    print(f"{VEHICLES} vehicles, {len(mixed):,} messages ({stored:,} positions) per pass")
    print(f"{'':<44}{'messages/s':>12}{'x baseline':>12}")
    print(f"{'baseline: pymavlink parse_buffer, no store':<44}{bare:>12,.0f}{1:>12.2f}")
    print(f"{'parse + write into PostGIS':<44}{written:>12,.0f}{written / bare:>12.2f}")
    print(
        f"{'live udpin, 4 senders at ' + f'{args.rate:,}/s':<44}{live:>12,.0f}{live / bare:>12.2f}"
    )
    print(
        f"live: {messages_sent:,} messages sent, {live_stored:,} of {positions_sent:,} positions "
        f"stored ({live_stored / max(1, positions_sent):.1%})"
    )


if __name__ == "__main__":
    main()
