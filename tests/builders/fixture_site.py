"""A real HTTP server of fixture pages for crawler tests (:mod:`tests.builders.fixture_pages`).

It listens on 127.0.0.1 and serves whichever Host it is asked for: the clear-web site at
``http://127.0.0.1:PORT/``, and the same pages (with a hidden-market front page) to a v3
``.onion`` Host reached through a SOCKS proxy that connects to 127.0.0.1:PORT. Every request
is logged (method, host, path, user agent) so tests can assert what was fetched, and what
was not (robots, refused downloads)::

    with fixture_site() as site:
        crawl(..., SourceConfig.for_url(site.url("/forum/")), ...)
        assert "/private/ledger.html" not in site.paths()

Besides the forum, market and Japanese pages it has the hostile ones: broken HTML, pages
over the size limit (one says so in its Content-Length, one streams), a redirect loop, a
login wall (a form with a CSRF token, a session cookie), robots.txt disallowing
``/private/``, executables, and a script that would add text if JavaScript ran.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from tests.builders import fixture_pages as pages

__all__ = [
    "EXE_BYTES",
    "HUGE_PAGE_BYTES",
    "LOGIN_PASSWORD",
    "LOGIN_USER",
    "MEMBER_COOKIE",
    "ONION_HOST",
    "ROBOTS_TXT",
    "Fetch",
    "FixtureSite",
    "fixture_site",
    "onion_v3",
]


def onion_v3(seed: bytes) -> str:
    """A well-formed v3 onion name (56 base32 characters: key, checksum, version 3)."""
    key = hashlib.sha256(seed).digest()
    version = b"\x03"
    checksum = hashlib.sha3_256(b".onion checksum" + key + version).digest()[:2]
    return base64.b32encode(key + checksum + version).decode().lower() + ".onion"


ONION_HOST = onion_v3(b"coastwatch fixture onion")
LOGIN_USER = "harbourmaster"
LOGIN_PASSWORD = "tide-table-42"  # a fixture's, known to the tests only
#: A session cookie the site accepts as logged in (the cookie login of a source).
MEMBER_COOKIE = "member-7f3a9c"
ROBOTS_TXT = "User-agent: *\nDisallow: /private/\n"
#: Over the crawler's default page limit; served with its Content-Length.
HUGE_PAGE_BYTES = 6 * 1024 * 1024
#: A Windows executable's first bytes (the MZ header), then padding.
EXE_BYTES = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 65528

_ONION_INDEX = pages.page(
    "Hidden board",
    '<h1>Hidden board</h1>\n<ul><li><a href="/hidden/market">Market</a></li>\n'
    '<li><a href="/forum/">Forum</a></li></ul>\n',
)
_PRIVATE = pages.page("Ledger", "<p>Robots may not read this ledger.</p>\n")


def _login_form(token: str, next_path: str, failed: bool) -> str:
    note = '<p class="error">Login failed.</p>\n' if failed else ""
    return pages.page(
        "Log in",
        f"""<h1>Members log in</h1>
{note}<form id="login" method="post" action="/login">
  <input type="hidden" name="csrf_token" value="{token}">
  <input type="hidden" name="next" value="{escape(next_path)}">
  <label>User <input type="text" name="username"></label>
  <label>Password <input type="password" name="password"></label>
  <button type="submit">Log in</button>
