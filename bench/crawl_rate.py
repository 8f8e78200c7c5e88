"""Crawl rate: pages per second over the fixture site with the pipelines on.

The fixture site (``tests/builders/fixture_site.py``) serves a forum of ``--threads`` made-up
threads of three posts each (each post its own text). Printed, beside the baseline measured
in the same run (the same spider over the same pages with no item pipelines: fetch, parse
and follow only, nothing read, extracted or stored):

- the crawl with the pipelines on (text, dedupe, entities, posted date) storing every post
  as a new lead in PostGIS (``crawler.run.crawl``, what ``coastwatch crawl`` runs);
- the same crawl again, which stores nothing new (every post seen again).

``--proxy`` sends every run through a proxy (``socks5h://HOST:PORT``: the SOCKS route).
Politeness is off (no delay, ``--concurrency`` requests at once): this measures the
machinery, not a site's patience.

    .venv/bin/python bench/crawl_rate.py [--threads 300] [--concurrency 8] [--proxy URL]
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from crawler.context import CrawlContext
from crawler.dedupe import NearDuplicates
from crawler.reactor import in_reactor
from crawler.run import CrawlStats, crawl, scrapy_settings
from crawler.sources import FollowRules, PostSelectors, SourceConfig
from surveillance.embedded import Cluster
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders.fixture_site import fixture_site


def forum_source(base_url: str, threads: int, concurrency: int, proxy: str) -> SourceConfig:
    """The forum and its threads, one lead per post."""
    return SourceConfig(
        name="bench",
        start_urls=(f"{base_url}/forum/",),
        depth=1,
        follow=FollowRules(allow=(r"/forum/thread/\d+$",)),
        posts=PostSelectors(container="article.post", text="div.content", date="time.posted"),
        delay_s=0,
        concurrency=concurrency,
        max_pages=threads + 10,
        proxy=proxy,
    )


def bare_rate(source: SourceConfig, settings: Settings) -> tuple[int, float]:
    """Pages and seconds of the spider with no pipelines (the baseline)."""
    from scrapy.crawler import Crawler, CrawlerRunner

    from crawler.entities.places import Gazetteer
    from crawler.entities.vessels import KnownVessels
    from crawler.spiders.source import SourceSpider

    context = CrawlContext(KnownVessels({}, {}, {}), Gazetteer.packaged(), NearDuplicates())
    scrapy = scrapy_settings(source, settings, context)
    scrapy.set("ITEM_PIPELINES", {}, priority="cmdline")
    crawler = Crawler(SourceSpider, scrapy)

    def start() -> Any:
        return CrawlerRunner(scrapy).crawl(crawler, source=source)

    started = time.perf_counter()
    in_reactor(start)
    seconds = time.perf_counter() - started
    stats = crawler.stats.get_stats() if crawler.stats else {}
    pages = int(stats.get("response_received_count", 0)) - 1  # robots.txt
    return pages, seconds


def warm_up() -> None:
    """Imports and first calls (reactor, trafilatura, dateparser) outside the timings."""
    from crawler.entities import extract
    from crawler.entities.places import Gazetteer
    from crawler.entities.vessels import KnownVessels
    from crawler.posted import posted_time
    from crawler.text import page_text

    in_reactor(lambda: None)
    text = page_text(b"<p>The tanker left Hakata at 02:00, MMSI 431234567.</p>").text
    extract(text, posted=None, known=KnownVessels({}, {}, {}), gazetteer=Gazetteer.packaged())
    posted_time("28 Nov 2026 21:40", language="en", timezone="UTC", fetched=_now())


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=300, help="forum threads (pages)")
    parser.add_argument("--concurrency", type=int, default=8, help="requests at once")
    parser.add_argument("--proxy", default="none", help='"none" or a proxy URL')
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="coastwatch-bench-crawl-"))
    settings = load_settings(
        home=work / "home",
        embedded_port=55494,
        crawl_delay_s=0,
        crawl_concurrency_per_host=args.concurrency,
        crawl_max_pages=args.threads + 10,
    )
    cluster = Cluster(settings)
    runs: list[tuple[str, CrawlStats]] = []
    try:
        cluster.up()
        warm_up()
        with fixture_site(made_up_threads=args.threads) as site, Store.open(settings) as store:
            source = forum_source(site.base_url, args.threads, args.concurrency, args.proxy)
            bare_pages, bare_s = bare_rate(source, settings)
            runs.append(("crawl, pipelines on, every post new", crawl(store, [source], settings)))
            runs.append(("the same crawl again, nothing new", crawl(store, [source], settings)))
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    bare = bare_pages / bare_s
    print(
        f"{bare_pages:,} pages ({args.threads:,} threads of 3 posts and the index), "
        f"{args.concurrency} at once, proxy {args.proxy}"
    )
    print(f"{'':<44}{'pages/s':>10}{'x baseline':>12}{'leads new':>11}{'seen again':>12}")
    print(f"{'baseline: the spider, no pipelines':<44}{bare:>10,.1f}{1:>12.2f}")
    for name, stats in runs:
        print(
            f"{name:<44}{stats.rate:>10,.1f}{stats.rate / bare:>12.2f}"
            f"{stats.leads_new:>11,}{stats.seen_again:>12,}"
        )


if __name__ == "__main__":
    main()
