"""A throwaway embedded store for one bench run: its own cluster in a temporary home,
destroyed (with its files) when the run ends, whatever happens; and the alerts two runs
over it are compared by."""

from __future__ import annotations

import shutil
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from surveillance.embedded import Cluster
from surveillance.settings import Settings, load_settings
from surveillance.store import Store

__all__ = ["forget_alerts", "free_port", "scratch_store", "stored_alerts"]


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def scratch_store(prefix: str, budget_mb: float | None = None) -> Iterator[tuple[Settings, Store]]:
    """Settings (with ``rules.detect_memory_budget_mb`` when given) and an open store on a
    new cluster (fsync off: a bench loses nothing)."""
    home = Path(tempfile.mkdtemp(prefix=f"coastwatch-bench-{prefix}-"))
    settings = load_settings(home=home, embedded_port=free_port(), embedded_fsync=False)
    if budget_mb is not None:
        rules = settings.rules.model_copy(update={"detect_memory_budget_mb": budget_mb})
        settings = settings.model_copy(update={"rules": rules})
    cluster = Cluster(settings)
    try:
        cluster.up()
        with Store.open(settings) as store:
            yield settings, store
    finally:
        cluster.destroy()
        shutil.rmtree(home, ignore_errors=True)


def stored_alerts(store: Store, window: tuple[datetime, datetime]) -> dict[str, float]:
    """The alerts stored over the window: id -> score."""
    frame = store.alerts_overlapping(window)
    return {str(i): float(s) for i, s in zip(frame["id"], frame["score"], strict=True)}


def forget_alerts(store: Store) -> None:
    """Remove every alert (and its history): the next run starts from none, as the first."""
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alerts"))
