"""Leads for tests: a forum post, stored as the crawler stores it (only ``intel`` may read
it back)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

from surveillance.store import LeadRecord, Store

__all__ = ["add_lead", "lead_record"]


def lead_record(
    url: str = "http://forum.example/t/1",
    body: str = "drop at the north beach tonight",
    **fields: object,
) -> LeadRecord:
    """A lead read at ``url`` now, hashed as its text (``fields`` override the rest)."""
    values: dict[str, object] = {
        "source": "forum",
        "url": url,
        "fetched": datetime.now(UTC),
        "text": body,
        "content_hash": hashlib.sha256(body.encode()).hexdigest(),
    }
    return LeadRecord(**{**values, **fields})  # type: ignore[arg-type]


def add_lead(store: Store, url: str = "http://forum.example/t/1") -> None:
    """Store one lead from ``url``, as the crawler would."""
    store.write_leads([lead_record(url)])
