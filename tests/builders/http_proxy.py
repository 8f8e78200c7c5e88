"""A real HTTP forward proxy (privoxy's part in front of Tor) for route tests: it takes
absolute-URI requests (``GET http://name/path``), records the host as asked, and forwards
them to one local site, whatever the name.

    with http_proxy(("127.0.0.1", site_port)) as proxy:
        proxy.url, proxy.hosts
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

__all__ = ["HttpProxy", "http_proxy"]


@dataclass
class HttpProxy:
    """The running proxy: its URL and the hosts it was asked for, in order."""

    url: str
    hosts: list[str] = field(default_factory=list)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    proxy: HttpProxy
    target: tuple[str, int]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        return None

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        parts = urlsplit(self.path)
        self.server.proxy.hosts.append(parts.hostname or "")
        headers = {k: v for k, v in self.headers.items() if k.lower() != "proxy-authorization"}
        upstream = http.client.HTTPConnection(*self.server.target, timeout=10)
        try:
            upstream.request("GET", parts.path or "/", headers=headers)
            answer = upstream.getresponse()
            body = answer.read()
        finally:
            upstream.close()
        self.send_response(answer.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextmanager
def http_proxy(target: tuple[str, int]) -> Iterator[HttpProxy]:
    """The proxy on 127.0.0.1 (a free port), forwarding to ``target``; stopped on exit."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.target = target
    server.proxy = HttpProxy(f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield server.proxy
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
