"""Slow circuits end to end: failed fetches through the SOCKS route are retried with an
exponential back-off, and after failures in a row on the Tor route a NEWNYM goes to a real
Tor's control port (our own Tor, offline: its SocksPort is closed under DisableNetwork, so
the SOCKS server of the tests stands in for it as the Tor route)."""

from __future__ import annotations

from pathlib import Path

from tests.builders.echo_site import echo_site
from tests.builders.scrapy_fetch import fetch
from tests.builders.socks_server import HOST_UNREACHABLE, TTL_EXPIRED, SocksServer
from tests.builders.tor_process import offline_tor, watch_signals

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"
SLOW_CIRCUITS = {
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 5,
    "RETRY_BACKOFF_S": 0.05,
    "RETRY_BACKOFF_MAX_S": 0.3,
    "DOWNLOADER_MIDDLEWARES": {
        "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
        "crawler.circuits.SlowCircuits": 550,
    },
}


def test_failures_are_retried_with_a_doubling_pause() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        socks.fail_next(4, TTL_EXPIRED)
        url = site.url(ONION, "/echo")
        fetched = fetch([url], proxy=socks.url, settings=SLOW_CIRCUITS)
    assert fetched[url].status == 200
    assert [connect.reply for connect in socks.connects] == [TTL_EXPIRED] * 4 + [0]
    assert fetched.stats["retry/count"] == 4
    assert fetched.stats["retry/backoff_ms"] == 50 + 100 + 200 + 300  # doubled, capped
    assert "tor/newnym" not in fetched.stats  # not the Tor route: no circuit to renew


def test_a_route_that_keeps_failing_gives_up_with_the_reason_counted() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        socks.fail_next(10, HOST_UNREACHABLE)
        url = site.url(ONION, "/echo")
        fetched = fetch([url], proxy=socks.url, settings={**SLOW_CIRCUITS, "RETRY_TIMES": 2})
    assert fetched[url].error == "SocksRefused"
    assert fetched.stats["retry/max_reached"] == 1
    assert fetched.stats["downloader/exception_type_count/crawler.socks.SocksRefused"] == 3


def test_failures_in_a_row_on_the_tor_route_ask_tor_for_a_new_circuit(tmp_path: Path) -> None:
    with (
        offline_tor(tmp_path / "tor") as tor,
        watch_signals(tor.control_port) as watch,
        echo_site() as site,
        SocksServer(onion=("127.0.0.1", site.port)) as socks,
    ):
        socks.fail_next(4, TTL_EXPIRED)
        url = site.url(ONION, "/echo")
        settings = {
            **SLOW_CIRCUITS,
            "TOR_SOCKS_URL": socks.url,
            "TOR_CONTROL_PORT": tor.control_port,
            "TOR_NEWNYM_AFTER_FAILURES": 2,
            "TOR_NEWNYM_INTERVAL_S": 10.0,
        }
        fetched = fetch([url], proxy=socks.url, settings=settings)
        assert watch.arrived.wait(30)
    assert fetched[url].status == 200
    # after failures 2 a NEWNYM; after 4 another would be too soon (Tor's 10 s)
    assert fetched.stats["tor/newnym"] == 1
    assert fetched.stats["tor/newnym_too_soon"] == 1
    assert watch.signals == ["NEWNYM"]
