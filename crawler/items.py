"""What the spider yields: a page (or one post of it) as fetched, or a reject with its
reason; the pipelines turn pages into :class:`~surveillance.store.LeadRecord` s."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypeAlias

from surveillance.store.leads import LeadRecord

__all__ = ["Fetched", "PageItem", "RejectItem", "Handoff"]


@dataclass
class PageItem:
    """A page, or one post of a forum or market page (then ``anchor`` is set and ``url``
    ends in ``#anchor``); the body as received (a whole page or an HTML fragment)."""

    source: str
    url: str
    fetched: datetime
    body: bytes
    content_type: str | None
    posted_text: str | None = None  # the post's date as the page writes it
    title: str | None = None
    author: str | None = None
    anchor: str | None = None  # the post's id on the page, or "post-N"
    index: int | None = None  # the post's place on the page, from 0


@dataclass
class RejectItem:
    """A URL that gave no lead, and why (``reason`` a short slug: ``robots``, ``too_big``,
    ``binary``, ``redirect_loop``, ``login_wall``, ``login_failed``, ``not_text:empty``...)."""

    source: str
    url: str
    reason: str
    detail: str
    fetched: datetime


@dataclass
class Fetched:
    """A response received (pages fetched, for the progress line)."""

    source: str
    url: str


#: What the pipelines hand to the ingest run: a lead, a reject, or a fetch to count.
Handoff: TypeAlias = LeadRecord | RejectItem | Fetched
