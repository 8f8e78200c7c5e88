"""Entities in a text: identifiers, positions, places, times, contacts and payments.

:func:`extract` is the one entry: it runs every finder over a page's text, keeps one entity
where findings overlap (the more confident, then the longer: an MMSI inside a longer run
of digits, a place inside a vessel's name), resolves the vessels the page names to their
MMSIs, picks the lead's point and scores it.
"""

from __future__ import annotations

import bisect
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from crawler.entities.base import ENTITY_KINDS, Entity
from crawler.entities.contacts import find_emails, find_handles, find_pgp, find_phones
from crawler.entities.coordinates import find_positions
from crawler.entities.identifiers import find_callsigns, find_imo, find_mmsi
from crawler.entities.payments import find_btc, find_xmr
from crawler.entities.places import Gazetteer
from crawler.entities.times import find_times
from crawler.entities.vessels import KnownVessels
from crawler.entities.vocabulary import smuggling_score

__all__ = ["ENTITY_KINDS", "Entity", "Findings", "MIN_CONFIDENCE", "extract"]

log = logging.getLogger(__name__)

#: Findings less sure than this are not reported (a bare nine-digit number, say).
MIN_CONFIDENCE = 0.5
#: Points the lead's score gains, beyond its vocabulary, for naming a known vessel, a place
#: or position, and a time: what a lead needs to be matched to an alert.
_VESSEL_POINTS = 15
_PLACE_POINTS = 5
_TIME_POINTS = 5

_FINDERS: tuple[Callable[[str], list[Entity]], ...] = (
    find_mmsi,
    find_imo,
    find_callsigns,
    find_positions,
    find_emails,
    find_phones,
    find_handles,
    find_pgp,
    find_btc,
    find_xmr,
)


@dataclass(frozen=True)
class Findings:
    """What a page says: its entities (by position in the text), its score (0-100) and the
    vocabulary behind it, the MMSIs of the vessels it names, and its point if it has one."""

    entities: list[Entity]
    score: int
    terms: list[str]
    mmsi: list[int]
    lon: float | None
    lat: float | None


def extract(
    text: str, *, posted: datetime | None, known: KnownVessels, gazetteer: Gazetteer
) -> Findings:
    """Every entity of ``text`` (relative times resolved against ``posted``), the MMSIs
    of the vessels it names, its point and its score."""
    found: list[Entity] = []
    for finder in _FINDERS:
        found += finder(text)
    found += known.find(text)
    found += gazetteer.find(text)
    found += find_times(text, posted)
    entities = _without_overlaps(e for e in found if e.confidence >= MIN_CONFIDENCE)
    mmsi = sorted({m for e in entities if (m := known.mmsi_of(e)) is not None})
    lon, lat = _point(entities, gazetteer)
    vocabulary, terms = smuggling_score(text)
    score = vocabulary
    score += _VESSEL_POINTS if mmsi or any(e.kind == "vessel" for e in entities) else 0
    score += _PLACE_POINTS if lon is not None else 0
    score += _TIME_POINTS if any(e.kind == "time" for e in entities) else 0
    return Findings(entities, min(100, score), terms, mmsi, lon, lat)


def _without_overlaps(found: Iterable[Entity]) -> list[Entity]:
    """One entity per stretch of text: the most confident, then the longest, then the first."""
    starts: list[int] = []  # of the kept entities, which never overlap: in order
    kept: list[Entity] = []
    for entity in sorted(found, key=lambda e: (-e.confidence, -(e.end - e.start), e.start)):
        at = bisect.bisect_right(starts, entity.start)
        if at > 0 and kept[at - 1].end > entity.start:
            continue
        if at < len(kept) and kept[at].start < entity.end:
            continue
        starts.insert(at, entity.start)
        kept.insert(at, entity)
    return kept


def _point(entities: list[Entity], gazetteer: Gazetteer) -> tuple[float | None, float | None]:
    """The most confident position, else the most confident place (the first of equals)."""
    for kind in ("position", "place"):
        candidates = [e for e in entities if e.kind == kind]
        if not candidates:
            continue
        best = max(candidates, key=lambda e: (e.confidence, -e.start))
        if kind == "position":
            lat, lon = (float(part) for part in best.value.split(","))
            return lon, lat
        return gazetteer.point(best.value)
    return None, None
