"""The Leads page's data: the filtered list of leads, one lead with its sightings, vessels
and alerts, and its text with the entities marked.

A lead's text is a web page's: anyone wrote it. :func:`highlighted` escapes it segment by
segment (:func:`surveillance.untrusted.html_text`) and adds only its own ``<mark>`` around
each entity's span, so the page shows ``<script>`` or a Markdown link as the characters.

>>> html, skipped = highlighted("<b>MMSI 431000001</b>", [
...     {"kind": "mmsi", "value": "431000001", "text": "431000001", "start": 8, "end": 17}])
>>> html
'&lt;b&gt;MMSI <mark class="cw-mmsi" title="mmsi: 431000001">431000001</mark>&lt;/b&gt;'
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pandas as pd

from dashboard import tooltip
from dashboard.data.common import alert_link, lead_link, vessel_labels, vessel_link
from surveillance.store import BBox, Store, Window
from surveillance.times import people_utc
from surveillance.untrusted import html_text

__all__ = [
    "KIND_COLOURS",
    "LeadDetail",
    "LeadFilters",
    "cited_leads",
    "evidence_lead_ids",
    "first_line",
    "highlighted",
    "lead_detail",
    "leads_table",
    "map_leads",
    "mark_styles",
]

#: The background of each entity kind's marks (unknown kinds: grey).
KIND_COLOURS: dict[str, str] = {
    "mmsi": "#ffd166",
    "imo": "#ffd166",
    "callsign": "#ffd166",
    "vessel": "#f4a261",
    "position": "#90e0ef",
    "place": "#90e0ef",
    "time": "#c7f9cc",
    "email": "#e0aaff",
    "phone": "#e0aaff",
    "handle": "#e0aaff",
    "btc": "#ffadad",
    "xmr": "#ffadad",
    "pgp": "#e0aaff",
}
_OTHER_COLOUR = "#dddddd"
_TITLE_CHARS = 120


@dataclass(frozen=True)
class LeadFilters:
    """The Leads page's filters; empty values mean all."""

    search: str = ""
    source: str | None = None
    entity_kind: str | None = None
    entity_value: str = ""
    posted_from: date | None = None  # UTC days, both included
    posted_to: date | None = None
    min_score: int = 0
    limit: int = 500


def first_line(title: Any, text: Any) -> str:
    """The title of a lead, or the first non-empty line of its text (shortened)."""
    if isinstance(title, str) and title.strip():
        line = title.strip()
    else:
        line = next((s.strip() for s in str(text or "").splitlines() if s.strip()), "")
    return line if len(line) <= _TITLE_CHARS else line[: _TITLE_CHARS - 1] + "…"


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time(0), tzinfo=UTC)


def _read(store: Store, filters: LeadFilters) -> pd.DataFrame:
    return store.leads(
        since=_day_start(filters.posted_from) if filters.posted_from else None,
        until=_day_start(filters.posted_to + timedelta(days=1)) if filters.posted_to else None,
        source=filters.source or None,
        search=filters.search.strip() or None,
        entity_kind=filters.entity_kind or None,
        entity_value=filters.entity_value.strip() or None,
        min_score=filters.min_score or None,
        limit=filters.limit,
    )


def leads_table(store: Store, filters: LeadFilters) -> pd.DataFrame:
    """The leads that pass the filters, newest first: ``posted, source, score, title,
    vessels, entities, sightings, id`` (``posted`` the page's time, else the first fetch)."""
    found = _read(store, filters)
    columns = ["posted", "source", "score", "title", "vessels", "entities", "sightings", "id"]
    if found.empty:
        return pd.DataFrame(columns=columns)
    wanted = sorted({int(m) for ms in found["mmsi"] for m in ms})
    identities = store.vessels(wanted) if wanted else pd.DataFrame(columns=["mmsi", "name"])
    return pd.DataFrame(
        {
            "posted": found["posted"].fillna(found["fetched"]),
            "source": found["source"],
            "score": found["score"].astype(int),
            "title": [first_line(t, x) for t, x in zip(found["title"], found["text"], strict=True)],
            "vessels": vessel_labels(identities, found["mmsi"]),
            "entities": [len(e or []) for e in found["entities"]],
            "sightings": found["sightings"].astype(int),
            "id": found["id"].astype(int),
        }
    )[columns]


def _span(entity: dict[str, Any], text: str) -> tuple[int, int] | None:
    """The entity's span when it is one of ``text`` (and its ``text`` is what is there)."""
    start, end = entity.get("start"), entity.get("end")
    if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start < end <= len(text):
        return None
    said = entity.get("text")
    if said is not None and text[start:end] != said:
        return None
    return start, end


def highlighted(text: str, entities: Sequence[dict[str, Any]]) -> tuple[str, int]:
    """``text`` as HTML: every segment escaped, each entity's span in a ``<mark>`` of its
    kind (class ``cw-<kind>``, its kind and value as the title). Returns the HTML and how
    many entities were not marked (a span that is not the text's, or overlapping one
    marked before)."""
    spans = []
    for entity in entities:
        span = _span(entity, text)
        if span is not None:
            spans.append((*span, entity))
    spans.sort(key=lambda s: (s[0], -s[1]))
    parts: list[str] = []
    cursor = 0
    for start, end, entity in spans:
        if start < cursor:
            continue
        kind = str(entity.get("kind", ""))
        parts.append(html_text(text[cursor:start]))
        parts.append(
            f'<mark class="cw-{html_text(_slug(kind))}" '
            f'title="{html_text(kind)}: {html_text(entity.get("value", ""))}">'
            f"{html_text(text[start:end])}</mark>"
        )
        cursor = end
    parts.append(html_text(text[cursor:]))
    marked = sum(1 for p in parts if p.startswith("<mark"))
    return "".join(parts), len(entities) - marked


