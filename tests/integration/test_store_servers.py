"""The store past one server: days of positions on a second PostGIS cluster (postgres_fdw).

A second embedded cluster stands in for a store server; each test gets a fresh database on
it. Reads of spread days give what the same data gives unspread, the rules' window and box
reach the server that holds the day, and loading into such a day stores the rows there.
"""

from __future__ import annotations

import itertools
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import psycopg
import pytest
import streamlit as st
from sqlalchemy import create_engine, text
from streamlit.testing.v1 import AppTest

from alerts.engine import Engine
from dashboard import auth
from surveillance.embedded import Cluster
from surveillance.errors import InputError, StoreError
from surveillance.settings import load_settings
from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.clock import MIDNIGHT
from tests.builders.positions import OPEN_SEA, drifting, load_positions
from tests.builders.users import ADMIN
from tests.integration.conftest import TEMPLATE

DAY1 = MIDNIGHT.date()  # 2026-11-27
DAY2, DAY3 = DAY1 + timedelta(days=1), DAY1 + timedelta(days=2)
SINCE, UNTIL = MIDNIGHT, MIDNIGHT + timedelta(days=3)
BOX = (OPEN_SEA[0] - 1, OPEN_SEA[1] - 1, OPEN_SEA[0] + 1, OPEN_SEA[1] + 1)
APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
_numbers = itertools.count()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def second_cluster(cluster_url: str) -> Iterator[Cluster]:
    """Another PostGIS cluster: the store server (after the session's, whose settings it
    must not take)."""
    home = Path(tempfile.mkdtemp(prefix="coastwatch-server-"))
    cluster = Cluster(load_settings(home=home, embedded_port=_free_port(), embedded_fsync=False))
    try:
        cluster.up()
        yield cluster
    finally:
        cluster.destroy()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def server_url(second_cluster: Cluster) -> Iterator[str]:
    """A fresh database on the second cluster, as a store server's URL."""
    name = f"server_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(second_cluster.url(), autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    yield second_cluster.url(name)
    with psycopg.connect(second_cluster.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def unspread(cluster_url: str) -> Iterator[Store]:
    """A second store on the session's cluster, for the same data left on one server."""
    name = f"unspread_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    url = cluster_url.replace("postgresql://", "postgresql+psycopg://", 1)
    store = Store(create_engine(url.replace("/coastwatch?", f"/{name}?", 1)))
    yield store
    store.close()
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


def three_days() -> pd.DataFrame:
    """Two vessels lying stopped in the open sea over three UTC days (loitering, each day)."""
    return pd.concat(
        [
            drifting(431000001 + k, MIDNIGHT + timedelta(hours=2 + k), 68, every_s=120)
            for k in (0, 1)
        ]
    )


def spread_two_days(store: Store, server_url: str) -> None:
    store.add_server("east", server_url)
    spread_two_days_to(store, "east")


def spread_two_days_to(store: Store, server: str) -> None:
    for due in store.days_to_spread(DAY3, [server]):
        store.spread_day(due)


def remote_rows(server_url: str, day: date) -> int:
    with psycopg.connect(server_url) as conn:
        row = conn.execute(f"SELECT count(*) FROM ais_positions_{day:%Y%m%d}").fetchone()
    assert row is not None
    return int(row[0])


def explain(store: Store, since: datetime, until: datetime) -> str:
    """The plan of the rules' read (Store.position_arrays) of the window and box."""
    query = (
        "EXPLAIN (VERBOSE) SELECT mmsi, ts, geom, sog_knots FROM ais_positions "
        "WHERE ts >= :since AND ts < :until AND geom && ST_MakeEnvelope(:x0, :y0, :x1, :y1, 4326)"
    )
    x0, y0, x1, y1 = BOX
    with store.engine.connect() as conn:
        lines = conn.execute(
            text(query), {"since": since, "until": until, "x0": x0, "y0": y0, "x1": x1, "y1": y1}
        ).scalars()
        return "\n".join(lines)


def test_spread_days_are_read_and_detected_as_if_unspread(
    store: Store, unspread: Store, server_url: str
) -> None:
    load_positions(store, three_days())
    load_positions(unspread, three_days())
    spread_two_days(store, server_url)
    assert store.server_days() == {DAY1: "east", DAY2: "east"}
    ours, theirs = (s.position_arrays((SINCE, UNTIL), BOX) for s in (store, unspread))
    assert len(ours) == len(three_days())
    for column in ("mmsi", "t_s", "lon", "lat", "sog_knots"):
        assert np.array_equal(getattr(ours, column), getattr(theirs, column), equal_nan=True)
    for s in (store, unspread):
        settings = load_settings(database_url=s.engine.url.render_as_string(hide_password=False))
        Engine(settings, s).run(SINCE, UNTIL)
    columns = ["id", "type", "start", "end", "score", "mmsi"]
    found = store.alerts()[columns].sort_values("id").reset_index(drop=True)
    assert not found.empty
    assert found.equals(unspread.alerts()[columns].sort_values("id").reset_index(drop=True))


def test_the_window_and_the_box_go_to_the_server_that_holds_the_day(
    store: Store, server_url: str
) -> None:
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    plan = explain(store, MIDNIGHT + timedelta(hours=3), MIDNIGHT + timedelta(hours=5))
    remote_sql = [line for line in plan.splitlines() if "Remote SQL" in line]
    assert "Foreign Scan on public.ais_positions_20261127" in plan
    assert len(remote_sql) == 1
    assert "ts >= '2026-11-27 03:00:00+00'" in remote_sql[0]
    assert "ts < '2026-11-27 05:00:00+00'" in remote_sql[0]
    assert "geom OPERATOR(public.&&)" in remote_sql[0]


def test_a_window_inside_a_local_day_touches_no_server(store: Store, server_url: str) -> None:
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    plan = explain(store, datetime.combine(DAY3, datetime.min.time(), MIDNIGHT.tzinfo), UNTIL)
    assert "ais_positions_20261129" in plan
    assert "Foreign Scan" not in plan


def test_loading_into_a_day_on_a_server_stores_it_there_once(store: Store, server_url: str) -> None:
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    before = remote_rows(server_url, DAY2)
    late = drifting(431000009, MIDNIGHT + timedelta(days=1, hours=3), 1)
    assert load_positions(store, late) == len(late)
    assert load_positions(store, late) == 0
    assert remote_rows(server_url, DAY2) == before + len(late)
    local = len(three_days()) - remote_rows(server_url, DAY1) - before
    assert store.table_counts()["ais_positions"] == local  # the days on the store's server


def test_the_reference_tables_are_copied_to_each_server(store: Store, server_url: str) -> None:
    store.add_server("east", server_url)
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO vessels (mmsi, name, updated_at) "
                "VALUES (431000001, 'KAIYO MARU', now())"
            )
        )
    assert store.sync_reference() == {"east": 1}
    with psycopg.connect(server_url) as conn:
        assert conn.execute("SELECT mmsi, name FROM vessels").fetchall() == [
            (431000001, "KAIYO MARU")
        ]
        ports = conn.execute("SELECT count(*) FROM ports").fetchone()
    assert ports == (0,)


