"""One crawl: Scrapy fetches and the pipelines read the pages in the reactor's thread; the
leads and rejects they hand off are stored here, in the caller's thread, through the one
ingest contract (:func:`surveillance.ingest.run`):

- the source is :class:`CrawlFeed`, the hand-off queue (with a tick when it is quiet, so
  that what has arrived is stored while slow pages are still on their way);
- the parse is :func:`parse_handoffs`, which batches leads and rejects;
- the writer is :class:`LeadWriter`: ``store.write_leads`` (a text stored before becomes a
  sighting, a URL seen before only moves its last_seen) and the quarantine.
"""

from __future__ import annotations

import logging
import queue
import socket
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pandas as pd

from crawler.context import CrawlContext, CrawlEnd
from crawler.items import Fetched, Handoff, RejectItem
from crawler.reactor import in_reactor
from crawler.sources import LoginSecrets, SourceConfig
from surveillance.errors import ConfigError, DataRefused, InputError
from surveillance.ingest import REJECT_COLUMNS, IngestStats, Source, quarantine_frame, run
from surveillance.store.leads import LeadCounts, LeadRecord

if TYPE_CHECKING:
    from scrapy.crawler import CrawlerRunner

    from crawler.tor import TorRoute
    from surveillance.settings import Settings
    from surveillance.store import Store

__all__ = [
    "CrawlFeed",
    "CrawlStats",
    "LeadBatch",
    "LeadWriter",
    "crawl",
    "parse_handoffs",
    "scrapy_settings",
]

log = logging.getLogger(__name__)

#: Leads and rejects stored together (one transaction each batch).
BATCH_RECORDS = 50
#: How long the feed waits on a quiet queue before it lets the parse store what it holds.
TICK_S = 0.5
#: How long a proxy may take to accept a connection before the crawl says it is down.
PROXY_CONNECT_S = 5.0


@dataclass
class CrawlStats:
    """What a crawl did: pages fetched, leads stored new or seen again, rejects by reason,
    and the sources that could not be reached at all (source name -> why)."""

    pages: int = 0
    leads_new: int = 0
    sightings: int = 0  # a text stored before, read at a new URL (a mirror, a near-duplicate)
    unchanged: int = 0  # a page read before, as it was
    rejected: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    unreachable: dict[str, str] = field(default_factory=dict)
    errors: tuple[str, ...] = ()

    @property
    def seen_again(self) -> int:
        return self.sightings + self.unchanged

    @property
    def rate(self) -> float:
        """Pages per second."""
        return self.pages / self.seconds if self.seconds else 0.0


@dataclass
class LeadBatch:
    """Leads and rejects handed off together; ``pages``: responses by source. The writer
    notes what it stored in ``written``."""

    records: list[LeadRecord]
    rejects: pd.DataFrame  # REJECT_COLUMNS, plus the source of each
    counts: Counter[str]
    pages: Counter[str]
    written: LeadCounts = field(default_factory=LeadCounts)


class CrawlFeed(Source["Handoff | None"]):
    """The hand-offs of a running crawl, until it ends; ``None`` when quiet for a tick."""

    name = "crawl"

    def __init__(self, context: CrawlContext, tick_s: float = TICK_S) -> None:
        self.context = context
        self.tick_s = tick_s
        self.errors: tuple[str, ...] = ()

    def read(self) -> Iterator[Handoff | None]:
        while True:
            try:
                item = self.context.handoffs.get(timeout=self.tick_s)
            except queue.Empty:
                yield None
                continue
            if isinstance(item, CrawlEnd):
                self.errors = item.errors
                return
            yield item


def _batch(records: list[LeadRecord], rejects: list[RejectItem], pages: Counter[str]) -> LeadBatch:
    frame = pd.DataFrame(
        {
            "reason": [r.reason for r in rejects],
            "raw": [r.url for r in rejects],
            "ts": [r.fetched.timestamp() for r in rejects],
            "detail": [r.detail for r in rejects],
            "source": [r.source for r in rejects],
        },
        columns=[*REJECT_COLUMNS, "source"],
    )
    counts = Counter({"pages": sum(pages.values()), "leads_read": len(records)})
    return LeadBatch(records, frame, +counts, pages)


