"""Middlewares of the crawler: what may be fetched, and by which route.

- :class:`RefuseBinaries`: executables and archives refused by the link's extension before
  the request is sent, and by the response's Content-Type before its body is read.
- :class:`ClearWebRobotsTxt`: Scrapy's robots.txt check, not asked of ``.onion`` hosts.
- :class:`RedirectLoops`: Scrapy's redirects, a loop told apart from a long chain.
- :class:`SpiderErrors` (a spider middleware): a page the spider fails on is a reject.
- :class:`ProxyRoute`: the one place a request's proxy is chosen (``request.meta["proxy"]``
  from the source's ``proxy``), with the longer timeout and retries of onion hosts.

Each refusal is a :class:`Refused` (an ``IgnoreRequest``) carrying a reason slug, which the
spider's errback turns into a counted reject.
"""

from __future__ import annotations

import logging
import posixpath
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.redirect import RedirectMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest, StopDownload

from crawler.items import RejectItem
from crawler.onion import is_onion

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler
    from scrapy.http import Headers, Response
    from scrapy.robotstxt import RobotParser

    from crawler.context import CrawlContext
    from crawler.sources import SourceConfig

__all__ = [
    "ClearWebRobotsTxt",
    "ProxyRoute",
    "RedirectLoops",
    "RefuseBinaries",
    "Refused",
    "SpiderErrors",
]

log = logging.getLogger(__name__)


class Refused(IgnoreRequest):
    """A request the crawler will not make or finish, and why (``reason``: a slug)."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason
        self.detail = detail


def _extension(url: str) -> str:
    return posixpath.splitext(urlsplit(url).path)[1].lstrip(".").lower()


class RefuseBinaries:
    """No downloads of executables or archives: a link ending in a refused extension is not
    requested, and a response of a refused type (or sent as an attachment with a refused
    extension) is stopped once its headers arrive."""

    def __init__(self, extensions: list[str], content_types: list[str]) -> None:
        self.extensions = {e.lower() for e in extensions}
        self.content_types = {t.lower() for t in content_types}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RefuseBinaries:
        settings = crawler.settings
        middleware = cls(
            settings.getlist("REFUSED_EXTENSIONS"), settings.getlist("REFUSED_CONTENT_TYPES")
        )
        crawler.signals.connect(middleware.headers_received, signal=signals.headers_received)
        return middleware

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        extension = _extension(request.url)
        if extension in self.extensions:
            raise Refused("binary", f"a .{extension} download, not requested")

    def headers_received(
        self, headers: Headers, body_length: int, request: Request, spider: Spider
    ) -> None:
        content_type = (headers.get(b"Content-Type") or b"").decode("latin-1")
        mime = content_type.split(";")[0].strip().lower()
        disposition = (headers.get(b"Content-Disposition") or b"").decode("latin-1").lower()
        attachment = "attachment" in disposition and any(
            f".{e}" in disposition for e in self.extensions
        )
        if mime in self.content_types or attachment:
            request.meta["refused"] = (
                "binary",
                f"{content_type or 'no type'}, {body_length} bytes: stopped before the body",
            )
            raise StopDownload(fail=True)


class ClearWebRobotsTxt(RobotsTxtMiddleware):
    """robots.txt obeyed on the clear web; onion hosts are not asked (see settings)."""

    async def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if is_onion(urlsplit(request.url).hostname or ""):
            return
        await super().process_request(request)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            raise Refused("robots", "disallowed by the site's robots.txt") from None


class RedirectLoops(RedirectMiddleware):
    """Redirects as Scrapy follows them, but a redirect back to a URL of the same chain is
    a ``redirect_loop`` and a chain past ``REDIRECT_MAX_TIMES`` is ``too_many_redirects``
    (Scrapy's duplicate filter would otherwise drop a loop without a word)."""

    def _redirect(self, redirected: Request, request: Request, reason: Any) -> Request:
        chain = [*request.meta.get("redirect_urls", []), request.url]
        if redirected.url in chain:
            path = " -> ".join([*chain, redirected.url])
            raise Refused("redirect_loop", f"redirects in a loop: {path}")
        try:
            return super()._redirect(redirected, request, reason)
        except IgnoreRequest:
            raise Refused(
                "too_many_redirects", f"more than {self.max_redirect_times} redirects"
            ) from None


class SpiderErrors:
    """A page the spider could not parse (hostile markup meeting a bug) is a reject
    ``failed:spider`` with the error, not a line in a log."""

    def process_spider_exception(
        self, response: Response, exception: Exception, spider: Spider | None = None
    ) -> list[RejectItem]:
        log.warning("the spider failed on %s: %s", response.url, exception)
        detail = f"{type(exception).__name__}: {exception}"[:500]
        source = getattr(spider, "source", None)
        name = source.name if source is not None else "crawl"
        return [RejectItem(name, response.url, "failed:spider", detail, datetime.now(UTC))]


class ProxyRoute:
    """Sets each request's route from its source: ``proxy = "none"`` goes direct, an
    ``http://`` or ``socks5h://`` proxy is put in ``request.meta["proxy"]``, ``"tor"`` is the
    SOCKS URL of the Tor in use (``CrawlContext.tor_proxy``). Onion hosts get
    ``ONION_DOWNLOAD_TIMEOUT`` and ``ONION_RETRY_TIMES``."""

    def __init__(
        self, source: SourceConfig, context: CrawlContext, timeout_s: float, retries: int
    ) -> None:
        self.proxy = context.tor_proxy if source.proxy == "tor" else source.proxy
        self.onion_timeout_s = timeout_s
        self.onion_retries = retries

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ProxyRoute:
        settings = crawler.settings
        return cls(
            settings["COASTWATCH_SOURCE"],
            settings["COASTWATCH_CRAWL"],
            settings.getfloat("ONION_DOWNLOAD_TIMEOUT"),
            settings.getint("ONION_RETRY_TIMES"),
        )

    def process_request(self, request: Request, spider: Spider | None = None) -> None:
        if self.proxy is None:
            raise Refused("no_proxy", "the source needs Tor, and no Tor is in use")
        if self.proxy != "none":
            request.meta.setdefault("proxy", self.proxy)
        if is_onion(urlsplit(request.url).hostname or ""):
            if request.meta.get("proxy") is None:
                raise Refused("no_proxy", "an onion host is reached through Tor only")
            request.meta.setdefault("download_timeout", self.onion_timeout_s)
            request.meta.setdefault("max_retry_times", self.onion_retries)
