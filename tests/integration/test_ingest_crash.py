"""The store killed during a bulk ingest: `coastwatch ingest ais FILE` in a process of its
own, PostgreSQL stopped hard (``pg_ctl stop -m immediate``) once rows are in; the ingest
must end with a clear error, and the same ingest again, once the store is back, must store
each position exactly once (as many as a clean ingest of the file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from surveillance.embedded import Cluster
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders import cli
from tests.builders.cli import Coastwatch
from tests.builders.link_plans import free_port

POLL_S = 0.1
#: The Tsushima Strait: a small area, so `db up` loads its geography quickly.
SMALL_AOI = {
    "COASTWATCH_AOI_NAME": "tsushima",
    "COASTWATCH_AOI_BBOX_DEG": "[128.5,33.0,131.5,35.5]",
}


@dataclass
class OwnStore:
    """An embedded cluster of the test's own (its own home and port), and the environment
    that points the CLI at it."""

    env: dict[str, str]
    cluster: Cluster

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        ran = cli.run(*args, env=self.env, timeout_s=600)
        assert "Traceback" not in ran.stderr, ran.stderr
        return ran

    def start(self, *args: str) -> subprocess.Popen[str]:
        return cli.start(*args, env=self.env)

    def kill(self) -> None:
        """Stop PostgreSQL the hard way, as its own OS user: no checkpoint, every
        connection cut (what a crash of the server looks like to the ingest)."""
        data = str(self.cluster.data_dir)
        self.cluster._run_pg(["pg_ctl", "stop", "-D", data, "-m", "immediate", "-w"])

    def scalar(self, query: sql.Composable | str) -> int:
        with psycopg.connect(self.cluster.url()) as conn:
            return int(conn.execute(query).fetchone()[0])  # type: ignore[index]

    def loaded_rows(self) -> int:
        """Positions committed so far, in the run's load tables and in ais_positions."""
        with psycopg.connect(self.cluster.url()) as conn:
            tables = [
                name
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE tablename LIKE 'ais\\_load\\_%'"
                )
            ]
            parts = [sql.SQL("SELECT count(*) FROM {}").format(sql.Identifier(t)) for t in tables]
            query = sql.SQL(" UNION ALL ").join(
                [sql.SQL("SELECT count(*) FROM ais_positions"), *parts]
            )
            return sum(
                int(n) for (n,) in conn.execute(sql.SQL("SELECT * FROM ({}) c").format(query))
            )


@pytest.fixture
def own_store(cluster_settings: Settings) -> Iterator[OwnStore]:
    home = Path(tempfile.mkdtemp(prefix="coastwatch-crash-"))
    port = free_port("tcp")
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(home),
        "COASTWATCH_HOME": str(home / "state"),
        "COASTWATCH_EMBEDDED_PORT": str(port),
        "COASTWATCH_EMBEDDED_FSYNC": "false",
        **SMALL_AOI,
    }
    cluster = Cluster(load_settings(home=home / "state", embedded_port=port))
    yield OwnStore(env, cluster)
    cluster.destroy()
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="module")
def feed() -> Iterator[Path]:
    """A simulated day big enough that its ingest takes a while (many batches)."""
    out = Path(tempfile.mkdtemp(prefix="coastwatch-crash-feed-"))
    shape = ("--vessels", "120", "--hours", "8", "--scenes", "0", "--drones", "0")
    ran = cli.run("simulate", "--out", str(out), *shape, env={**os.environ, **SMALL_AOI})
    assert ran.returncode == 0, ran.stderr
    yield out / "feed.nmea"
    shutil.rmtree(out, ignore_errors=True)


def _kill_once_rows_are_in(own: OwnStore, ingest: subprocess.Popen[str]) -> int:
    """Wait for the ingest to commit some positions, then kill the store; the rows then."""
    while ingest.poll() is None:
        rows = own.loaded_rows()
        if rows:
            own.kill()
            return rows
        time.sleep(POLL_S)
    pytest.fail(f"the ingest ended before the store could be killed: {ingest.stderr}")


def test_an_ingest_cut_by_a_store_crash_fails_clearly_and_its_retry_stores_each_once(
    own_store: OwnStore, feed: Path, store: Store, coastwatch: Coastwatch
) -> None:
    clean = coastwatch("ingest", "ais", str(feed))
    assert clean.code == 0, clean.stderr
    with store.engine.connect() as conn:
        expected = conn.exec_driver_sql("SELECT count(*) FROM ais_positions").scalar()
    assert own_store.run("db", "up").returncode == 0

    ingest = own_store.start("ingest", "ais", "--workers", "1", str(feed))
    rows_at_kill = _kill_once_rows_are_in(own_store, ingest)
    _, stderr = ingest.communicate(timeout=120)

    assert ingest.returncode == 4, stderr
    assert "Traceback" not in stderr
    assert "lost the connection to the store" in stderr
    assert "run the same command again" in stderr
    assert 0 < rows_at_kill < expected  # type: ignore[operator]

    again = own_store.run("ingest", "ais", str(feed))
    assert again.returncode == 0, again.stderr
    assert own_store.scalar("SELECT count(*) FROM ais_positions") == expected
    assert (
        own_store.scalar("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'ais\\_load\\_%'")
        == 0
    )
