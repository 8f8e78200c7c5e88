"""A real SOCKS5 server (RFC 1928, user/password auth of RFC 1929) on 127.0.0.1 for the Tor
route's tests: it stands in for Tor's SocksPort, resolving ``.onion`` names to local ports.

``SocksServer(onion=("127.0.0.1", site_port))`` sends every ``*.onion`` CONNECT to the fixture
site (which serves virtual hosts by the Host header); ``routes={"forum.example": (host, port)}``
adds names (or dotted IPv4 addresses) of its own. Any other name is refused with "host
unreachable", as Tor refuses a name it cannot reach. Each CONNECT is recorded as asked
(:class:`Connect`), so a test can check that a name reached the proxy unresolved.
``fail_next(n, reply)`` and ``stall_next(n)`` play a bad circuit for the next ``n`` CONNECTs.

    with SocksServer(onion=("127.0.0.1", 8080)) as socks:
        ...  # proxy = socks.url  ("socks5h://127.0.0.1:PORT")
        assert socks.names() == ["abc...xyz.onion"]
"""

from __future__ import annotations

import contextlib
import ipaddress
import selectors
import socket
import socketserver
import struct
import threading
from dataclasses import dataclass
from types import TracebackType

__all__ = [
    "ADDRESS_TYPE_NOT_SUPPORTED",
    "COMMAND_NOT_SUPPORTED",
    "CONNECTION_REFUSED",
    "Connect",
    "GENERAL_FAILURE",
    "HOST_UNREACHABLE",
    "NETWORK_UNREACHABLE",
    "NOT_ALLOWED",
    "SUCCEEDED",
    "SocksServer",
    "TTL_EXPIRED",
]

# Reply codes (RFC 1928, section 6).
SUCCEEDED = 0x00
GENERAL_FAILURE = 0x01
NOT_ALLOWED = 0x02
NETWORK_UNREACHABLE = 0x03
HOST_UNREACHABLE = 0x04
CONNECTION_REFUSED = 0x05
TTL_EXPIRED = 0x06
COMMAND_NOT_SUPPORTED = 0x07
ADDRESS_TYPE_NOT_SUPPORTED = 0x08

_VERSION = 0x05
_NO_AUTH = 0x00
_USER_PASSWORD = 0x02
_NO_ACCEPTABLE = 0xFF
_CONNECT = 0x01
_IPV4 = 0x01
_DOMAIN = 0x03
_IPV6 = 0x04
_HANDSHAKE_S = 10.0
_CHUNK = 65536


@dataclass(frozen=True)
class Connect:
    """One CONNECT request as the client sent it: ``host`` is the name (or address) asked for,
    ``address_type`` ``"domain"``, ``"ipv4"`` or ``"ipv6"``, ``reply`` the code answered."""

    host: str
    port: int
    address_type: str
    user: str | None
    reply: int


class _Closed(Exception):
    """The client hung up in the middle of the handshake."""


