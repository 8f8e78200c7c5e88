"""The one spider: it crawls a :class:`~crawler.sources.SourceConfig` and only parses,
yielding a :class:`~crawler.items.PageItem` per page (or per post, where the source names
its post selectors) and a :class:`~crawler.items.RejectItem` for what gives no page.

It follows the source's links up to ``depth`` hops from a start URL (pagination links
keep the hop count of their page), at most ``max_pages`` URLs, and logs in first when
the source says how. Effects (text, dedupe, extraction, storing) are the pipelines'.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from scrapy import Request, Spider
from scrapy.exceptions import (
    CannotResolveHostError,
    DownloadCancelledError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
    StopDownload,
)
from scrapy.http import Response, TextResponse
from scrapy.linkextractors import IGNORED_EXTENSIONS, LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError

from crawler.items import PageItem, RejectItem
from crawler.middlewares import Refused
from crawler.sources import FormLogin, LoginSecrets, SourceConfig
from surveillance.redaction import mask_secrets

if TYPE_CHECKING:
    from parsel import Selector, SelectorList
    from twisted.python.failure import Failure

__all__ = ["SourceSpider"]

log = logging.getLogger(__name__)

_PASSWORD_FORM = "//form[.//input[@type='password']]"
_UNREACHABLE = (
    CannotResolveHostError,
    DownloadConnectionRefusedError,
    DownloadFailedError,
    ConnectionError,
)
_Output = Iterator[PageItem | RejectItem | Request]


def _now() -> datetime:
    return datetime.now(UTC)


def _text_of(nodes: SelectorList[Selector]) -> str | None:
    """An element's date as the page gives it: its ``datetime`` attribute, else its text."""
    if not nodes:
        return None
    node = nodes[0]
    written = node.attrib.get("datetime") or " ".join(node.xpath("string()").get("").split())
    return written or None


