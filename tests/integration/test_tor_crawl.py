"""``coastwatch crawl`` of an onion source with ``proxy = "tor"``, end to end over real
sockets into a real PostGIS store: the Tor in use is "running" at the SOCKS5 server of the
tests (which resolves the onion name to the fixture site), with the control port of a real
``tor`` of our own (offline: this machine cannot reach the Tor network) for NEWNYM."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.fixture_site import ONION_HOST, FixtureSite, fixture_site
from tests.builders.socks_server import HOST_UNREACHABLE, TTL_EXPIRED, SocksServer
from tests.builders.tor_process import offline_tor, tor_or_skip, watch_signals

pytestmark = pytest.mark.integration

MARKET = f"""
[source.market]
start_urls = ["http://{ONION_HOST}/hidden/market"]
proxy = "tor"
depth = 0
"""
FAST = {
    "COASTWATCH_CRAWL_DELAY_S": "0",
    "COASTWATCH_CRAWL_RETRY_BACKOFF_S": "0.05",
    "COASTWATCH_TOR_MODE": "running",
}


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with fixture_site() as running:
        yield running


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every name this process asks its local resolver for (the CLI runs in process)."""
    names: list[str] = []
    for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex"):
        real = getattr(socket, name)

        def spy(host: Any, *args: Any, _real: Any = real, **kwargs: Any) -> Any:
            names.append(host.decode() if isinstance(host, bytes) else str(host))
            return _real(host, *args, **kwargs)

        monkeypatch.setattr(socket, name, spy)
    return names


def _sources(tmp_path: Path) -> str:
    path = tmp_path / "sources.toml"
    path.write_text(MARKET, encoding="utf-8")
    return str(path)


def _tor_env(socks: SocksServer, control_port: int | None = None, **more: str) -> dict[str, str]:
    env = {**FAST, "COASTWATCH_TOR_SOCKS_URL": socks.url, **more}
    if control_port is not None:
        env["COASTWATCH_TOR_CONTROL_PORT"] = str(control_port)
    return env


def test_an_onion_source_through_the_tor_in_use_stores_its_leads_once(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path, asked: list[str]
) -> None:
    url = f"http://{ONION_HOST}/hidden/market"
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        first = coastwatch("crawl", "--sources", _sources(tmp_path), env=_tor_env(socks))
        assert first.code == 0, first.stderr
        again = coastwatch("crawl", "--sources", _sources(tmp_path), env=_tor_env(socks))
    assert again.code == 0, again.stderr
    leads = store.leads()
    assert url in set(leads["url"])
    assert len(leads) == 1  # the second crawl stored nothing new
    assert "nothing new" in again.stderr + again.stdout
    assert socks.names() and set(socks.names()) == {ONION_HOST}
    assert site.paths("127.0.0.1") == []  # nothing went direct
    assert "/robots.txt" not in site.paths(ONION_HOST)
    assert not [name for name in asked if name.endswith(".onion")]


def test_failures_in_a_row_on_tor_are_retried_and_ask_for_a_new_circuit(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    with (
        offline_tor(tmp_path / "tor") as tor,
        watch_signals(tor.control_port) as watch,
        SocksServer(onion=("127.0.0.1", site.port)) as socks,
    ):
        socks.fail_next(2, TTL_EXPIRED)
        env = _tor_env(socks, tor.control_port, COASTWATCH_TOR_NEWNYM_AFTER_FAILURES="2")
        ran = coastwatch("crawl", "--sources", _sources(tmp_path), env=env)
        assert watch.arrived.wait(30)
    assert ran.code == 0, ran.stderr
    assert f"http://{ONION_HOST}/hidden/market" in set(store.leads()["url"])
    assert [c.reply for c in socks.connects][:3] == [TTL_EXPIRED, TTL_EXPIRED, 0]
    assert watch.signals == ["NEWNYM"]


def test_a_tor_route_that_keeps_failing_is_counted_and_said(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        socks.fail_next(100, HOST_UNREACHABLE)
        env = _tor_env(socks, COASTWATCH_CRAWL_ONION_RETRIES="2")
        ran = coastwatch("crawl", "--sources", _sources(tmp_path), env=env)
    assert len(socks.connects) == 3  # the first try and two retries
    assert ran.code != 0
    assert "host unreachable" in ran.stderr
    rejected = store.rejections()
    assert set(rejected["reason"]) == {"unreachable"}
    assert store.leads().empty


def test_an_own_tor_that_cannot_bootstrap_stops_the_crawl_with_the_phase_reached(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    env = {
        "COASTWATCH_HOME": str(tmp_path / "home"),
        "COASTWATCH_TOR_MODE": "own",
        "COASTWATCH_TOR_BINARY": tor_or_skip(),
        "COASTWATCH_TOR_NETWORK": "false",
        "COASTWATCH_TOR_BOOTSTRAP_TIMEOUT_S": "1",
    }
    ran = coastwatch("crawl", "--sources", _sources(tmp_path), env=env)
    assert ran.code != 0
    assert "Tor did not bootstrap within 1 s: it reached 0% (starting: Starting)" in ran.stderr
    assert "Traceback" not in ran.stderr
    torrc = str(tmp_path / "home" / "tor" / "torrc").encode()
    running = [p for p in Path("/proc").glob("[0-9]*") if _cmdline(p).find(torrc) >= 0]
    assert running == []


def _cmdline(proc: Path) -> bytes:
    try:
        return (proc / "cmdline").read_bytes()
    except OSError:
        return b""
