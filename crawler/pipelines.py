"""The item pipelines: a page's way from bytes to a lead, a stage each.

1. :class:`PageTextPipeline`: the text of the page (``crawler.text.page_text``); what is not
   text (binary, empty, undecodable) becomes a reject ``not_text:<reason>``.
2. :class:`DedupePipeline`: its content hash and MinHash signature (``crawler.dedupe``), and
   the stored or earlier lead it near-duplicates (against this run and the store's
   signatures, loaded before the crawl).
3. :class:`ExtractPipeline`: the entities, score, vessels and place
   (``crawler.entities.extract``) and the posted time: a ``LeadRecord``.
4. :class:`HandOffPipeline`: leads and rejects handed to the ingest run (which stores them
   in the main thread), and every response counted.

Items a stage does not handle pass through it unchanged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from scrapy import signals

from crawler.items import Fetched, PageItem, RejectItem
from crawler.posted import posted_time
from surveillance.store.leads import LeadRecord

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Response

    from crawler.context import CrawlContext
    from crawler.sources import SourceConfig
    from crawler.text import PageText

__all__ = [
    "DedupePipeline",
    "ExtractPipeline",
    "HandOffPipeline",
    "PageTextPipeline",
    "ReadPage",
]

log = logging.getLogger(__name__)


@dataclass
class ReadPage:
    """A page with its text, then its hash and signature (set by :class:`DedupePipeline`)."""

    item: PageItem
    page: PageText
    content_hash: str = ""
    signature: bytes = b""
    same_as: str | None = None


class _Stage:
    """A pipeline stage with the crawl's context and its source. A page that makes a stage
    fail (hostile input meeting a bug) becomes a reject ``failed:<stage>``, not a lost item."""

    def __init__(self, context: CrawlContext, source: SourceConfig) -> None:
        self.context = context
        self.source = source

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        return cls(crawler.settings["COASTWATCH_CRAWL"], crawler.settings["COASTWATCH_SOURCE"])

    def process_item(self, item: Any, spider: Spider | None = None) -> Any:
        page = item.item if isinstance(item, ReadPage) else item
        try:
            return self.process(item)
        except Exception as exc:
            if not isinstance(page, PageItem):
                raise
            log.exception("%s failed on %s", type(self).__name__, page.url)
            reason = f"failed:{type(self).__name__.removesuffix('Pipeline').lower()}"
            detail = f"{type(exc).__name__}: {exc}"[:500]
            return RejectItem(page.source, page.url, reason, detail, page.fetched)

    def process(self, item: Any) -> Any:
        """This stage's work on ``item`` (what it does not handle, it returns as it is)."""
        return item


class PageTextPipeline(_Stage):
    """Bytes to text (encoding, main text, language)."""

    def process(self, item: Any) -> Any:
        if not isinstance(item, PageItem):
            return item
        from crawler.text import NotText, page_text

        try:
            page = page_text(item.body, content_type=item.content_type, url=item.url)
        except NotText as exc:
            return RejectItem(
                item.source, item.url, f"not_text:{exc.reason}", str(exc), item.fetched
            )
        return ReadPage(item, page)


class DedupePipeline(_Stage):
    """The exact hash, and the near-duplicate this text is of, if any."""

    def process(self, item: Any) -> Any:
        if not isinstance(item, ReadPage):
            return item
        from crawler.dedupe import content_hash, signature

        item.content_hash = content_hash(item.page.text)
        item.signature = signature(item.page.text)
        near = self.context.near
        match = near.match(item.signature)
        if match is None:
            near.add(item.content_hash, item.signature)
        elif match != item.content_hash:
            item.same_as = match
        return item


class ExtractPipeline(_Stage):
    """Entities, score and place of the text, and its posted time: the lead."""

    def process(self, item: Any) -> Any:
        if not isinstance(item, ReadPage):
            return item
        from crawler.entities import extract

        page, fetched = item.page, item.item.fetched
        posted = posted_time(
            item.item.posted_text,
            language=page.language,
            timezone=self.source.timezone,
            fetched=fetched,
        )
        findings = extract(
            page.text, posted=posted, known=self.context.known, gazetteer=self.context.gazetteer
        )
        return LeadRecord(
            source=item.item.source,
            url=item.item.url,
            fetched=fetched,
            text=page.text,
            content_hash=item.content_hash,
            posted=posted,
            title=item.item.title or page.title,
            language=page.language,
            score=findings.score,
            entities=[entity.as_json() for entity in findings.entities],
            mmsi=list(findings.mmsi),
            lon=findings.lon,
            lat=findings.lat,
            minhash=item.signature,
            same_as=item.same_as,
        )


class HandOffPipeline(_Stage):
    """Leads and rejects to the ingest run; each response received counted."""

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Any:
        stage = super().from_crawler(crawler)
        crawler.signals.connect(stage.response_received, signal=signals.response_received)
        return stage

    def response_received(self, response: Response, request: Request, spider: Spider) -> None:
        if not request.url.endswith("/robots.txt"):
            self.context.hand_off(Fetched(self.source.name, response.url))

    def process(self, item: Any) -> Any:
        if isinstance(item, LeadRecord | RejectItem):
            self.context.hand_off(item)
        return item