def parse_handoffs(
    stream: Iterable[Handoff | None], batch_records: int = BATCH_RECORDS
) -> Iterator[LeadBatch]:
    """Hand-offs into batches: at most ``batch_records`` leads and rejects, cut short by a
    quiet tick (``None``) so nothing waits for a slow page."""
    records: list[LeadRecord] = []
    rejects: list[RejectItem] = []
    pages: Counter[str] = Counter()
    for item in stream:
        if isinstance(item, LeadRecord):
            records.append(item)
        elif isinstance(item, RejectItem):
            rejects.append(item)
        elif isinstance(item, Fetched):
            pages[item.source] += 1
        held = len(records) + len(rejects)
        if held >= batch_records or (item is None and (held or pages)):
            yield _batch(records, rejects, pages)
            records, rejects, pages = [], [], Counter()
    if records or rejects or pages:
        yield _batch(records, rejects, pages)


class LeadWriter:
    """Stores each batch's leads (``store.write_leads``) and quarantines its rejects under
    their source's name; keeps the crawl's running figures."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.totals = CrawlStats()
        self.pages_by_source: Counter[str] = Counter()
        self.unreachable: dict[str, str] = {}

    def load(self, batch: LeadBatch) -> None:
        refused: list[RejectItem] = []
        if batch.records:
            batch.written, refused = self._write(batch.records)
        rejects = batch.rejects
        if refused:
            rejects = pd.concat([rejects, _batch([], refused, Counter()).rejects])
        for source, rows in rejects.groupby("source", sort=False):
            frame = quarantine_frame(str(source), rows[REJECT_COLUMNS], time.time())
            self.store.quarantine(frame)
        for source, reason, detail in rejects[["source", "reason", "detail"]].itertuples(
            index=False
        ):
            if reason == "unreachable":
                self.unreachable.setdefault(str(source), str(detail))
        self.pages_by_source.update(batch.pages)
        totals = self.totals
        totals.pages += sum(batch.pages.values())
        totals.leads_new += batch.written.new
        totals.sightings += batch.written.sightings
        totals.unchanged += batch.written.unchanged
        totals.rejected.update(str(r) for r in rejects["reason"])

    def _write(self, records: list[LeadRecord]) -> tuple[LeadCounts, list[RejectItem]]:
        """The batch in one transaction; if the store refuses it (a value it cannot hold),
        each lead alone, those refused set aside as rejects ``refused_by_store``."""
        try:
            return self.store.write_leads(records), []
        except DataRefused:
            pass
        counts, refused = LeadCounts(), []
        for record in records:
            try:
                counts.add(self.store.write_leads([record]))
            except DataRefused as exc:
                why = str(exc)[:500]
                refused.append(
                    RejectItem(record.source, record.url, "refused_by_store", why, record.fetched)
                )
        return counts, refused

    def finish(self, stats: IngestStats) -> None:
        stats.messages += self.totals.pages
        stats.positions += self.totals.leads_new
        stats.counts.update(
            {"sightings": self.totals.sightings, "unchanged": self.totals.unchanged}
        )


def scrapy_settings(
    source: SourceConfig,
    settings: Settings,
    context: CrawlContext,
    tor: TorRoute | None = None,
) -> Any:  # scrapy.settings.Settings
    """The Scrapy settings of one source's crawler: the project's module, Coastwatch's
    ``crawl_*`` settings on top, the Tor in use, then the source's own rate."""
    from scrapy.settings import Settings as ScrapySettings

    from crawler.settings import from_coastwatch

    scrapy = ScrapySettings()
    scrapy.setmodule("crawler.settings", priority="project")
    scrapy.update(from_coastwatch(settings), priority="cmdline")
    if tor is not None:
        from crawler.tor import scrapy_settings as tor_settings

        scrapy.update(tor_settings(tor), priority="cmdline")
    if source.delay_s is not None:
        scrapy.set("DOWNLOAD_DELAY", source.delay_s, priority="spider")
        scrapy.set("AUTOTHROTTLE_START_DELAY", max(source.delay_s, 0.01), priority="spider")
    if source.concurrency is not None:
        scrapy.set("CONCURRENT_REQUESTS_PER_DOMAIN", source.concurrency, priority="spider")
    scrapy.set("COASTWATCH_CRAWL", context, priority="cmdline")
    scrapy.set("COASTWATCH_SOURCE", source, priority="cmdline")
    return scrapy