class SourceSpider(Spider):
    """Crawls one source (see the module's docstring)."""

    name = "source"

    def __init__(
        self,
        source: SourceConfig,
        secrets: LoginSecrets | None = None,
        max_pages: int = 500,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.source = source
        self.secrets = secrets or LoginSecrets()
        self.max_pages = source.max_pages or max_pages
        self.allowed_domains = list(source.domains)
        self._asked: set[str] = set()
        refused = set(IGNORED_EXTENSIONS) - {"exe", "msi", "apk", "dmg", "zip", "rar", "7z"}
        self._links = LinkExtractor(
            allow=source.follow.allow,
            deny=source.follow.deny,
            restrict_css=source.follow.css,
            restrict_xpaths=source.follow.xpath,
            deny_extensions=sorted(refused),  # executables are asked for, and refused, counted
        )

    # requests

    def _request(self, url: str, hops: int, **kwargs: Any) -> Request | None:
        """A request for ``url`` unless asked for already or over ``max_pages``."""
        url = url.split("#", 1)[0]
        if url in self._asked or len(self._asked) >= self.max_pages or not self._on_site(url):
            return None
        self._asked.add(url)
        if self.secrets.cookies:
            kwargs.setdefault("cookies", self.secrets.cookies)
        return Request(url, callback=self.parse, errback=self.failed, meta={"hops": hops}, **kwargs)

    def _on_site(self, url: str) -> bool:
        """True for a URL of the source's hosts (ports aside; sub-domains included), or of
        its saved copy's folders (``file://`` start URLs)."""
        if url.startswith("file:"):
            return any(url.startswith(folder) for folder in self.source.folders)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        host = (parts.hostname or "").lower()
        return any(host == d or host.endswith(f".{d}") for d in self.source.domains)

    def _starts(self) -> Iterator[Request]:
        for url in self.source.start_urls:
            request = self._request(url, 0)
            if request is not None:
                yield request

    async def start(self) -> AsyncIterator[Any]:
        login = self.source.login
        if isinstance(login, FormLogin) and not self.secrets.missing:
            yield Request(
                login.url, callback=self.login_form, errback=self.failed, dont_filter=True
            )
            return
        if self.secrets.missing:
            names = ", ".join(self.secrets.missing)
            yield RejectItem(
                self.source.name,
                login.url if isinstance(login, FormLogin) else self.source.start_urls[0],
                "login_failed",
                f"not logged in: the environment does not set {names}",
                _now(),
            )
        for request in self._starts():
            yield request

    # login

    def login_form(self, response: Response) -> _Output:
        """Fill the login form (its hidden fields as they came) and post it."""
        login = self.source.login
        assert isinstance(login, FormLogin)
        if not isinstance(response, TextResponse):
            yield self._reject(response.url, "login_failed", "the login page is not a page")
            yield from self._starts()
            return
        forms = response.css(login.form) if login.form else response.xpath(_PASSWORD_FORM)
        if not forms:
            yield self._reject(response.url, "login_failed", "no login form on the login page")
            yield from self._starts()
            return
        from form2request import form2request

        data = {
            login.user_field: self.secrets.user or "",
            login.password_field: self.secrets.password or "",
        }
        yield form2request(forms[0], data, click=False).to_scrapy(
            callback=self.logged_in, errback=self.failed, dont_filter=True
        )

    def logged_in(self, response: Response) -> _Output:
        """After the login: crawl, or say that the site refused it (the form came back)."""
        if isinstance(response, TextResponse) and response.xpath(_PASSWORD_FORM):
            yield self._reject(response.url, "login_failed", "the site refused the login")
        else:
            log.info("%s: logged in", self.source.name)
        yield from self._starts()

    # pages

    def parse(self, response: Response, **kwargs: Any) -> _Output:
        """A page: its posts (or itself) as items, then its pagination and links."""
        fetched = _now()
        content_type = response.headers.get(b"Content-Type")
        content_type_text = content_type.decode("latin-1") if content_type else None
        if not isinstance(response, TextResponse):
            yield PageItem(
                self.source.name, response.url, fetched, response.body, content_type_text
            )
            return
        if response.xpath(_PASSWORD_FORM):
            first = [*response.meta.get("redirect_urls", []), response.url][0]
            yield self._reject(first, "login_wall", f"a login form at {response.url}")
            return
        title = self._title(response)
        if self.source.posts is None:
            yield PageItem(
                self.source.name,
                response.url,
                fetched,
                response.body,
                content_type_text,
                posted_text=_text_of(response.css("time"))
                or response.css("meta[property='article:published_time']::attr(content)").get(),
                title=title,
            )
        else:
            yield from self._posts(response, fetched, title)
        yield from self._follow(response)

    def _title(self, response: TextResponse) -> str | None:
        selector = self.source.title or "title"
        found = response.css(selector)
        text = " ".join(found[0].xpath("string()").get("").split()) if found else ""
        return text or None

    def _posts(self, response: TextResponse, fetched: datetime, title: str | None) -> _Output:
        posts = self.source.posts
        assert posts is not None
        for index, node in enumerate(response.css(posts.container)):
            anchor = node.attrib.get("id") or f"post-{index + 1}"
            texts = node.css(posts.text) if posts.text else None
            body = (texts[0] if texts else node).get()
            author = _text_of(node.css(posts.author)) if posts.author else None
            yield PageItem(
                self.source.name,
                f"{response.url.split('#', 1)[0]}#{anchor}",
                fetched,
                body.encode("utf-8"),
                "text/html; charset=utf-8",
                posted_text=_text_of(node.css(posts.date)) if posts.date else None,
                title=title,
                author=author,
                anchor=anchor,
                index=index,
            )

    def _follow(self, response: TextResponse) -> Iterator[Request]:
        hops = int(response.meta.get("hops", 0))
        if self.source.pagination:
            for href in response.css(self.source.pagination).xpath("@href").getall():
                request = self._request(response.urljoin(href), hops)
                if request is not None:
                    yield request
        if hops < self.source.depth:
            for link in self._links.extract_links(response):
                request = self._request(link.url, hops + 1)
                if request is not None:
                    yield request

    # failures

    def _reject(self, url: str, reason: str, detail: str) -> RejectItem:
        return RejectItem(self.source.name, url, reason, detail, _now())

    def failed(self, failure: Failure) -> Iterator[RejectItem]:
        """A request that gave no page: a reject with its reason."""
        request = failure.request  # type: ignore[attr-defined]
        first = [*request.meta.get("redirect_urls", []), request.url][0]  # the URL linked to
        yield self._reject(first, *_reason(failure.value, request.meta))


def _reason(error: BaseException, meta: dict[str, Any]) -> tuple[str, str]:
    """The reject reason (a slug) and detail of a failed request."""
    via = f" (through the proxy {mask_secrets(str(meta['proxy']))})" if meta.get("proxy") else ""
    if isinstance(error, Refused):
        return error.reason, error.detail
    if meta.get("refused"):  # stopped by a limit or a refusal of ours (binary, too big)
        reason, detail = meta["refused"]
        return str(reason), str(detail)
    if isinstance(error, StopDownload):
        return "stopped", "the download was stopped"
    if isinstance(error, HttpError):
        status = error.response.status
        return "http_error", f"HTTP {status}"
    if isinstance(error, DownloadCancelledError):
        if "max size" in str(error):
            return "too_big", str(error).split(" in request")[0]
        return "cancelled", str(error) or "the download was cancelled"
    if isinstance(error, DownloadTimeoutError | TimeoutError):
        return "timeout", f"no answer in time{via}"
    if isinstance(error, _UNREACHABLE):
        return "unreachable", f"{type(error).__name__}: {error}{via}"
    if isinstance(error, IgnoreRequest):
        return "ignored", str(error)
    return "failed", f"{type(error).__name__}: {error}{via}"
