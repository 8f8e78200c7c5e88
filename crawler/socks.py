"""The SOCKS5 download route: a Scrapy download handler for ``http`` and ``https`` that sends a
request whose ``meta["proxy"]`` is ``socks5h://host:port`` through that SOCKS5 proxy (Tor's
SocksPort), the host name handed to the proxy unresolved, and every other request to Scrapy's
own HTTP/1.1 handler (direct, or through an ``http://`` proxy by HttpProxyMiddleware).

Why this route (docs/crawler-tor.md): Scrapy has no SOCKS support; its httpx handler needs
extras that are not installed and marks itself experimental; privoxy would be one more daemon
to run and watch. Here python-socks (Apache-2.0) opens the tunnel and aiohttp (Scrapy's own
dependency) speaks HTTP over it, TLS included, inside Scrapy's streaming handler base, so
DOWNLOAD_MAXSIZE, DOWNLOAD_WARNSIZE and DOWNLOAD_TIMEOUT hold exactly as on the direct route.
A ``.onion`` URL is never fetched on any other route: that would ask the local resolver.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, cast
from urllib.parse import unquote, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from python_socks import ProxyConnectionError, ProxyError, ProxyTimeoutError, ProxyType
from python_socks.async_.asyncio import Proxy
from scrapy.core.downloader.handlers._aiohttp import AiohttpDownloadHandler, _ClientResponse
from scrapy.core.downloader.handlers.base import BaseDownloadHandler
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import (
    DownloadConnectionRefusedError,
    DownloadFailedError,
    DownloadTimeoutError,
    IgnoreRequest,
)
from scrapy.utils.misc import build_from_crawler

from crawler.onion import is_onion
from surveillance.errors import ConfigError

if TYPE_CHECKING:
    from scrapy import Request
    from scrapy.crawler import Crawler
    from scrapy.http import Response

__all__ = [
    "CIRCUIT_RENEWED",
    "OnionNeedsProxy",
    "ProxyDown",
    "ProxyTimeout",
    "SocksDownloadHandler",
    "SocksProxy",
    "SocksRefused",
    "is_socks_proxy",
    "reply_in_words",
]

logger = logging.getLogger(__name__)

#: Sent (``crawler.signals.send_catch_log(CIRCUIT_RENEWED, proxy=URL)``) after a NEWNYM: the
#: route stops reusing the kept-alive connections to that proxy, so new requests get new
#: circuits.
CIRCUIT_RENEWED = object()

_SCHEMES = ("socks5h", "socks5")

#: RFC 1928's reply codes, and Tor's own for onion services (its SocksPort "ExtendedErrors").
_REPLIES = {
    0x01: "general SOCKS server failure",
    0x02: "connection not allowed by the proxy's rules",
    0x03: "network unreachable",
    0x04: "host unreachable",
    0x05: "connection refused by the destination host",
    0x06: "TTL expired (the circuit timed out)",
    0x07: "command not supported",
    0x08: "address type not supported",
    0xF0: "the onion service's descriptor cannot be found (it is down or gone)",
    0xF1: "the onion service's descriptor is invalid",
    0xF2: "the introduction to the onion service failed",
    0xF3: "the rendezvous with the onion service failed",
    0xF4: "the onion service needs client authorization",
    0xF5: "the client authorization for the onion service was refused",
    0xF6: "the onion address is invalid",
    0xF7: "the introduction to the onion service timed out",
}
#: python-socks reports a code outside RFC 1928 (Tor's) only in its message: "... 0XF0".
_CODE_IN_MESSAGE = re.compile(r"0x([0-9a-f]{2})", re.IGNORECASE)


def reply_in_words(code: int | None) -> str:
    """A SOCKS reply code as a person reads it (``4`` -> ``"host unreachable"``)."""
    if code is None:
        return "the proxy closed the connection during the SOCKS handshake"
    return _REPLIES.get(code, f"SOCKS reply {code:#04x}")


def is_socks_proxy(proxy: object) -> bool:
    """True for a ``socks5h://`` (or ``socks5://``) proxy URL: this route's requests."""
    return isinstance(proxy, str) and proxy.split("://", 1)[0].lower() in _SCHEMES


class ProxyDown(DownloadConnectionRefusedError):
    """The SOCKS proxy itself cannot be reached (Tor not running, a wrong port)."""


class ProxyTimeout(DownloadTimeoutError):
    """The SOCKS handshake or the CONNECT through it did not finish in time."""


class SocksRefused(DownloadFailedError):
    """The proxy answered the CONNECT with a failure: ``reply`` is its code, in words in
    the message (host unreachable, onion descriptor not found, ...)."""

    def __init__(self, message: str, reply: int | None) -> None:
        super().__init__(message)
        self.reply = reply