def test_a_server_holding_days_is_not_removed(store: Store, server_url: str) -> None:
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    with pytest.raises(InputError, match="east holds 2 day"):
        store.remove_server("east")


def test_an_unreachable_server_is_one_line_and_nothing_is_registered(store: Store) -> None:
    with pytest.raises(StoreError, match="cannot reach store server east at") as refused:
        store.add_server("east", "postgresql://cw:s3cret@/nowhere?host=/nonexistent&port=1")
    assert "s3cret" not in str(refused.value) and "\n" not in str(refused.value)
    assert store.store_servers() == []


def test_a_name_is_taken_once(store: Store, server_url: str) -> None:
    store.add_server("east", server_url)
    with pytest.raises(InputError, match="already has a foreign server named east"):
        store.add_server("east", server_url)


def test_spread_from_the_cli_then_status_lists_the_server(
    store: Store, server_url: str, coastwatch: Coastwatch
) -> None:
    load_positions(store, three_days())
    added = coastwatch("db", "servers", "add", "east", server_url)
    assert added.code == 0, added.stderr
    spread = coastwatch("db", "spread", "--before", DAY3.isoformat())
    assert spread.code == 0, spread.stderr
    assert "2026-11-27" in spread.stdout and "2026-11-28" in spread.stdout
    status = coastwatch("db", "status")
    assert status.code == 0, status.stderr
    (line,) = [row for row in status.stdout.splitlines() if row.split()[:1] == ["east"]]
    assert "up: PostgreSQL" in line and " 2 " in line
    again = coastwatch("db", "spread", "--before", DAY3.isoformat())
    assert "nothing to spread" in again.stderr


