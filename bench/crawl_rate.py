"""Crawl rate: pages per second over the fixture site with the pipelines on.

The fixture site (``tests/builders/fixture_site.py``) serves a forum of ``--threads`` made-up
threads of three posts each (each post its own text). Printed, beside the baseline measured
in the same run (the same spider over the same pages with no item pipelines: fetch, parse
and follow only, nothing read, extracted or stored):

- the crawl with the pipelines on (text, dedupe, entities, posted date) storing every post
  as a new lead in PostGIS (``crawler.run.crawl``, what ``coastwatch crawl`` runs);
- the same crawl again, which stores nothing new (every post seen again).

``--proxy`` sends every run through a proxy (``socks5h://HOST:PORT``: the SOCKS route).
``--socks`` measures the SOCKS route on this machine: the same forum as a v3 onion host,
reached through the SOCKS5 server of the tests (``tests/builders/socks_server.py``, which
connects onion names to the fixture site), every run on that route; the baseline stays the
direct spider, so the ratios say what the route costs.

Politeness is off (no delay, ``--concurrency`` requests at once): this measures the
machinery, not a site's patience.

    .venv/bin/python -m bench.crawl_rate [--threads 300] [--concurrency 8] [--proxy URL]
    .venv/bin/python -m bench.crawl_rate --socks [--threads 300]

(as a module from the repository root: the fixture site and the SOCKS server are the tests'
own builders)
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import tempfile
import time
from collections.abc import Iterator
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
from tests.builders.fixture_site import ONION_HOST, FixtureSite, fixture_site
from tests.builders.socks_server import SocksServer


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
    robots = int(stats.get("robotstxt/response_count", 0))  # none asked of an onion host
    pages = int(stats.get("response_received_count", 0)) - robots
    return pages, seconds


@contextlib.contextmanager
def socks_route(site: FixtureSite, enabled: bool) -> Iterator[tuple[str, str | None]]:
    """The forum's base URL and proxy on the route measured: the onion host through the
    SOCKS server (``--socks``), or as the site is (the proxy given by ``--proxy``)."""
    if not enabled:
        yield site.base_url, None
        return
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        yield f"http://{ONION_HOST}", socks.url


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
    parser.add_argument(
        "--socks", action="store_true", help="every run through the SOCKS route (an onion host)"
    )
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
            direct = forum_source(site.base_url, args.threads, args.concurrency, args.proxy)
            bare_rate(direct.model_copy(update={"max_pages": 5}), settings)  # Scrapy's first run
            bare_pages, bare_s = bare_rate(direct, settings)
            with socks_route(site, args.socks) as (base_url, socks_proxy):
                source = direct
                if socks_proxy is not None:
                    source = forum_source(base_url, args.threads, args.concurrency, socks_proxy)
                    pages, seconds = bare_rate(source, settings)
                    spider = CrawlStats(pages=pages, seconds=seconds)
                    runs.append(("the spider, no pipelines, through SOCKS", spider))
                new = crawl(store, [source], settings)
                runs.append(("crawl, pipelines on, every post new", new))
                again = crawl(store, [source], settings)
                runs.append(("the same crawl again, nothing new", again))
    finally:
        cluster.destroy()
        shutil.rmtree(work, ignore_errors=True)
    bare = bare_pages / bare_s
    route = "through the SOCKS server (onion host)" if args.socks else f"proxy {args.proxy}"
    print(
        f"{bare_pages:,} pages ({args.threads:,} threads of 3 posts and the index), "
        f"{args.concurrency} at once, {route}"
    )
    print(f"{'':<44}{'pages/s':>10}{'x baseline':>12}{'leads new':>11}{'seen again':>12}")
    baseline = "baseline: the spider, no pipelines" + (", direct" if args.socks else "")
    print(f"{baseline:<44}{bare:>10,.1f}{1:>12.2f}")
    for name, stats in runs:
        stored = "" if name.startswith("the spider") else f"{stats.leads_new:>11,}"
        seen = "" if name.startswith("the spider") else f"{stats.seen_again:>12,}"
        print(f"{name:<44}{stats.rate:>10,.1f}{stats.rate / bare:>12.2f}{stored}{seen}")


if __name__ == "__main__":
    main()