class OnionNeedsProxy(IgnoreRequest):
    """A ``.onion`` URL without a SOCKS proxy: refused, never looked up locally."""


@dataclass(frozen=True)
class SocksProxy:
    """A SOCKS5 proxy URL, taken apart; names are always resolved at the proxy."""

    host: str
    port: int
    user: str | None = None
    password: str | None = None

    @classmethod
    def parse(cls, url: str) -> SocksProxy:
        """``socks5h://[user:password@]host:port``; a :class:`ConfigError` otherwise."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in _SCHEMES:
            raise ConfigError(f"not a SOCKS5 proxy URL (socks5h://host:port): {parts.scheme}://")
        try:
            port = parts.port
        except ValueError:
            port = None
        if not parts.hostname or port is None:
            raise ConfigError(
                f"a SOCKS5 proxy needs a host and a port (socks5h://host:port): "
                f"{parts.scheme}://{parts.hostname or ''}"
            )
        user = unquote(parts.username) if parts.username is not None else None
        password = unquote(parts.password) if parts.password is not None else None
        return cls(parts.hostname, port, user, password)

    @property
    def address(self) -> str:
        """``host:port``, for messages (never the credentials)."""
        return f"{self.host}:{self.port}"

    async def open(self, host: str, port: int, *, timeout_s: float) -> socket.socket:
        """A connected socket to ``host:port`` through the proxy (the name sent as it is),
        or one of this module's errors, in words."""
        proxy = Proxy(
            ProxyType.SOCKS5,
            self.host,
            self.port,
            username=self.user,
            password=self.password,
            rdns=True,
            loop=asyncio.get_running_loop(),
        )
        try:
            return await proxy.connect(dest_host=host, dest_port=port, timeout=timeout_s)
        except ProxyTimeoutError as error:
            raise ProxyTimeout(
                f"the SOCKS proxy {self.address} did not connect to {host}:{port} "
                f"within {timeout_s:g} s"
            ) from error
        except ProxyConnectionError as error:
            reason = os.strerror(error.errno) if error.errno else "connection failed"
            raise ProxyDown(
                f"the SOCKS proxy {self.address} cannot be reached ({reason.lower()}): "
                "is Tor running there?"
            ) from error
        except ProxyError as error:
            code = error.error_code
            if code is None and (found := _CODE_IN_MESSAGE.search(str(error))):
                code = int(found.group(1), 16)
            if code is None and "auth" in str(error).lower():
                raise SocksRefused(
                    f"the SOCKS proxy {self.address} refused the login: {error}", None
                ) from error
            raise SocksRefused(
                f"the SOCKS proxy {self.address} could not connect to {host}:{port}: "
                f"{reply_in_words(code)}",
                code,
            ) from error


class _NameAsIs(AbstractResolver):
    """aiohttp's resolver for the SOCKS route: it answers the name itself, so nothing is
    resolved locally and the name goes to the proxy."""

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        return [
            {"hostname": host, "host": host, "port": port, "family": family, "proto": 0, "flags": 0}
        ]

    async def close(self) -> None:
        return None


class _SocksConnector(aiohttp.TCPConnector):
    """aiohttp's TCP connector with the socket opened through the SOCKS proxy; TLS (for
    https) is then set up over that tunnel to the destination, by aiohttp as usual."""

    def __init__(self, proxy: SocksProxy, **kwargs: Any) -> None:
        super().__init__(resolver=_NameAsIs(), **kwargs)
        self._socks = proxy

    async def _wrap_create_connection(
        self,
        *args: Any,
        addr_infos: list[Any],
        req: aiohttp.ClientRequest,
        timeout: aiohttp.ClientTimeout,
        client_error: type[Exception] = aiohttp.ClientConnectorError,
        **kwargs: Any,
    ) -> tuple[asyncio.Transport, aiohttp.client_proto.ResponseHandler]:
        host = req.url.raw_host or ""
        port = req.port or (443 if req.is_ssl() else 80)
        connect_s = timeout.sock_connect or timeout.connect or timeout.total or 60.0
        sock = await self._socks.open(host, port, timeout_s=connect_s)
        try:
            return cast(
                "tuple[asyncio.Transport, aiohttp.client_proto.ResponseHandler]",
                await self._loop.create_connection(*args, **kwargs, sock=sock),
            )
        except BaseException:
            sock.close()
            raise


