"""Fetch URLs with a bare Scrapy spider in a child process (Scrapy's reactor runs once per
process), through the download route under test, and read back what happened.

``fetch([url], proxy=socks.url)`` returns a :class:`Fetched`: per URL its status, body size
and hash, or the error's class and message; Scrapy's stats; and every name the child asked
its local resolver for (``socket.getaddrinfo`` and ``gethostbyname``, which aiohttp, Twisted
and python-socks go through), so a test can check that a ``.onion`` name never reached it.
"""

from __future__ import annotations

import hashlib
import json
import os
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Fetched", "Outcome", "ROUTE_SETTINGS", "fetch"]

ROUTE_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_HANDLERS": {
        "http": "crawler.socks.SocksDownloadHandler",
        "https": "crawler.socks.SocksDownloadHandler",
    },
    "TWISTED_REACTOR": "twisted.internet.asyncioreactor.AsyncioSelectorReactor",
    "ROBOTSTXT_OBEY": False,
    "TELNETCONSOLE_ENABLED": False,
    "LOG_LEVEL": "INFO",
    "RETRY_ENABLED": False,
    "DOWNLOAD_DELAY": 0,
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
}
_ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Outcome:
    """What became of one URL: a response (``status``, ``size_bytes``, ``sha256``) or an
    ``error`` (the exception's class name) with its ``message``."""

    url: str
    status: int | None = None
    size_bytes: int = 0
    sha256: str | None = None
    error: str | None = None
    message: str | None = None


@dataclass(frozen=True)
class Fetched:
    """The child's report."""

    outcomes: dict[str, Outcome]
    stats: dict[str, Any]
    resolved: list[str]
    log: str = field(repr=False, default="")

    def __getitem__(self, url: str) -> Outcome:
        return self.outcomes[url]


def fetch(
    urls: list[str],
    *,
    proxy: str | None = None,
    settings: dict[str, Any] | None = None,
    meta: dict[str, Any] | None = None,
    limit_s: float = 120.0,
) -> Fetched:
    """Fetch ``urls`` (each with ``meta["proxy"] = proxy``) in a child process."""
    job = {
        "urls": urls,
        "proxy": proxy,
        "meta": meta or {},
        "settings": {**ROUTE_SETTINGS, **(settings or {})},
    }
    env = {**os.environ, "PYTHONPATH": str(_ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "tests.builders.scrapy_fetch"],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        timeout=limit_s,
        cwd=_ROOT,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise AssertionError(f"the fetch child failed ({done.returncode}):\n{done.stderr}")
    report = json.loads(done.stdout)
    outcomes = {url: Outcome(**value) for url, value in report["outcomes"].items()}
    return Fetched(outcomes, report["stats"], report["resolved"], done.stderr)


def _child() -> None:
    """Run the job read from stdin; print the report as JSON on stdout."""
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from twisted.python.failure import Failure

    job = json.load(sys.stdin)
    resolved: list[str] = []

    def spy(name: str) -> None:
        real = getattr(socket, name)

        def asked(host: Any, *args: Any, **kwargs: Any) -> Any:
            resolved.append(host.decode() if isinstance(host, bytes) else str(host))
            return real(host, *args, **kwargs)

        setattr(socket, name, asked)

    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        spy(name)
    outcomes: dict[str, dict[str, Any]] = {}

    class Fetch(scrapy.Spider):
        name = "fetch"

        async def start(self) -> Any:
            for url in job["urls"]:
                meta = {**job["meta"], "url": url}
                if job["proxy"] is not None:
                    meta["proxy"] = job["proxy"]
                yield scrapy.Request(
                    url, meta=meta, callback=self.got, errback=self.failed, dont_filter=True
                )

        def got(self, response: scrapy.http.Response) -> None:
            outcomes[response.meta["url"]] = {
                "url": response.meta["url"],
                "status": response.status,
                "size_bytes": len(response.body),
                "sha256": hashlib.sha256(response.body).hexdigest(),
            }

        def failed(self, failure: Failure) -> None:
            request = failure.request  # type: ignore[attr-defined]
            outcomes[request.meta["url"]] = {
                "url": request.meta["url"],
                "error": type(failure.value).__name__,
                "message": str(failure.value),
            }

    process = CrawlerProcess(job["settings"], install_root_handler=True)
    crawler = process.create_crawler(Fetch)
    process.crawl(crawler)
    process.start(install_signal_handlers=False)
    stats = {key: value for key, value in (crawler.stats.get_stats() or {}).items()}
    print(json.dumps({"outcomes": outcomes, "stats": stats, "resolved": resolved}, default=str))


if __name__ == "__main__":
    _child()