class SocksServer:
    """A threaded SOCKS5 server on 127.0.0.1 (a free port); a context manager that stops it,
    and every connection it relays, on exit."""

    def __init__(
        self,
        *,
        onion: tuple[str, int] | None = None,
        routes: dict[str, tuple[str, int]] | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> None:
        self.onion = onion
        self.routes = {name.lower(): target for name, target in (routes or {}).items()}
        self.credentials = credentials
        self.connects: list[Connect] = []
        self._lock = threading.Lock()
        self._failures: list[int] = []
        self._stalls = 0
        self._open: set[socket.socket] = set()
        self._stopped = threading.Event()
        server = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                server._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._server = Server(("127.0.0.1", 0), Handler)
        address = self._server.server_address
        self.host: str = str(address[0])
        self.port: int = int(address[1])
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True
        )
        self._thread.start()

    # -- what a test uses ------------------------------------------------------------------

    @property
    def url(self) -> str:
        """The proxy as a source names it: ``socks5h://127.0.0.1:PORT``."""
        return f"socks5h://{self.host}:{self.port}"

    def names(self) -> list[str]:
        """The hosts of every CONNECT so far, as asked, in order."""
        with self._lock:
            return [connect.host for connect in self.connects]

    def fail_next(self, count: int, reply: int = HOST_UNREACHABLE) -> None:
        """Answer the next ``count`` CONNECTs with ``reply`` (a failing circuit)."""
        with self._lock:
            self._failures.extend([reply] * count)

    def stall_next(self, count: int) -> None:
        """Read the next ``count`` CONNECTs and never answer them (a circuit that hangs)."""
        with self._lock:
            self._stalls += count

    def stop(self) -> None:
        """Stop listening and close every open connection; idempotent."""
        if self._stopped.is_set():
            return
        self._stopped.set()
        self._server.shutdown()
        self._server.server_close()
        with self._lock:
            open_sockets = list(self._open)
        for sock in open_sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                sock.close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SocksServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    # -- the protocol ------------------------------------------------------------------------

    def _serve(self, client: socket.socket) -> None:
        self._track(client)
        target: socket.socket | None = None
        try:
            client.settimeout(_HANDSHAKE_S)
            user = self._negotiate(client)
            if user is False:
                return
            target = self._connect(client, user if isinstance(user, str) else None)
            if target is not None:
                client.settimeout(None)
                self._relay(client, target)
        except (_Closed, OSError):
            pass
        finally:
            for sock in (client, target):
                if sock is not None:
                    self._untrack(sock)
                    with contextlib.suppress(OSError):
                        sock.close()

    def _negotiate(self, client: socket.socket) -> str | bool:
        """The method negotiation (and RFC 1929 auth): the user name, True with no auth,
        False when the client was turned away."""
        version, count = _read(client, 2)
        if version != _VERSION:
            return False
        methods = _read(client, count)
        wanted = _USER_PASSWORD if self.credentials else _NO_AUTH
        if wanted not in methods:
            client.sendall(bytes([_VERSION, _NO_ACCEPTABLE]))
            return False
        client.sendall(bytes([_VERSION, wanted]))
        if self.credentials is None:
            return True
        _, user_length = _read(client, 2)
        user = _read(client, user_length).decode("utf-8", "replace")
        (password_length,) = _read(client, 1)
        password = _read(client, password_length).decode("utf-8", "replace")
        ok = (user, password) == self.credentials
        client.sendall(bytes([0x01, 0x00 if ok else 0x01]))
        return user if ok else False

    def _connect(self, client: socket.socket, user: str | None) -> socket.socket | None:
        version, command, _, address_type = _read(client, 4)
        if version != _VERSION:
            return None
        if address_type == _IPV4:
            host, kind = socket.inet_ntoa(_read(client, 4)), "ipv4"
        elif address_type == _DOMAIN:
            (length,) = _read(client, 1)
            host, kind = _read(client, length).decode("ascii", "replace"), "domain"
        elif address_type == _IPV6:
            host, kind = str(ipaddress.IPv6Address(_read(client, 16))), "ipv6"
        else:
            self._reply(client, ADDRESS_TYPE_NOT_SUPPORTED)
            return None
        (port,) = struct.unpack("!H", _read(client, 2))

        def answer(reply: int) -> None:
            with self._lock:
                self.connects.append(Connect(host, port, kind, user, reply))
            self._reply(client, reply)

        if command != _CONNECT:
            answer(COMMAND_NOT_SUPPORTED)
            return None
        if kind == "ipv6":
            answer(ADDRESS_TYPE_NOT_SUPPORTED)
            return None
        with self._lock:
            failure = self._failures.pop(0) if self._failures else None
            stall = self._stalls > 0
            self._stalls -= int(stall)
        if stall:
            with self._lock:
                self.connects.append(Connect(host, port, kind, user, GENERAL_FAILURE))
            self._stopped.wait()
            return None
        if failure is not None:
            answer(failure)
            return None
        destination = self._route(host)
        if destination is None:
            answer(HOST_UNREACHABLE)
            return None
        try:
            target = socket.create_connection(destination, timeout=_HANDSHAKE_S)
        except ConnectionRefusedError:
            answer(CONNECTION_REFUSED)
            return None
        except OSError:
            answer(HOST_UNREACHABLE)
            return None
        self._track(target)
        answer(SUCCEEDED)
        return target

    def _route(self, host: str) -> tuple[str, int] | None:
        name = host.lower().rstrip(".")
        if name in self.routes:
            return self.routes[name]
        if name.endswith(".onion") and self.onion is not None:
            return self.onion
        return None

    def _reply(self, client: socket.socket, reply: int) -> None:
        bound = socket.inet_aton("0.0.0.0") + struct.pack("!H", 0)
        client.sendall(bytes([_VERSION, reply, 0x00, _IPV4]) + bound)

    def _relay(self, client: socket.socket, target: socket.socket) -> None:
        """Copy bytes both ways until either side closes (or the server stops)."""
        target.settimeout(None)
        with selectors.DefaultSelector() as selector:
            selector.register(client, selectors.EVENT_READ, target)
            selector.register(target, selectors.EVENT_READ, client)
            while not self._stopped.is_set():
                for key, _ in selector.select(timeout=0.2):
                    source: socket.socket = key.fileobj  # type: ignore[assignment]
                    chunk = source.recv(_CHUNK)
                    if not chunk:
                        return
                    key.data.sendall(chunk)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.add(sock)

    def _untrack(self, sock: socket.socket) -> None:
        with self._lock:
            self._open.discard(sock)


def _read(sock: socket.socket, count: int) -> bytes:
    """Exactly ``count`` bytes, or :class:`_Closed`."""
    data = b""
    while len(data) < count:
        chunk = sock.recv(count - len(data))
        if not chunk:
            raise _Closed
        data += chunk
    return data
