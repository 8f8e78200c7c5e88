"""A throwaway PostGIS cluster for the whole test session, and a fresh database per test.

The cluster is Coastwatch's own embedded cluster (the code under test), started in a
``mkdtemp`` home (mode 0700, which is the hard case under root) and removed at the end.
Each test gets a new database cloned from a migrated template. Without PostgreSQL and
PostGIS the tests skip locally, but fail under CI: they never skip silently there.
"""

from __future__ import annotations

import functools
import itertools
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import create_engine

from surveillance import schema
from surveillance.embedded import Cluster, find_bindir
from surveillance.errors import ClusterError
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders.cli import Coastwatch, invoke
from tests.builders.users import ADMIN, PASSWORD

TEMPLATE = "coastwatch_template"
#: The test session's own ``__main__``: Streamlit's AppTest leaves the dashboard's app there,
#: and a Dask worker process started later (spawned) would run it as its main module.
_MAIN = sys.modules["__main__"]
_numbers = itertools.count()


def _sqlalchemy(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


def _with_database(url: str, name: str) -> str:
    return url.replace("/coastwatch?", f"/{name}?", 1)


@pytest.fixture(autouse=True)
def _main_module_kept() -> Iterator[None]:
    yield
    sys.modules["__main__"] = _MAIN


@pytest.fixture(scope="session")
def cluster_settings() -> Iterator[Settings]:
    # The developer's own store and config must not leak into the tests.
    for name in [n for n in os.environ if n.startswith("COASTWATCH_")]:
        del os.environ[name]
    os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="coastwatch-test-config-")
    try:
        find_bindir(None)
    except ClusterError as exc:
        message = f"integration tests need PostgreSQL with PostGIS: {exc} ({exc.hint})"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    home = Path(tempfile.mkdtemp(prefix="coastwatch-test-"))
    settings = load_settings(home=home, embedded_fsync=False, embedded_port=55431)
    cluster = Cluster(settings)
    try:
        url = cluster.up()
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        engine = create_engine(_sqlalchemy(_with_database(url, TEMPLATE)))
        schema.upgrade(engine)
        Store(engine).first_admin(ADMIN, PASSWORD)  # what `db up` does on a new store
        engine.dispose()
        yield settings
    finally:
        cluster.destroy()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture(scope="session")
def cluster_url(cluster_settings: Settings) -> str:
    return Cluster(cluster_settings).url()


@pytest.fixture
def database_url(cluster_url: str) -> Iterator[str]:
    """A new, empty database (no tables, no PostGIS) for one test."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE template0")
    yield _sqlalchemy(_with_database(cluster_url, name))
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def store(cluster_url: str) -> Iterator[Store]:
    """A store over a fresh, migrated database of its own."""
    name = f"test_{os.getpid()}_{next(_numbers)}"
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE}")
    store = Store(create_engine(_sqlalchemy(_with_database(cluster_url, name))))
    yield store
    store.close()
    with psycopg.connect(cluster_url, autocommit=True) as conn:
        conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def clone_store(cluster_url: str) -> Iterator[Callable[[Store], Store]]:
    """Copies of a store's database (a CREATE DATABASE .. TEMPLATE, its connections closed
    first), dropped at the end."""
    made: list[tuple[Store, str]] = []

    def clone(store: Store) -> Store:
        source = store.engine.url.database
        name = f"test_{os.getpid()}_{next(_numbers)}"
        store.engine.dispose()
        with psycopg.connect(cluster_url, autocommit=True) as conn:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                (source,),
            )
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {source}")
        copy = Store(create_engine(_sqlalchemy(_with_database(cluster_url, name))))
        made.append((copy, name))
        return copy

    yield clone
    for copy, name in made:
        copy.close()
        with psycopg.connect(cluster_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.fixture
def coastwatch(store: Store) -> Coastwatch:
    """Runs the real CLI in process on ``store``: ``coastwatch("alerts", "list")``."""
    url = store.engine.url.render_as_string(hide_password=False)
    return functools.partial(invoke, url)
