"""Leads as the dashboard shows them: a hostile forum post (markup, a Markdown link and
mathtext around a vessel, its MMSI and a position) and a quiet market listing, with their
entities at exact spans, stored as the crawler stores them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from surveillance.store import Store
from tests.builders.leads import lead_record

__all__ = ["HOSTILE_TEXT", "MARKUP", "QUIET_TEXT", "StoredLeads", "entity", "store_leads"]

#: What a hostile page may hold; each must show as these characters on the Leads page.
MARKUP = (
    "<script>window.X=1</script>",
    "<img src=x onerror=window.X=1>",
    "[CLICK](javascript:window.X=1)",
    "$X$ and **BOLD**",
)
HOSTILE_TEXT = (
    f"{MARKUP[0]}\nSEA STAR (MMSI 431000001) waits at 33°30'N 133°40'E for the drop.\n"
    f"{MARKUP[1]} {MARKUP[2]}\n{MARKUP[3]} tomorrow night"
)
QUIET_TEXT = "Listing: fuel at cost, pickup at Kochi harbour. Contact by mail."


def entity(text: str, kind: str, written: str, value: str | None = None) -> dict[str, Any]:
    """The entity of ``kind`` where ``written`` first occurs in ``text``."""
    start = text.index(written)
    return {
        "kind": kind,
        "value": written if value is None else value,
        "text": written,
        "start": start,
        "end": start + len(written),
        "confidence": 0.9,
    }


@dataclass(frozen=True)
class StoredLeads:
    hostile: int  # the lead ids
    quiet: int


def store_leads(store: Store, posted: datetime, lon: float, lat: float) -> StoredLeads:
    """The hostile post (posted at ``posted``, at ``lon, lat``, naming 431000001, score
    70, read at two URLs) and the market listing (three days before, score 20)."""
    hostile = lead_record(
        "http://forum.example/t/7?p=1",
        HOSTILE_TEXT,
        source="forum",
        posted=posted,
        title=None,
        language="en",
        score=70,
        entities=[
            entity(HOSTILE_TEXT, "vessel", "SEA STAR"),
            entity(HOSTILE_TEXT, "mmsi", "431000001"),
            entity(HOSTILE_TEXT, "position", "33°30'N 133°40'E", "33.5000,133.6667"),
            entity(HOSTILE_TEXT, "time", "tomorrow night", posted.isoformat()),
        ],
        mmsi=[431000001],
        lon=lon,
        lat=lat,
    )
    mirror = lead_record(
        "http://mirror.example/copy/7",
        HOSTILE_TEXT,
        source="forum",
        posted=posted,
    )
    quiet = lead_record(
        "http://market.example/item/3",
        QUIET_TEXT,
        source="market",
        posted=posted - timedelta(days=3),
        title="Fuel <b>at cost</b>",
        language="en",
        score=20,
        entities=[entity(QUIET_TEXT, "place", "Kochi")],
    )
    store.write_leads([hostile, mirror, quiet])
    ids = dict(zip(*(store.leads()[c] for c in ("source", "id")), strict=True))
    return StoredLeads(hostile=int(ids["forum"]), quiet=int(ids["market"]))
