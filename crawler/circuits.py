"""Slow circuits: Scrapy's retries with an exponential back-off, and on the Tor route a new
circuit (NEWNYM through Tor's control port) after repeated failures in a row.

It takes the place of Scrapy's RetryMiddleware (same priority, same RETRY_* settings, the
``max_retry_times`` a request carries: onion requests get more). Its own settings, with units:

- ``RETRY_BACKOFF_S``: the pause before the first retry, doubled at each one after;
- ``RETRY_BACKOFF_MAX_S``: the longest pause;
- ``TOR_SOCKS_URL``: the Tor in use (a request whose proxy is this URL is on the Tor route);
- ``TOR_CONTROL_HOST``, ``TOR_CONTROL_PORT``, ``TOR_CONTROL_PASSWORD`` (unset: cookie):
  its control port, without which no new circuit is asked;
- ``TOR_NEWNYM_AFTER_FAILURES``: failures in a row on the Tor route before a NEWNYM;
- ``TOR_NEWNYM_INTERVAL_S``: the least pause between two (Tor ignores closer ones).

The pause is awaited in the middleware: the request keeps its place among the downloader's
active requests, so the crawl neither closes early nor floods a struggling host meanwhile.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.utils.response import response_status_message

from crawler.socks import CIRCUIT_RENEWED
from crawler.tor import TorControl, TorError, require_stem

if TYPE_CHECKING:
    from typing import Self

    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = ["SlowCircuits", "backoff_s"]

logger = logging.getLogger(__name__)


def backoff_s(retry: int, *, first_s: float, max_s: float) -> float:
    """The pause before retry number ``retry`` (1, 2, ...): ``first_s * 2**(retry - 1)``,
    at most ``max_s``."""
    if retry < 1 or first_s <= 0:
        return 0.0
    return float(min(max_s, first_s * 2.0 ** min(retry - 1, 64)))


def _endpoint(url: object) -> tuple[str, int] | None:
    if not isinstance(url, str) or "://" not in url:
        return None
    parts = urlsplit(url)
    try:
        port = parts.port
    except ValueError:
        return None
    return (parts.hostname or "", port or 0)


class SlowCircuits(RetryMiddleware):
    """Retries with back-off; NEWNYM after ``TOR_NEWNYM_AFTER_FAILURES`` failures in a row
    on the Tor route (a response through it, any response, ends the row)."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler.settings)
        self.crawler = crawler
        settings = crawler.settings
        self.first_backoff_s = settings.getfloat("RETRY_BACKOFF_S", 2.0)
        self.max_backoff_s = settings.getfloat("RETRY_BACKOFF_MAX_S", 120.0)
        self.tor_socks_url: str | None = settings.get("TOR_SOCKS_URL")
        self.tor = _endpoint(self.tor_socks_url)
        self.control_host: str = settings.get("TOR_CONTROL_HOST") or "127.0.0.1"
        self.control_port: int | None = settings.getint("TOR_CONTROL_PORT") or None
        password = settings.get("TOR_CONTROL_PASSWORD")
        self._control_password: str | None = str(password) if password else None
        self.newnym_after = max(1, settings.getint("TOR_NEWNYM_AFTER_FAILURES", 3))
        self.newnym_interval_s = settings.getfloat("TOR_NEWNYM_INTERVAL_S", 10.0)
        self.failures_in_a_row = 0
        self._control: TorControl | None = None
        self._control_broken = False
        if self.tor is not None and self.control_port is not None:
            require_stem()  # a clear error now (pip install 'coastwatch[tor]'), not mid-crawl

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Self:
        middleware = cls(crawler)
        crawler.signals.connect(middleware.close, signal=signals.spider_closed)
        return middleware

    def _on_tor(self, request: Request) -> bool:
        return self.tor is not None and _endpoint(request.meta.get("proxy")) == self.tor

    async def process_response(  # type: ignore[override]
        self, request: Request, response: Response
    ) -> Request | Response:
        if self._on_tor(request):
            self.failures_in_a_row = 0
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._pause(retry)
        return retry

    async def process_exception(  # type: ignore[override]
        self, request: Request, exception: Exception
    ) -> Request | Response | None:
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get(
            "dont_retry", False
        ):
            return None
        if self._on_tor(request):
            self.failures_in_a_row += 1
            if self.failures_in_a_row >= self.newnym_after:
                await self._new_circuit()
        retry = self._retry(request, exception)
        if retry is not None:
            await self._pause(retry)
        return retry

    async def _pause(self, retry: Request) -> None:
        pause_s = backoff_s(
            int(retry.meta.get("retry_times", 1)),
            first_s=self.first_backoff_s,
            max_s=self.max_backoff_s,
        )
        stats = self.crawler.stats
        if stats is not None:
            stats.inc_value("retry/backoff_ms", round(pause_s * 1000))
        if pause_s > 0:
            await asyncio.sleep(pause_s)

    async def _new_circuit(self) -> None:
        stats = self.crawler.stats
        if self.control_port is None or self._control_broken:
            if stats is not None:
                stats.inc_value("tor/newnym_no_control_port")
            return
        try:
            renewed = await asyncio.to_thread(self._ask_newnym)
        except TorError as error:
            logger.error("no new Tor circuits for this crawl: %s", error)
            self._control_broken = True
            return
        if not renewed:
            if stats is not None:
                stats.inc_value("tor/newnym_too_soon")
            return
        self.failures_in_a_row = 0
        if stats is not None:
            stats.inc_value("tor/newnym")
        self.crawler.signals.send_catch_log(CIRCUIT_RENEWED, proxy=self.tor_socks_url)

    def _ask_newnym(self) -> bool:
        if self._control is None:
            assert self.control_port is not None
            self._control = TorControl.connect(
                self.control_port,
                host=self.control_host,
                password=self._control_password,
                newnym_interval_s=self.newnym_interval_s,
            )
        return self._control.new_circuit()

    def close(self, **_: Any) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
