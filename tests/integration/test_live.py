"""Live feeds over real sockets: TCP that drops and comes back, UDP, a store that goes away,
and a spool whose disk fills up while it is away."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest

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


def store_away(cluster_url: str, database: str | None, away: bool) -> None:
    """Refuse (``away``) or allow again every connection to the test's database."""
    with psycopg.connect(cluster_url, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {database} ALLOW_CONNECTIONS {str(not away).lower()}")
        if away:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (database,),
            )


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
    store_away(cluster_url, database, True)
    send.set()  # the second batch arrives while the store is away
    spool = tmp_path / "spool" / f"tcp_127.0.0.1_{server.port}.nmea"
    assert wait_for(spool.exists)
    store_away(cluster_url, database, False)
    send.set()  # the third batch finds the store back: the spool is replayed first
    assert wait_for(lambda: positions_stored(store) == 30)
    assert not spool.exists()
    follower.stop.set()
    thread.join(timeout=10)


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Iterator[Path]:
    """A filesystem of 256 KiB (tmpfs) for the spool: mounting it needs root."""
    if os.geteuid() != 0:
        message = "a full spool needs a tiny filesystem: mounting a tmpfs needs root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    where = tmp_path / "tiny"
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(where)], check=True)
    yield where
    subprocess.run(["umount", str(where)], check=True)


def test_a_full_spool_says_how_many_lines_it_could_not_keep_and_replays_the_rest(
    store: Store, cluster_url: str, tiny_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="ais_ingest.live")
    server = FeedServer()
    source = TcpSource("127.0.0.1", server.port, tick_s=0.05)
    follower = Follower(store, source, spool_dir=tiny_disk, flush_s=0.3)
    results = {}
    thread = threading.Thread(target=lambda: results.setdefault("stats", follower.run()))
    thread.start()
    conn, _ = server.server.accept()
    before, outage, after = 10, 12_000, 10  # the outage's lines take more than 256 KiB
    lines = [position(mmsi=431000000 + k, lon=130 + k / 100_000) for k in range(before + outage)]
    lines += [position(mmsi=432000000 + k) for k in range(after)]
    spool = tiny_disk / f"tcp_127.0.0.1_{server.port}.nmea"

    def lost() -> int:
        full = [r for r in caplog.records if "is full" in r.getMessage()]
        return int(full[-1].args[-1]) if full else 0  # type: ignore[index]

    def spooled() -> int:
        return spool.read_bytes().count(b"\n") if spool.exists() else 0

    with conn:
        conn.sendall(("\r\n".join(lines[:before]) + "\r\n").encode())
        assert wait_for(lambda: positions_stored(store) == before)
        store_away(cluster_url, store.engine.url.database, True)
        for start in range(before, before + outage, 2_000):
            conn.sendall(("\r\n".join(lines[start : start + 2_000]) + "\r\n").encode())
            time.sleep(0.2)
        assert wait_for(lambda: spooled() + lost() == outage, timeout_s=60)
        kept = spooled()
        assert 0 < kept < outage and spool.stat().st_size <= 256 << 10
        message = [r.getMessage() for r in caplog.records if "is full" in r.getMessage()][0]
        assert "No space left on device" in message and "could not keep" in message

        store_away(cluster_url, store.engine.url.database, False)
        conn.sendall(("\r\n".join(lines[before + outage :]) + "\r\n").encode())
        assert wait_for(lambda: positions_stored(store) == before + kept + after, timeout_s=60)
        assert not spool.exists()
        follower.stop.set()
        thread.join(timeout=30)
    stats = results["stats"]
    assert stats.counts["spool_full"] == lost() == outage - kept
    assert positions_stored(store) + stats.counts["spool_full"] == len(lines)