def _slug(kind: str) -> str:
    return "".join(c for c in kind.lower() if c.isalnum()) or "other"


def mark_styles() -> str:
    """The CSS of the marks, one rule per kind (ours: no lead text in it)."""
    rules = [f".cw-marks mark {{background:{_OTHER_COLOUR};padding:0 2px;border-radius:3px}}"]
    rules += [f".cw-marks mark.cw-{kind} {{background:{c}}}" for kind, c in KIND_COLOURS.items()]
    return "\n".join(rules)


@dataclass
class LeadDetail:
    """One lead with what its page shows."""

    lead: dict[str, Any]  # a row of :meth:`Store.leads`
    entities: pd.DataFrame  # kind, value, text, start, end, confidence
    sightings: pd.DataFrame  # url, source, near, fetched, last_seen, posted
    vessels: pd.DataFrame  # page, mmsi, name, flag, ship_type (the vessels it names)
    alerts: pd.DataFrame  # link, type, status, score, start, end, mmsi (citing it)


def _vessels(store: Store, mmsi: Sequence[int]) -> pd.DataFrame:
    columns = ["page", "mmsi", "name", "flag", "ship_type"]
    if not mmsi:
        return pd.DataFrame(columns=columns)
    known = store.vessels(list(mmsi))
    rows = {int(m): r for m, r in zip(known["mmsi"], known.to_dict("records"), strict=True)}
    return pd.DataFrame(
        [
            {
                "page": vessel_link(m),
                "mmsi": int(m),
                "name": rows.get(int(m), {}).get("name"),
                "flag": rows.get(int(m), {}).get("flag"),
                "ship_type": rows.get(int(m), {}).get("ship_type"),
            }
            for m in mmsi
        ],
        columns=columns,
    )


def lead_detail(store: Store, lead_id: int) -> LeadDetail | None:
    """The lead ``lead_id`` with its entities, sightings, vessels and the alerts whose
    evidence lists it; None when there is none (or the store's role may not see it)."""
    found = store.leads(ids=[int(lead_id)])
    if found.empty:
        return None
    lead = {str(k): v for k, v in found.iloc[0].items()}
    entities = pd.DataFrame(
        lead["entities"] or [], columns=["kind", "value", "text", "start", "end", "confidence"]
    )
    alerts = store.lead_alerts(int(lead_id))
    alerts.insert(0, "link", [alert_link(i) for i in alerts["id"]])
    alerts["mmsi"] = [", ".join(str(m) for m in (ms or [])) for ms in alerts["mmsi"]]
    return LeadDetail(
        lead=lead,
        entities=entities,
        sightings=store.lead_sightings(int(lead_id)),
        vessels=_vessels(store, lead["mmsi"]),
        alerts=alerts.drop(columns=["id"]),
    )


def evidence_lead_ids(evidence: dict[str, Any]) -> list[int]:
    """The lead ids an alert's evidence lists (``leads``: ids, or objects with an ``id``)."""
    found = []
    for item in evidence.get("leads") or []:
        value = item.get("id") if isinstance(item, dict) else item
        if isinstance(value, int | str) and str(value).isdigit():
            found.append(int(value))
    return list(dict.fromkeys(found))


def cited_leads(store: Store, ids: Sequence[int]) -> pd.DataFrame:
    """The leads of an alert, newest first: ``page, id, posted, source, score, title``
    (read through a store of the ``intel`` role: the others may not read leads)."""
    columns = ["page", "id", "posted", "source", "score", "title"]
    if not ids:
        return pd.DataFrame(columns=columns)
    found = store.leads(ids=list(ids))
    return pd.DataFrame(
        {
            "page": [lead_link(i) for i in found["id"]],
            "id": found["id"].astype(int),
            "posted": found["posted"].fillna(found["fetched"]),
            "source": found["source"],
            "score": found["score"].astype(int),
            "title": [first_line(t, x) for t, x in zip(found["title"], found["text"], strict=True)],
        },
        columns=columns,
    )


_MAP_LIMIT = 2000
_TIP_CHARS = 80


def map_leads(store: Store, window: Window, bbox: BBox | None) -> pd.DataFrame:
    """The leads posted (else first read) in the window that speak of a place in the box,
    for the map: ``id, lon, lat, score`` and the tooltip's plain-text fields."""
    found = store.leads(since=window[0], until=window[1], limit=_MAP_LIMIT)
    columns = ["id", "lon", "lat", "score", *tooltip.FIELDS]
    found = found[found["lon"].notna() & found["lat"].notna()]
    if bbox is not None:
        west, south, east, north = bbox
        found = found[found["lon"].between(west, east) & found["lat"].between(south, north)]
    if found.empty:
        return pd.DataFrame(columns=columns)
    tips = [
        tooltip.fields(
            first_line(title, body)[:_TIP_CHARS],
            f"web lead #{int(i)} · {source} · score {int(score)}",
            f"posted {people_utc(posted if not pd.isna(posted) else fetched, zone=' UTC')}",
            ("names MMSI " + ", ".join(str(m) for m in mmsi)) if mmsi else "",
        )
        for i, source, score, title, body, posted, fetched, mmsi in zip(
            found["id"],
            found["source"],
            found["score"],
            found["title"],
            found["text"],
            found["posted"],
            found["fetched"],
            found["mmsi"],
            strict=True,
        )
    ]
    return pd.DataFrame(
        [
            {"id": int(i), "lon": float(x), "lat": float(y), "score": int(s), **tip}
            for i, x, y, s, tip in zip(
                found["id"], found["lon"], found["lat"], found["score"], tips, strict=True
            )
        ],
        columns=columns,
    )
