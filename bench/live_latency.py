"""Live-mode latency: from a line's arrival to its position being queryable, at 10,000 msg/s.

A feed on loopback sends position reports at a steady rate (bursts every 10 ms) for a
while; ``coastwatch ingest ais --tcp`` (the Follower) stores them in micro-batches. Printed:
p50 / p99 / max latency over every message, beside the baseline measured in the same run
(one single-row write to the store, round trip). Goal (issue #3): p99 within 2 s.

    .venv/bin/python bench/live_latency.py [--rate 10000] [--seconds 20]
"""

from __future__ import annotations

import argparse
import shutil
import socket
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd

from ais_ingest.encode import encode_positions
from ais_ingest.live import BatchReport, Follower
from ais_ingest.sources import TcpSource
from surveillance.embedded import Cluster
from surveillance.settings import load_settings
from surveillance.store import Store


def feed_lines(count: int, vessels: int = 5000) -> list[bytes]:
    rng = np.random.default_rng(7)
    mmsi = 431_000_000 + np.arange(count) % vessels
    return encode_positions(
        np.ones(count, dtype=int),
        mmsi,
        129 + rng.uniform(0, 3, count),
        33 + rng.uniform(0, 2, count),
        rng.uniform(0, 20, count),
        rng.uniform(0, 359, count),
        rng.integers(0, 360, count).astype(float),
        np.arange(count) % 60,
        np.zeros(count, dtype=int),
    )


def serve(server: socket.socket, lines: list[bytes], rate: int, done: threading.Event) -> None:
    conn, _ = server.accept()
    burst = max(1, rate // 100)
    started = time.perf_counter()
    with conn:
        for k in range(0, len(lines), burst):
            target = started + k / rate
            time.sleep(max(0.0, target - time.perf_counter()))
            conn.sendall(b"\r\n".join(lines[k : k + burst]) + b"\r\n")
        done.set()
        time.sleep(3)


def one_row_write_s(store: Store) -> float:
    row = pd.DataFrame(
        {
            "mmsi": [431999999],
            "ts": [time.time()],
            "lon": [130.0],
            "lat": [34.0],
            "sog_knots": [1.0],
            "cog_deg": [1.0],
            "heading_deg": [1.0],
            "nav_status": [0.0],
            "msg_type": [1],
        }
    )
    loader = store.position_loader("baseline", bulk=False)
    started = time.perf_counter()
    loader.add(row)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=int, default=10_000, help="messages per second")
    parser.add_argument("--seconds", type=int, default=20)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-live-"))
    settings = load_settings(home=work / "home", embedded_port=55497)
    cluster = Cluster(settings)
    latencies: list[float] = []
    try:
        cluster.up()
        with Store.open(settings) as store:
            baseline = float(np.median([one_row_write_s(store) for _ in range(20)]))
            server = socket.create_server(("127.0.0.1", 0))
            lines = feed_lines(args.rate * args.seconds)
            done = threading.Event()
            threading.Thread(
                target=serve, args=(server, lines, args.rate, done), daemon=True
            ).start()

            def record(report: BatchReport) -> None:
                latencies.extend(report.stored_s - t for t in report.received_s)

            source = TcpSource("127.0.0.1", server.getsockname()[1])
            follower = Follower(store, source, spool_dir=work / "spool", on_batch=record)
            threading.Thread(
                target=lambda: (done.wait(), time.sleep(2.5), follower.stop.set()), daemon=True
            ).start()
            stats = follower.run()
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    lat = np.array(latencies)
    p50, p99 = np.percentile(lat, [50, 99])
    print(
        f"{len(lat):,} messages at {args.rate:,}/s for {args.seconds} s; "
        f"stored {stats.positions:,} positions"
    )
    print(f"{'':<22}{'seconds':>10}{'x baseline':>12}")
    print(f"{'baseline: 1-row write':<22}{baseline:>10.4f}{1:>12.1f}")
    for name, value in (("p50 latency", p50), ("p99 latency", p99), ("max latency", lat.max())):
        print(f"{name:<22}{value:>10.3f}{value / baseline:>12.1f}")
    print("goal p99 <= 2 s: " + ("met" if p99 <= 2 else "MISSED"))


if __name__ == "__main__":
    main()
