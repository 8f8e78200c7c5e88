"""A small real HTTP(S) server for download-route tests: it says what it was asked, sends as
many bytes as asked, or stalls, over plain HTTP or TLS (a self-signed certificate made on the
spot with ``cryptography``, which Scrapy depends on).

    with echo_site(tls=True) as site:
        site.port, site.requests   # what arrived: (host, path, headers)

Paths: ``/echo`` (the Host and headers back, as JSON), ``/bytes/N`` (N bytes, with a
Content-Length), ``/chunked/N`` (N bytes, chunked, no length), ``/stall`` (headers sent, the
body never comes), anything else 404.
"""

from __future__ import annotations

import datetime as dt
import json
import ssl
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

__all__ = ["EchoSite", "Seen", "echo_site"]


@dataclass(frozen=True)
class Seen:
    """One request as the site saw it."""

    host: str
    path: str
    headers: dict[str, str]


@dataclass
class EchoSite:
    """The running site: its port, scheme and the requests it received."""

    port: int
    scheme: str
    requests: list[Seen] = field(default_factory=list)
    stop: threading.Event = field(default_factory=threading.Event)

    def url(self, host: str, path: str) -> str:
        """``scheme://host/path`` (a host name that the SOCKS proxy maps to this site)."""
        return f"{self.scheme}://{host}{path}"

    def local_url(self, path: str) -> str:
        """The site's own address, to reach it directly."""
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        return None

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        site = self.server.site
        headers = {key: value for key, value in self.headers.items()}
        site.requests.append(Seen(self.headers.get("Host", ""), self.path, headers))
        parts = self.path.strip("/").split("/")
        if parts[0] == "echo":
            body = json.dumps({"host": self.headers.get("Host"), "headers": headers}).encode()
            self._send(body)
        elif parts[0] == "bytes" and len(parts) == 2:
            self._send(b"x" * int(parts[1]))
        elif parts[0] == "chunked" and len(parts) == 2:
            self._chunked(int(parts[1]))
        elif parts[0] == "stall":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.flush()
            site.stop.wait(30)
        else:
            self._send(b"not here", status=404)

    def _send(self, body: bytes, status: int = 200) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _chunked(self, size: int) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        left = size
        while left > 0:
            piece = min(left, 16384)
            self.wfile.write(f"{piece:x}\r\n".encode() + b"y" * piece + b"\r\n")
            left -= piece
        self.wfile.write(b"0\r\n\r\n")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    site: EchoSite


def _self_signed(directory: Path) -> tuple[Path, Path]:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "echo.test")])
    now = dt.datetime.now(dt.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = directory / "cert.pem", directory / "key.pem"
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


@contextmanager
def echo_site(*, tls: bool = False) -> Iterator[EchoSite]:
    """The site on 127.0.0.1 (a free port), stopped on exit."""
    server = _Server(("127.0.0.1", 0), _Handler)
    site = EchoSite(int(server.server_address[1]), "https" if tls else "http")
    server.site = site
    if tls:
        with tempfile.TemporaryDirectory() as directory:
            cert_path, key_path = _self_signed(Path(directory))
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(cert_path, key_path)
        server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield site
    finally:
        site.stop.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