def _start(
    context: CrawlContext,
    plan: list[tuple[SourceConfig, LoginSecrets]],
    settings: Settings,
    tor: TorRoute | None,
) -> CrawlerRunner:
    """In the reactor's thread: a crawler per source, all at once; the context is told
    when the last one ends."""
    from scrapy.crawler import Crawler, CrawlerRunner
    from twisted.internet.defer import DeferredList

    from crawler.spiders.source import SourceSpider

    runner = CrawlerRunner(scrapy_settings(plan[0][0], settings, context))
    started = []
    for source, secrets in plan:
        crawler = Crawler(SourceSpider, scrapy_settings(source, settings, context, tor))
        started.append(
            runner.crawl(
                crawler, source=source, secrets=secrets, max_pages=settings.crawl_max_pages
            )
        )

    def ended(results: list[tuple[bool, Any]]) -> None:
        errors = tuple(
            f"{source.name}: {outcome.getErrorMessage()}"
            for (source, _), (ok, outcome) in zip(plan, results, strict=True)
            if not ok
        )
        context.finish(errors)

    DeferredList(started, consumeErrors=True).addCallback(ended)
    return runner


def _proxy_answers(proxy: str, source: str) -> None:
    """A clear error now, rather than every page failing later, when a proxy is down."""
    parts = urlsplit(proxy)
    host, port = parts.hostname or "", parts.port or 0
    try:
        with socket.create_connection((host, port), timeout=PROXY_CONNECT_S):
            pass
    except OSError as exc:
        raise InputError(
            f"the proxy {proxy} of source {source} does not answer: {exc.strerror or exc}",
            hint="start it (or Tor), or give another with --proxy",
        ) from None


def _near_duplicates(store: Store) -> Any:
    from crawler.dedupe import NearDuplicates

    near = NearDuplicates()
    for content_hash, signature in store.lead_signatures():
        near.add(content_hash, signature)
    return near


def crawl(
    store: Store,
    sources: list[SourceConfig],
    settings: Settings,
    *,
    progress: Callable[[CrawlStats], None] | None = None,
    tor: TorRoute | None = None,
    environ: Mapping[str, str] | None = None,
) -> CrawlStats:
    """Crawl ``sources`` into ``store``'s leads; ``progress`` sees the running figures after
    every batch. ``tor``: the Tor in use (``crawler.tor.tor_route``), for sources with
    ``proxy = "tor"``; ``environ``: where login credentials are read (default: the
    process's environment)."""
    from crawler.entities.places import Gazetteer
    from crawler.entities.vessels import KnownVessels

    if not sources:
        raise ConfigError("nothing to crawl: no sources")
    tor_proxy = None if tor is None else tor.socks_url
    for source in sources:
        proxy = tor_proxy if source.proxy == "tor" else source.proxy
        if proxy is None:
            raise ConfigError(
                f'source {source.name} uses proxy = "tor", and no Tor is in use',
                hint="give the SOCKS port of a running Tor with --proxy socks5h://HOST:PORT",
            )
        if proxy != "none":
            _proxy_answers(proxy, source.name)
    plan = [(source, LoginSecrets.of(source, environ)) for source in sources]
    context = CrawlContext(
        known=KnownVessels.from_store(store),
        gazetteer=Gazetteer.packaged(),
        near=_near_duplicates(store),
        tor_proxy=tor_proxy,
    )
    feed, writer = CrawlFeed(context), LeadWriter(store)
    started = time.perf_counter()
    runner = in_reactor(_start, context, plan, settings, tor)

    def report(_: LeadBatch) -> None:
        writer.totals.seconds = time.perf_counter() - started
        if progress is not None:
            progress(writer.totals)

    try:
        run(feed, parse_handoffs, writer, progress=report)
    except BaseException:
        in_reactor(runner.stop)  # Ctrl-C or a store error: no crawler left running
        raise
    stats = writer.totals
    stats.seconds = time.perf_counter() - started
    stats.errors = feed.errors
    stats.unreachable = {
        name: why for name, why in writer.unreachable.items() if not writer.pages_by_source[name]
    }
    return stats