def test_status_says_in_words_that_a_server_is_unreachable(
    store: Store, server_url: str, second_cluster: Cluster, coastwatch: Coastwatch
) -> None:
    store.add_server("east", server_url)
    database = server_url.split("?")[0].rsplit("/", 1)[1]
    with psycopg.connect(second_cluster.url(), autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {database} WITH (FORCE)")
    (health,) = store.server_health()
    assert not health.reachable and "cannot reach store server east" in health.detail
    status = coastwatch("db", "status")
    assert status.code == 0, status.stderr
    assert "unreachable: cannot reach store server east" in status.stdout


def test_the_sources_page_shows_each_store_server_in_plain_text(
    store: Store, server_url: str, second_cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    store.add_server("east", server_url)
    load_positions(store, three_days())
    spread_two_days_to(store, "east")
    monkeypatch.setenv(
        "COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(hide_password=False)
    )
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, ADMIN)
    try:
        at.run()
        at.switch_page("page_sources.py").run()
        assert not at.exception, [e.value for e in at.exception]
        (shown,) = [t.value for t in at.dataframe if "detail" in t.value.columns]
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()
    assert shown[["name", "state", "days"]].values.tolist() == [["east", "up", 2]]
    assert shown["detail"][0].startswith("PostgreSQL ")


def test_db_archive_leaves_the_days_held_by_servers_alone(store: Store, server_url: str) -> None:
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    assert [due.day for due in store.days_to_archive(UNTIL)] == [DAY3]


def test_a_users_role_reads_the_days_held_by_servers(store: Store, server_url: str) -> None:
    """The mapping is PUBLIC: a group role reads a spread day under the store's grants."""
    load_positions(store, three_days())
    spread_two_days(store, server_url)
    monitor = store.as_role("monitor")
    try:
        read = monitor.position_arrays((SINCE, UNTIL), BOX)
    finally:
        monitor.close()
    assert len(read) == len(three_days())


def test_a_spread_run_cut_short_is_finished_by_the_next(store: Store, server_url: str) -> None:
    """What a run stopped between the server's commit and the store's leaves: the day
    copied there (and a half-made copy), the store's day still local."""
    load_positions(store, three_days())
    store.add_server("east", server_url)
    with psycopg.connect(server_url) as conn:
        conn.execute("CREATE TABLE ais_positions_20261127 (mmsi bigint)")
        conn.execute("INSERT INTO ais_positions_20261127 VALUES (1), (2)")
        conn.execute("CREATE TABLE ais_spreading_20261127 (mmsi bigint)")
    (due, _) = store.days_to_spread(DAY3)
    assert store.spread_day(due) == due.rows
    assert remote_rows(server_url, DAY1) == due.rows
    with psycopg.connect(server_url) as conn:
        left = conn.execute("SELECT to_regclass('ais_spreading_20261127')").fetchone()
    assert left == (None,)


def test_bad_servers_are_refused_in_one_line_without_the_password(
    coastwatch: Coastwatch,
) -> None:
    unreachable = coastwatch(
        "db", "servers", "add", "east", "postgresql://cw:s3cret@/cw?host=/nonexistent&port=1"
    )
    badly_named = coastwatch("db", "servers", "add", "East-1", "postgresql://cw@h/cw")
    assert (unreachable.code, badly_named.code) == (4, 2)
    assert "cannot reach store server east at /nonexistent:1/cw" in unreachable.stderr
    assert "not a store server name: 'East-1'" in badly_named.stderr
    assert "s3cret" not in unreachable.stderr + unreachable.stdout
