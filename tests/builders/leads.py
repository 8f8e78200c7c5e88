"""Leads for tests: a forum post, stored by the service (only ``intel`` may read it back)."""

from __future__ import annotations

from sqlalchemy import text

from surveillance.store import Store

__all__ = ["add_lead"]


def add_lead(store: Store, url: str = "http://forum.example/t/1") -> None:
    """Store one lead from ``url``, as the crawler would."""
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO leads (source, url, fetched_at, body) "
                "VALUES ('forum', :url, now(), 'drop at the north beach tonight')"
            ),
            {"url": url},
        )