</form>
""",
    )


@dataclass(frozen=True)
class Fetch:
    """One request the site answered."""

    method: str
    host: str  # the Host header without its port
    path: str  # with the query
    user_agent: str


@dataclass
class FixtureSite:
    """The running site: where it is, and what was asked of it."""

    port: int
    log: list[Fetch] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _tokens: set[str] = field(default_factory=set, repr=False)
    _sessions: set[str] = field(default_factory=lambda: {MEMBER_COOKIE}, repr=False)
    huge_page_bytes: int = HUGE_PAGE_BYTES
    made_up_threads: int = 0  # more forum threads, for volume (benches)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def onion_url(self) -> str:
        """The onion front page (port 80: a SOCKS proxy maps it to :attr:`port`)."""
        return f"http://{ONION_HOST}/"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def fetched(self, host: str | None = None) -> list[Fetch]:
        """The requests so far (of ``host`` only, when given)."""
        with self._lock:
            return [f for f in self.log if host is None or f.host == host]

    def paths(self, host: str | None = None) -> list[str]:
        """The paths asked for so far, in order."""
        return [f.path for f in self.fetched(host)]

    def _record(self, fetch: Fetch) -> None:
        with self._lock:
            self.log.append(fetch)

    def _new_token(self) -> str:
        token = secrets.token_hex(8)
        with self._lock:
            self._tokens.add(token)
        return token

    def _login(self, form: dict[str, list[str]]) -> str | None:
        """A new session id when the form is right (a token the site gave out)."""
        token = form.get("csrf_token", [""])[0]
        with self._lock:
            known = token in self._tokens
            self._tokens.discard(token)
        user = form.get("username", [""])[0]
        password = form.get("password", [""])[0]
        if not (known and user == LOGIN_USER and password == LOGIN_PASSWORD):
            return None
        session = secrets.token_hex(8)
        with self._lock:
            self._sessions.add(session)
        return session

    def _logged_in(self, cookie_header: str) -> bool:
        cookies = dict(
            part.strip().split("=", 1) for part in cookie_header.split(";") if "=" in part
        )
        with self._lock:
            return cookies.get("session") in self._sessions


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        pass  # the site's log is :attr:`FixtureSite.log`

    @property
    def site(self) -> FixtureSite:
        return self.server.site

    def _host(self) -> str:
        host = self.headers.get("Host", "")
        return host.rsplit(":", 1)[0] if not host.endswith("]") else host

    def _send(
        self,
        status: int,
        body: bytes = b"",
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _html(self, text: str, status: int = 200, headers: dict[str, str] | None = None) -> None:
        self._send(status, text.encode(), headers=headers)

    def _redirect(self, location: str, headers: dict[str, str] | None = None) -> None:
        self._send(302, b"", headers={"Location": location, **(headers or {})})

    def _log(self) -> None:
        self.site._record(
            Fetch(self.command, self._host(), self.path, self.headers.get("User-Agent", ""))
        )

    def do_HEAD(self) -> None:  # noqa: N802 (http.server's name)
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        self._log()
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        onion = self._host().endswith(".onion")
        if path == "/":
            self._html(_ONION_INDEX if onion else pages.INDEX)
        elif path == "/robots.txt":
            self._send(200, ROBOTS_TXT.encode(), "text/plain")
        elif path == "/forum/":
            self._html(pages.forum_index(self.site.made_up_threads))
        elif path.startswith("/forum/thread/"):
            self._thread(path.removeprefix("/forum/thread/"), query.get("page", ["1"])[0])
        elif path == "/market/":
            self._html(pages.MARKET)
        elif path == "/hidden/market":
            self._html(pages.ONION_MARKET)
        elif path == "/broken.html":
            self._html(pages.broken_page())
        elif path in pages.JAPANESE_PAGES:
            text, encoding, content_type = pages.JAPANESE_PAGES[path]
            self._send(200, text.encode(encoding), content_type)
        elif path == "/script.html":
            self._html(pages.script_page())
        elif path == "/huge.html":
            self._huge()
        elif path == "/huge-stream.html":
            self._huge(say_length=False)
        elif path == "/loop/a":
            self._redirect("/loop/b")
        elif path == "/loop/b":
            self._redirect("/loop/a")
        elif path == "/private/ledger.html":
            self._html(_PRIVATE)
        elif path == "/download/tracker.exe":
            headers = {"Content-Disposition": 'attachment; filename="tracker.exe"'}
            self._send(200, EXE_BYTES, "application/octet-stream", headers)
        elif path == "/files/latest":
            self._send(200, EXE_BYTES, "application/x-msdownload")
        elif path == "/login":
            next_path = query.get("next", ["/members/"])[0]
            self._html(_login_form(self.site._new_token(), next_path, failed=False))
        elif path == "/members/":
            if self.site._logged_in(self.headers.get("Cookie", "")):
                self._html(pages.members_page())
            else:
                self._redirect("/login?next=/members/")
        else:
            self._html(pages.page("Not found", "<p>No such page.</p>\n"), status=404)

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        self._log()
        length = int(self.headers.get("Content-Length") or 0)
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        if urlsplit(self.path).path != "/login":
            self._send(405, b"")
            return
        next_path = form.get("next", ["/members/"])[0]
        if not next_path.startswith("/"):
            next_path = "/members/"
        session = self.site._login(form)
        if session is None:
            page = _login_form(self.site._new_token(), next_path, failed=True)
            self._html(page, status=200)
        else:
            cookie = f"session={session}; Path=/; HttpOnly"
            self._redirect(next_path, headers={"Set-Cookie": cookie})

    def _thread(self, thread: str, page_number: str) -> None:
        html = None
        made_up = range(pages.MADE_UP_FROM, pages.MADE_UP_FROM + self.site.made_up_threads)
        if thread.isdigit() and int(thread) in made_up and page_number == "1":
            html = pages.made_up_thread_page(int(thread))
        elif thread.isdigit() and page_number.isdigit():
            html = pages.thread_page(int(thread), int(page_number))
        if html is None:
            self._html(pages.page("Not found", "<p>No such thread.</p>\n"), status=404)
        else:
            self._html(html)

    def _huge(self, *, say_length: bool = True) -> None:
        """A page of :attr:`FixtureSite.huge_page_bytes`, written a block at a time, with
        its Content-Length or (``say_length`` False) without, to the connection's end."""
        size = self.site.huge_page_bytes
        line = b"<p>archive line, nothing to see, archive line, nothing to see.</p>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        if say_length:
            self.send_header("Content-Length", str(size))
        else:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        block = line * (65536 // len(line) + 1)
        try:
            sent = 0
            while sent < size:
                chunk = block[: size - sent]
                self.wfile.write(chunk)
                sent += len(chunk)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the crawler gave up on it, as it should


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: FixtureSite


@contextmanager
def fixture_site(
    *, huge_page_bytes: int = HUGE_PAGE_BYTES, made_up_threads: int = 0
) -> Iterator[FixtureSite]:
    """Serve the fixture site on a free port of 127.0.0.1 until the block ends
    (``made_up_threads``: that many more forum threads, for volume)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    site = FixtureSite(
        port=server.server_address[1],
        huge_page_bytes=huge_page_bytes,
        made_up_threads=made_up_threads,
    )
    server.site = site
    thread = threading.Thread(target=server.serve_forever, name="fixture-site", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
