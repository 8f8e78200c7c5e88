"""Leads for tests: a forum post, stored as the crawler stores it (only ``intel`` may read
it back), and leads as the alert rules read them (``RuleContext.leads``)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

import pandas as pd

from alerts.leads import lead_frame
from surveillance.store import LeadRecord, Store
from surveillance.store.leads import LEAD_EVIDENCE_COLUMNS

__all__ = ["add_lead", "entity", "lead_record", "rule_leads", "stored_lead"]


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


def entity(kind: str, value: str, text: str | None = None, start: int = 0) -> dict[str, Any]:
    """One entity as the crawler stores it (``text`` as written: the value unless told)."""
    written = value if text is None else text
    return {
        "kind": kind,
        "value": value,
        "text": written,
        "start": start,
        "end": start + len(written),
        "confidence": 0.9,
    }


def stored_lead(
    id: int = 1,
    *,
    posted: datetime,
    url: str = "http://forum.test/t/1",
    entities: tuple[dict[str, Any], ...] = (),
    mmsi: tuple[int, ...] = (),
    lon: float | None = None,
    lat: float | None = None,
    score: int = 0,
) -> dict[str, Any]:
    """A lead as ``Store.lead_evidence`` reads it: posted at ``posted``, fetched then too."""
    return {
        "id": id,
        "url": url,
        "source": "forum",
        "fetched": pd.Timestamp(posted),
        "posted": pd.Timestamp(posted),
        "lon": lon,
        "lat": lat,
        "score": score,
        "entities": list(entities),
        "mmsi": list(mmsi),
    }


def rule_leads(*leads: dict[str, Any]) -> pd.DataFrame:
    """The leads frame a rule reads, built from :func:`stored_lead` rows as the engine does."""
    return lead_frame(pd.DataFrame(list(leads), columns=list(LEAD_EVIDENCE_COLUMNS)))
