"""Leads: what a crawled text says, kept once per text, with every URL it was read at.

A lead is one text known by its ``content_hash`` (the crawler's hash of the normalised
text). Writing a page whose text is stored already adds a sighting (a new URL) or, for a
URL seen before, only moves its ``last_seen_at``: crawling the same site twice stores
nothing new. A page the crawler found to be a near-duplicate of a stored lead says so in
``same_as`` (that lead's hash) and becomes a sighting of it with ``near`` set.

Leads are readable by the ``intel`` role only (grant and row-level policy): read them
through a store of that role (``Store.as_role("intel")``); the owner's connection (the
crawler, the rules) reads them all.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, text

from surveillance.errors import InputError
from surveillance.store.bulk import store_errors

__all__ = ["LeadRecord", "LeadCounts", "LeadTables", "LEAD_COLUMNS", "LEAD_EVIDENCE_COLUMNS"]

#: The columns of :meth:`LeadTables.leads`, in order.
LEAD_COLUMNS = (
    "id",
    "url",
    "source",
    "fetched",
    "posted",
    "last_seen",
    "lon",
    "lat",
    "score",
    "title",
    "text",
    "language",
    "entities",
    "mmsi",
    "content_hash",
    "sightings",
)

#: The columns of :meth:`LeadTables.lead_evidence`: what the rules need of a lead (no text).
LEAD_EVIDENCE_COLUMNS = (
    "id",
    "url",
    "source",
    "fetched",
    "posted",
    "lon",
    "lat",
    "score",
    "entities",
    "mmsi",
)


@dataclass
class LeadRecord:
    """One page's findings, as the crawler hands them to the store."""

    source: str
    url: str
    fetched: datetime
    text: str
    content_hash: str
    posted: datetime | None = None
    title: str | None = None
    language: str | None = None
    score: int = 0  # the smuggling-vocabulary score, 0-100
    #: ``{kind, value, text, start, end, confidence}``, spans in ``text``
    entities: list[dict[str, Any]] = field(default_factory=list)
    mmsi: list[int] = field(default_factory=list)  # the vessels it names
    lon: float | None = None  # where it speaks of, when it names a place or a position
    lat: float | None = None
    minhash: bytes | None = None  # the near-duplicate signature
    same_as: str | None = None  # the hash of the lead this page near-duplicates


@dataclass
class LeadCounts:
    """What :meth:`LeadTables.write_leads` did with a batch."""

    new: int = 0  # leads stored
    sightings: int = 0  # pages stored as a new sighting of a lead (a mirror, a near-duplicate)
    unchanged: int = 0  # pages stored before as they are (seen again)

    def add(self, other: LeadCounts) -> None:
        self.new += other.new
        self.sightings += other.sightings
        self.unchanged += other.unchanged


_INSERT_LEAD = text(
    "INSERT INTO leads (source, url, fetched_at, published_at, title, body, geom, "
    "content_hash, language, score, entities, mmsi, minhash, last_seen_at) VALUES "
    "(:source, :url, :fetched, :posted, :title, :text, "
    "CASE WHEN CAST(:lon AS float8) IS NULL THEN NULL "
    "ELSE ST_SetSRID(ST_MakePoint(:lon, :lat), 4326) END, "
    ":content_hash, :language, :score, CAST(:entities AS jsonb), :mmsi, :minhash, :fetched) "
    "ON CONFLICT (content_hash) DO NOTHING RETURNING id"
)
_SIGHTING = text(
    "INSERT INTO lead_sightings "
    "(lead_id, source, url, content_hash, near, fetched_at, last_seen_at, published_at) "
    "VALUES (:lead_id, :source, :url, :content_hash, :near, :fetched, :fetched, :posted) "
    "ON CONFLICT (url, content_hash) DO UPDATE SET last_seen_at = "
    "greatest(lead_sightings.last_seen_at, EXCLUDED.last_seen_at) "
    "RETURNING (xmax = 0) AS inserted"
)


