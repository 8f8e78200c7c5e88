"""The Scrapy settings of the crawler: one flat module, as Scrapy reads it (upper-case names
only), plus :func:`from_coastwatch`, which lays Coastwatch's ``crawl_*`` settings on top.

Politeness on the clear web: robots.txt obeyed (not asked of ``.onion`` hosts, which have no
public crawl policy to honour and where each extra request costs a slow circuit), AutoThrottle,
a user agent that says what it is, a few requests per host at a time. Safety: a size and a
time limit per response, a bounded redirect chain, no JavaScript ever (Scrapy executes none,
and no rendering middleware is installed), executables refused by extension before the
request and by content type before the body is read.

The proxy of a request is chosen in one place, :class:`crawler.middlewares.ProxyRoute`, from
the source's ``proxy`` (``request.meta["proxy"]``); the SOCKS route (``crawler/socks.py``)
is the download handler of http and https, and takes the ``socks5h://`` ones.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from surveillance.settings import Settings

__all__ = ["USER_AGENT", "from_coastwatch"]


def _version() -> str:
    try:
        return version("coastwatch")
    except PackageNotFoundError:  # run from a source tree that is not installed
        return "0"


BOT_NAME = "coastwatch"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"
USER_AGENT = f"Coastwatch/{_version()} (+coastal surveillance research crawler)"

# Politeness: robots.txt on the clear web only (ClearWebRobotsTxt replaces Scrapy's own).
ROBOTSTXT_OBEY = True
ROBOTSTXT_PARSER = "scrapy.robotstxt.ProtegoRobotParser"
ROBOTSTXT_USER_AGENT = "Coastwatch"
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 1.0
DOWNLOAD_DELAY_JITTER = 0.5  # each pause 0.5-1.5 times the delay

# Limits per response; onion requests get the longer timeout and more retries (ProxyRoute).
DOWNLOAD_MAXSIZE = 5 * 1024 * 1024
DOWNLOAD_WARNSIZE = 1024 * 1024
DOWNLOAD_TIMEOUT = 30.0
ONION_DOWNLOAD_TIMEOUT = 180.0
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 2
ONION_RETRY_TIMES = 5
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
#: Refused before the request is sent (by the link's extension) or before the body is read
#: (by the response's Content-Type): ``crawler.middlewares.RefuseBinaries``.
REFUSED_EXTENSIONS = [
    "exe",
    "dll",
    "msi",
    "bat",
    "cmd",
    "scr",
    "com",
    "apk",
    "dmg",
    "pkg",
    "deb",
    "rpm",
    "bin",
    "iso",
    "img",
    "jar",
    "zip",
    "rar",
    "7z",
    "gz",
    "tgz",
    "bz2",
    "xz",
    "tar",
]
REFUSED_CONTENT_TYPES = [
    "application/octet-stream",
    "application/x-msdownload",
    "application/x-dosexec",
    "application/x-executable",
    "application/vnd.microsoft.portable-executable",
    "application/x-msi",
    "application/java-archive",
    "application/vnd.android.package-archive",
    "application/zip",
    "application/x-rar-compressed",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-tar",
]

COOKIES_ENABLED = True
TELNETCONSOLE_ENABLED = False
LOGSTATS_INTERVAL = 0.0
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"

SPIDER_MIDDLEWARES: dict[str, int | None] = {"crawler.middlewares.SpiderErrors": 10}
EXTENSIONS: dict[str, int | None] = {"crawler.limits.SizeLimit": 100}
DOWNLOADER_MIDDLEWARES: dict[str, int | None] = {
    "crawler.middlewares.RefuseBinaries": 50,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.ClearWebRobotsTxt": 100,
    "crawler.middlewares.ProxyRoute": 340,  # before DownloadTimeout (350), Retry (550)
    # Slow circuits (crawler/circuits.py): Scrapy's retries with a doubling pause, and a new
    # Tor circuit (NEWNYM) after failures in a row on the Tor route.
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "crawler.circuits.SlowCircuits": 550,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.RedirectLoops": 600,
}
#: The SOCKS route (``crawler/socks.py``): ``socks5h://`` proxies through python-socks, the
#: rest to Scrapy's HTTP/1.1 handler (direct, or an ``http://`` proxy); never an onion direct.
DOWNLOAD_HANDLERS = {
    "http": "crawler.socks.SocksDownloadHandler",
    "https": "crawler.socks.SocksDownloadHandler",
    "ftp": None,  # web pages and saved copies of them (file://) only
    "s3": None,
    "data": None,
}
ITEM_PIPELINES = {
    "crawler.pipelines.PageTextPipeline": 100,
    "crawler.pipelines.DedupePipeline": 200,
    "crawler.pipelines.ExtractPipeline": 300,
    "crawler.pipelines.HandOffPipeline": 900,
}
#: The pause before a retry (doubled at each), and when to ask Tor for a new circuit.
RETRY_BACKOFF_S = 2.0
RETRY_BACKOFF_MAX_S = 120.0
TOR_NEWNYM_AFTER_FAILURES = 3
TOR_NEWNYM_INTERVAL_S = 10.0


def from_coastwatch(settings: Settings) -> dict[str, Any]:
    """The Scrapy settings that Coastwatch's ``crawl_*`` settings decide."""
    return {
        "DOWNLOAD_TIMEOUT": settings.crawl_timeout_s,
        "ONION_DOWNLOAD_TIMEOUT": settings.crawl_onion_timeout_s,
        "DOWNLOAD_MAXSIZE": settings.crawl_max_page_bytes,
        "DOWNLOAD_WARNSIZE": min(settings.crawl_warn_page_bytes, settings.crawl_max_page_bytes),
        "DOWNLOAD_DELAY": settings.crawl_delay_s,
        "AUTOTHROTTLE_START_DELAY": max(settings.crawl_delay_s, 0.01),
        "CONCURRENT_REQUESTS_PER_DOMAIN": settings.crawl_concurrency_per_host,
        "REDIRECT_MAX_TIMES": settings.crawl_max_redirects,
        "RETRY_TIMES": settings.crawl_retries,
        "ONION_RETRY_TIMES": settings.crawl_onion_retries,
        "RETRY_BACKOFF_S": settings.crawl_retry_backoff_s,
        "RETRY_BACKOFF_MAX_S": settings.crawl_retry_backoff_max_s,
        "TOR_NEWNYM_AFTER_FAILURES": settings.tor_newnym_after_failures,
        "TOR_NEWNYM_INTERVAL_S": settings.tor_newnym_interval_s,
    }
