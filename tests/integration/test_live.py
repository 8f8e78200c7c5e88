"""Live feeds over real sockets: TCP that drops and comes back, UDP, a store that goes away."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path

import psycopg

from ais_ingest.live import BatchReport, Follower
from ais_ingest.sources import TcpSource, UdpSource
from surveillance.store import Store
from tests.builders.nmea import position, static


def wait_for(condition: Callable[[], bool], timeout_s: float = 15.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def positions_stored(store: Store) -> int:
    return store.table_counts()["ais_positions"]


class FeedServer:
    """A TCP feed on loopback; each ``serve`` call takes one client and sends it lines."""

    def __init__(self) -> None:
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]

    def serve(self, lines: list[str], then_drop: bool = True) -> threading.Thread:
        def run() -> None:
            conn, _ = self.server.accept()
            with conn:
                for line in lines:
                    conn.sendall((line + "\r\n").encode())
                if not then_drop:
                    time.sleep(30)

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        return thread


def follow(store: Store, source, tmp_path: Path, **options) -> tuple[Follower, threading.Thread]:
    follower = Follower(store, source, spool_dir=tmp_path / "spool", flush_s=0.3, **options)
    results = {}
    thread = threading.Thread(
        target=lambda: results.setdefault("stats", follower.run()), daemon=True
    )
    thread.start()
    follower.results = results  # type: ignore[attr-defined]
    return follower, thread


def test_a_tcp_feed_that_drops_is_reconnected_and_nothing_is_lost(
    store: Store, tmp_path: Path
) -> None:
    server = FeedServer()
    source = TcpSource("127.0.0.1", server.port, tick_s=0.05)
    reports: list[BatchReport] = []
    follower, thread = follow(store, source, tmp_path, on_batch=reports.append)
    server.serve([position(mmsi=431000001 + k, lon=130 + k / 1000) for k in range(30)])
    assert wait_for(lambda: positions_stored(store) == 30)
    first, second = static(name="SECOND CONNECTION")
    server.serve(
        [first, second] + [position(mmsi=431000100 + k, lon=131 + k / 1000) for k in range(10)]
    )
    assert wait_for(lambda: positions_stored(store) == 40)
    follower.stop.set()
    thread.join(timeout=10)
    stats = follower.results["stats"]  # type: ignore[attr-defined]
    assert source.connections >= 2  # the listen backlog may take a third
    assert stats.positions == 40 and not stats.rejected
    assert store.vessels([431000001]).iloc[0]["name"] == "SECOND CONNECTION"
    latency = [report.stored_s - t for report in reports for t in report.received_s]
    assert max(latency) < 5  # within the flush interval plus the write, give or take


def test_udp_datagrams_with_one_or_several_lines(store: Store, tmp_path: Path) -> None:
    source = UdpSource("127.0.0.1", 0, tick_s=0.05)
    follower, thread = follow(store, source, tmp_path)
    sender = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sender.sendto(position(mmsi=431000001).encode(), ("127.0.0.1", source.port))
    several = "\r\n".join(position(mmsi=431000002 + k, lon=130 + k / 100) for k in range(5))
    sender.sendto(several.encode(), ("127.0.0.1", source.port))
    sender.sendto(b"!AIVDM,1,1,,A,garbage", ("127.0.0.1", source.port))
    assert wait_for(lambda: positions_stored(store) == 6)
    follower.stop.set()
    thread.join(timeout=10)
    stats = follower.results["stats"]  # type: ignore[attr-defined]
    assert stats.rejected == {"malformed_sentence": 1}


def test_a_store_that_goes_away_loses_nothing(
    store: Store, cluster_url: str, tmp_path: Path
) -> None:
    database = store.engine.url.database
    server = FeedServer()
    source = TcpSource("127.0.0.1", server.port, tick_s=0.05)
    follower, thread = follow(store, source, tmp_path)
    send = threading.Event()
    batches = [
        [position(mmsi=431000100 + 10 * b + k, lon=130 + k / 1000) for k in range(10)]
        for b in range(3)
    ]

    def feed() -> None:
        conn, _ = server.server.accept()
        with conn:
            for batch in batches:
                send.wait(timeout=20)
                send.clear()
                conn.sendall(("\r\n".join(batch) + "\r\n").encode())
            time.sleep(20)

    threading.Thread(target=feed, daemon=True).start()
    send.set()
    assert wait_for(lambda: positions_stored(store) == 10)
    with psycopg.connect(cluster_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS false")
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (database,),
        )
    send.set()  # the second batch arrives while the store is away
    spool = tmp_path / "spool" / f"tcp_127.0.0.1_{server.port}.nmea"
    assert wait_for(spool.exists)
    with psycopg.connect(cluster_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS true")
    send.set()  # the third batch finds the store back: the spool is replayed first
    assert wait_for(lambda: positions_stored(store) == 30)
    assert not spool.exists()
    follower.stop.set()
    thread.join(timeout=10)