class LeadTables:
    """Storing the crawler's leads and reading them back."""

    engine: Engine

    def write_leads(self, records: Sequence[LeadRecord]) -> LeadCounts:
        """Store a batch of pages in one transaction: new texts as leads, texts stored
        before (or near-duplicated: ``same_as``) as sightings of their lead."""
        counts = LeadCounts()
        with store_errors("leads"), self.engine.begin() as conn:
            for record in records:
                if record.fetched.tzinfo is None or (
                    record.posted is not None and record.posted.tzinfo is None
                ):
                    raise InputError(f"a lead's times need a time zone ({record.url})")
                row = _row(record)
                lead_id = None
                if record.same_as is None:
                    lead_id = conn.execute(_INSERT_LEAD, row).scalar()
                created = lead_id is not None
                if not created:
                    target = record.same_as or record.content_hash
                    lead_id = conn.execute(
                        text(
                            "UPDATE leads SET last_seen_at = greatest(last_seen_at, :fetched) "
                            "WHERE content_hash = :h RETURNING id"
                        ),
                        {"h": target, "fetched": record.fetched},
                    ).scalar()
                    if lead_id is None:
                        raise InputError(f"no lead with the hash {target} ({record.url})")
                inserted = conn.execute(
                    _SIGHTING, {**row, "lead_id": lead_id, "near": record.same_as is not None}
                ).scalar()
                if created:
                    counts.new += 1
                elif inserted:
                    counts.sightings += 1
                else:
                    counts.unchanged += 1
        return counts

    def lead_signatures(self) -> list[tuple[str, bytes]]:
        """``(content_hash, minhash)`` of every stored lead that has a signature."""
        with self.engine.connect() as conn:
            rows = conn.execute(
                text("SELECT content_hash, minhash FROM leads WHERE minhash IS NOT NULL")
            ).all()
        return [(h, bytes(m)) for h, m in rows]

    def leads(
        self,
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        source: str | None = None,
        ids: Sequence[int] | None = None,
        mmsi: int | None = None,
        search: str | None = None,
        entity_kind: str | None = None,
        entity_value: str | None = None,
        min_score: int | None = None,
        limit: int | None = None,
    ) -> pd.DataFrame:
        """Leads, newest first: :data:`LEAD_COLUMNS` (``fetched`` the first fetch,
        ``posted`` the time the page gives, both UTC; ``sightings`` how many URLs).

        ``search`` keeps the leads whose text, title or URL contains it (any case);
        ``entity_kind`` and ``entity_value`` those with an entity of that kind (exactly)
        whose value contains that text (any case)."""
        where: list[str] = ["true"]
        params: dict[str, Any] = {}
        if search:
            where.append(
                "(l.body ILIKE :search ESCAPE '\\' OR l.title ILIKE :search ESCAPE '\\' "
                "OR l.url ILIKE :search ESCAPE '\\')"
            )
            params["search"] = _contains(search)
        if entity_kind or entity_value:
            where.append(
                "EXISTS (SELECT 1 FROM jsonb_array_elements(l.entities) e WHERE "
                "(CAST(:kind AS text) IS NULL OR e->>'kind' = :kind) AND "
                "(CAST(:value AS text) IS NULL OR e->>'value' ILIKE :value ESCAPE '\\'))"
            )
            params["kind"] = entity_kind or None
            params["value"] = _contains(entity_value) if entity_value else None
        if min_score:
            where.append("l.score >= :min_score")
            params["min_score"] = int(min_score)
        if since is not None:
            where.append("coalesce(l.published_at, l.fetched_at) >= :since")
            params["since"] = since
        if until is not None:
            where.append("coalesce(l.published_at, l.fetched_at) < :until")
            params["until"] = until
        if source is not None:
            where.append("l.source = :source")
            params["source"] = source
        if ids is not None:
            where.append("l.id = ANY(:ids)")
            params["ids"] = list(ids)
        if mmsi is not None:
            where.append(":mmsi = ANY(l.mmsi)")
            params["mmsi"] = mmsi
        sql = (
            "SELECT l.id, l.url, l.source, l.fetched_at AS fetched, l.published_at AS posted, "
            "l.last_seen_at AS last_seen, ST_X(l.geom) AS lon, ST_Y(l.geom) AS lat, "
            "l.score, l.title, l.body AS text, l.language, l.entities, l.mmsi, "
            "l.content_hash, (SELECT count(*) FROM lead_sightings s WHERE s.lead_id = l.id) "
            f"AS sightings FROM leads l WHERE {' AND '.join(where)} "
            "ORDER BY coalesce(l.published_at, l.fetched_at) DESC, l.id DESC"
        )
        if limit is not None:
            sql += " LIMIT :limit"
            params["limit"] = int(limit)
        with store_errors("leads"), self.engine.connect() as conn:
            frame = pd.DataFrame(conn.execute(text(sql), params).mappings().all())
        if frame.empty:
            return pd.DataFrame({c: pd.Series(dtype=object) for c in LEAD_COLUMNS})
        for column in ("fetched", "posted", "last_seen"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame["mmsi"] = [[int(m) for m in ms] for ms in frame["mmsi"]]
        return frame[list(LEAD_COLUMNS)]

    def lead_evidence(self, window: tuple[datetime, datetime]) -> pd.DataFrame:
        """The leads posted (or, without a post date, first fetched) in ``[start, end)``, as
        the alert rules read them: :data:`LEAD_EVIDENCE_COLUMNS`, oldest first, no text."""
        start, end = window
        sql = text(
            "SELECT id, url, source, fetched_at AS fetched, published_at AS posted, "
            "ST_X(geom) AS lon, ST_Y(geom) AS lat, score, entities, mmsi FROM leads "
            "WHERE coalesce(published_at, fetched_at) >= :start "
            "AND coalesce(published_at, fetched_at) < :end "
            "ORDER BY coalesce(published_at, fetched_at), id"
        )
        with store_errors("leads"), self.engine.connect() as conn:
            rows = conn.execute(sql, {"start": start, "end": end}).mappings().all()
        frame = pd.DataFrame(rows, columns=list(LEAD_EVIDENCE_COLUMNS))
        for column in ("fetched", "posted"):
            frame[column] = pd.to_datetime(frame[column], utc=True)
        frame["mmsi"] = [[int(m) for m in ms or ()] for ms in frame["mmsi"]]
        return frame

    def lead_facets(self) -> tuple[list[str], list[str]]:
        """The sources and the entity kinds the stored leads have (for filters), sorted."""
        with store_errors("leads"), self.engine.connect() as conn:
            sources = conn.execute(text("SELECT DISTINCT source FROM leads ORDER BY 1")).scalars()
            kinds = conn.execute(
                text(
                    "SELECT DISTINCT e->>'kind' FROM leads l, "
                    "jsonb_array_elements(l.entities) e WHERE e->>'kind' IS NOT NULL ORDER BY 1"
                )
            ).scalars()
            return [str(s) for s in sources], [str(k) for k in kinds]

    def lead_sightings(self, lead_id: int) -> pd.DataFrame:
        """Where one lead was read: ``url, source, near, fetched, last_seen, posted``."""
        with store_errors("lead_sightings"), self.engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT url, source, near, fetched_at AS fetched, last_seen_at AS last_seen, "
                    "published_at AS posted FROM lead_sightings WHERE lead_id = :id "
                    "ORDER BY fetched_at, id"
                ),
                {"id": lead_id},
            ).all()
            return pd.DataFrame(
                rows, columns=["url", "source", "near", "fetched", "last_seen", "posted"]
            )


def _contains(fragment: str) -> str:
    """A LIKE pattern matching text that contains ``fragment`` as typed (its ``%``, ``_``
    and backslashes escaped; no NUL, which PostgreSQL text cannot hold)."""
    literal = re.sub(r"([\\%_])", r"\\\1", fragment.replace("\x00", ""))
    return f"%{literal}%"


def _row(record: LeadRecord) -> dict[str, Any]:
    return {
        "source": record.source,
        "url": record.url,
        "fetched": record.fetched,
        "posted": record.posted,
        "title": record.title,
        "text": record.text,
        "lon": record.lon,
        "lat": record.lat if record.lon is not None else None,
        "content_hash": record.content_hash,
        "language": record.language,
        "score": max(0, min(100, int(record.score))),
        "entities": json.dumps(record.entities, ensure_ascii=False),
        "mmsi": sorted({int(m) for m in record.mmsi}),
        "minhash": record.minhash,
    }
