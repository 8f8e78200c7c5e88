"""The Sources page's Workers panel through Streamlit's AppTest: the workers of a real
LocalCluster named in COASTWATCH_SCHEDULER, or why the scheduler does not answer."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import auth
from surveillance.store import Store
from tests.builders.dask_cluster import WORKER_MEMORY_MB, closed_port, local_cluster, until_workers
from tests.builders.users import ADMIN

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


@pytest.fixture
def sources_page(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on an empty store, the admin logged in; run :func:`_open` once the
    scheduler is set."""
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(False))
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, ADMIN)
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


def _open(at: AppTest) -> AppTest:
    at.run()
    at.switch_page("page_sources.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_workers_panel_lists_each_worker_of_the_scheduler(
    sources_page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    with local_cluster(n_workers=2) as cluster:
        address = cluster.scheduler_address
        until_workers(address, 2)
        monkeypatch.setenv("COASTWATCH_SCHEDULER", address)
        page = _open(sources_page)
        workers = set(cluster.scheduler_info["workers"])
    assert "Workers" in [h.value for h in page.subheader]
    shown = next(t.value for t in page.dataframe if "tasks_running" in t.value.columns)
    assert set(shown["address"]) == workers
    assert shown["name"].tolist() == ["0", "1"]
    assert shown["nthreads"].tolist() == [1, 1]
    assert shown["memory_limit_mb"].tolist() == [WORKER_MEMORY_MB] * 2
    assert any("2 workers, 2 threads" in c.value.replace("\\", "") for c in page.caption)


def test_the_workers_panel_says_why_the_scheduler_does_not_answer(
    sources_page: AppTest, monkeypatch: pytest.MonkeyPatch
) -> None:
    port = closed_port()
    monkeypatch.setenv("COASTWATCH_SCHEDULER", f"tcp://127.0.0.1:{port}")
    page = _open(sources_page)
    said = [e.value.replace("\\", "") for e in page.error]
    assert said == [
        f"no scheduler at tcp://127.0.0.1:{port}: connection refused "
        f"(nothing listens on port {port} of 127.0.0.1)"
    ]


def test_without_a_scheduler_the_panel_says_the_rules_run_in_process(
    sources_page: AppTest,
) -> None:
    page = _open(sources_page)
    assert "`detect` runs in process" in " ".join(c.value for c in page.caption)
