"""The SOCKS5 server of the tests speaks RFC 1928 to a real client (python-socks) over real
sockets: onion names reach it unresolved, other names are refused with the right code."""

from __future__ import annotations

import socket
import socketserver
import threading
from collections.abc import Iterator

import pytest
from python_socks import ProxyError, ProxyType
from python_socks.sync import Proxy

from tests.builders.socks_server import (
    CONNECTION_REFUSED,
    HOST_UNREACHABLE,
    NOT_ALLOWED,
    SUCCEEDED,
    Connect,
    SocksServer,
)

ONION = "pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion"


class _Echo(socketserver.BaseRequestHandler):
    def handle(self) -> None:
        data = self.request.recv(1024)
        self.request.sendall(b"echo:" + data)


@pytest.fixture
def echo() -> Iterator[tuple[str, int]]:
    server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), _Echo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield str(server.server_address[0]), int(server.server_address[1])
    server.shutdown()
    server.server_close()


def _ask(proxy: Proxy, host: str, port: int = 80) -> bytes:
    sock = proxy.connect(dest_host=host, dest_port=port, timeout=5)
    try:
        sock.sendall(b"hello")
        return sock.recv(1024)
    finally:
        sock.close()


def test_an_onion_name_reaches_the_proxy_as_asked(echo: tuple[str, int]) -> None:
    with SocksServer(onion=echo) as socks:
        proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        assert _ask(proxy, ONION) == b"echo:hello"
    assert socks.connects == [Connect(ONION, 80, "domain", None, SUCCEEDED)]


def test_a_name_of_the_table_and_an_ipv4_address_are_routed(echo: tuple[str, int]) -> None:
    routes = {"forum.example": echo, "10.1.2.3": echo}
    with SocksServer(routes=routes) as socks:
        proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        assert _ask(proxy, "Forum.Example") == b"echo:hello"
        assert _ask(proxy, "10.1.2.3") == b"echo:hello"
    assert [(c.host, c.address_type) for c in socks.connects] == [
        ("Forum.Example", "domain"),
        ("10.1.2.3", "ipv4"),
    ]


def test_an_unknown_name_is_refused_as_unreachable(echo: tuple[str, int]) -> None:
    with SocksServer(onion=echo) as socks:
        proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        with pytest.raises(ProxyError) as refused:
            _ask(proxy, "elsewhere.example")
    assert refused.value.error_code == HOST_UNREACHABLE
    assert socks.connects[0].reply == HOST_UNREACHABLE


def test_a_target_that_is_down_is_refused_as_connection_refused() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        host, port = closed.getsockname()[:2]
        down = (str(host), int(port))
    with SocksServer(onion=down) as socks:
        proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        with pytest.raises(ProxyError) as refused:
            _ask(proxy, ONION)
    assert refused.value.error_code == CONNECTION_REFUSED


def test_user_and_password_are_checked(echo: tuple[str, int]) -> None:
    with SocksServer(onion=echo, credentials=("crawler", "s3cret")) as socks:
        good = Proxy(ProxyType.SOCKS5, socks.host, socks.port, "crawler", "s3cret", rdns=True)
        bad = Proxy(ProxyType.SOCKS5, socks.host, socks.port, "crawler", "wrong", rdns=True)
        none = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        assert _ask(good, ONION) == b"echo:hello"
        for refused in (bad, none):
            with pytest.raises(ProxyError):
                _ask(refused, ONION)
    assert [c.user for c in socks.connects] == ["crawler"]


def test_the_next_connects_can_fail_with_a_given_code(echo: tuple[str, int]) -> None:
    with SocksServer(onion=echo) as socks:
        socks.fail_next(2, NOT_ALLOWED)
        proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
        for _ in range(2):
            with pytest.raises(ProxyError) as refused:
                _ask(proxy, ONION)
            assert refused.value.error_code == NOT_ALLOWED
        assert _ask(proxy, ONION) == b"echo:hello"
    assert [c.reply for c in socks.connects] == [NOT_ALLOWED, NOT_ALLOWED, SUCCEEDED]


def test_a_stalled_connect_is_never_answered_and_stop_ends_it(echo: tuple[str, int]) -> None:
    socks = SocksServer(onion=echo)
    socks.stall_next(1)
    proxy = Proxy(ProxyType.SOCKS5, socks.host, socks.port, rdns=True)
    with pytest.raises((TimeoutError, ProxyError, OSError)):
        proxy.connect(dest_host=ONION, dest_port=80, timeout=0.5)
    socks.stop()
    assert socks.names() == [ONION]
    with pytest.raises(OSError), socket.create_connection((socks.host, socks.port), timeout=2):
        pass