class _SocksRoute(AiohttpDownloadHandler):
    """Scrapy's aiohttp handler with one session per SOCKS proxy URL (so kept-alive
    connections never cross proxies or circuits) and SOCKS failures in words."""

    experimental: ClassVar[bool] = False  # this subclass is the route we chose and test

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._sessions: dict[str, aiohttp.ClientSession] = {}
        self._retired: list[aiohttp.ClientSession] = []

    def _session_for(self, proxy_url: str) -> aiohttp.ClientSession:
        session = self._sessions.get(proxy_url)
        if session is None or session.closed:
            connector = _SocksConnector(
                SocksProxy.parse(proxy_url),
                limit=self._pool_size_total,
                limit_per_host=self._pool_size_per_host,
            )
            session = aiohttp.ClientSession(
                connector=connector,
                cookie_jar=aiohttp.DummyCookieJar(),
                auto_decompress=False,
                response_class=_ClientResponse,
                skip_auto_headers=("Accept", "Accept-Encoding", "Content-Type", "User-Agent"),
            )
            self._sessions[proxy_url] = session
        return session

    def renew(self, proxy_url: str) -> None:
        """New requests through ``proxy_url`` open new connections (after a NEWNYM); the
        ones in flight finish on theirs."""
        for url in [url for url in self._sessions if _same_proxy(url, proxy_url)]:
            self._retired.append(self._sessions.pop(url))

    @asynccontextmanager
    async def _make_request(
        self, request: Request, timeout: float
    ) -> AsyncIterator[_ClientResponse]:
        proxy_url = self._extract_proxy_url_with_creds(request)
        assert proxy_url is not None and is_socks_proxy(proxy_url)
        session = self._session_for(proxy_url)
        headers = self._request_headers(request).to_tuple_list()
        try:
            async with await session.request(
                request.method,
                request.url,
                data=request.body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=timeout),
                ssl=self._ssl_context,
                allow_redirects=False,
            ) as response:
                yield cast("_ClientResponse", response)
        except (ProxyDown, ProxyTimeout, SocksRefused):
            raise
        except TimeoutError as error:
            raise DownloadTimeoutError(
                f"Getting {request.url} through the SOCKS proxy took longer than "
                f"{timeout:g} seconds."
            ) from error
        except aiohttp.ClientConnectorError as error:
            raise DownloadConnectionRefusedError(str(error)) from error
        except aiohttp.ClientError as error:
            raise DownloadFailedError(str(error)) from error

    @staticmethod
    def _build_base_response_args(response: _ClientResponse, request: Request, headers: Any) -> Any:
        args = AiohttpDownloadHandler._build_base_response_args(response, request, headers)
        args["ip_address"] = None  # the peer is the proxy, not the site
        return args

    async def close(self) -> None:
        for session in [*self._sessions.values(), *self._retired]:
            await session.close()
        self._sessions.clear()
        self._retired.clear()
        await super().close()


def _same_proxy(one: str, other: str) -> bool:
    a, b = urlsplit(one), urlsplit(other)
    return (a.hostname, a.port) == (b.hostname, b.port)


class SocksDownloadHandler(BaseDownloadHandler):
    """The handler of ``http`` and ``https`` (``DOWNLOAD_HANDLERS``): SOCKS proxies to the
    SOCKS route, the rest to Scrapy's HTTP/1.1 handler; ``.onion`` only through SOCKS or an
    ``http://`` proxy (privoxy in front of Tor), never direct."""

    def __init__(self, crawler: Crawler) -> None:
        super().__init__(crawler)
        self._direct: HTTP11DownloadHandler | None = None  # both built on first use
        self._socks: _SocksRoute | None = None
        crawler.signals.connect(self._renewed, signal=CIRCUIT_RENEWED)

    def _route(self) -> _SocksRoute:
        if self._socks is None:
            self._socks = _SocksRoute(self.crawler)
        return self._socks

    async def download_request(self, request: Request) -> Response:
        proxy = request.meta.get("proxy")
        if is_socks_proxy(proxy):
            if self.crawler.stats is not None:
                self.crawler.stats.inc_value("socks/requests")
            return await self._route().download_request(request)
        host = urlsplit(request.url).hostname
        if is_onion(host) and not proxy:
            raise OnionNeedsProxy(
                f"{host} is a .onion address: it is fetched only through Tor "
                '(proxy = "tor" or socks5h://...), never looked up locally'
            )
        if self._direct is None:
            self._direct = build_from_crawler(HTTP11DownloadHandler, self.crawler)
        return await self._direct.download_request(request)

    def _renewed(self, proxy: str, **_: object) -> None:
        if self._socks is not None:
            self._socks.renew(proxy)

    async def close(self) -> None:
        if self._socks is not None:
            await self._socks.close()
        if self._direct is not None:
            await self._direct.close()
