"""The SOCKS5 download route end to end over real sockets: a bare Scrapy spider (in a child
process) fetches through the SOCKS server of the tests to a real HTTP(S) site."""

from __future__ import annotations

import asyncio
import json
import socket

from tests.builders.echo_site import echo_site
from tests.builders.http_proxy import http_proxy
from tests.builders.scrapy_fetch import fetch
from tests.builders.socks_server import CONNECTION_REFUSED, SocksServer

ONION = "2gzyxa5ihm7nsggfxnu52rck2vv4rvmdlkiu3zzui5du4xyclen53wid.onion"


def test_an_onion_page_comes_through_the_proxy_and_no_resolver_sees_its_name() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        url = site.url(ONION, "/echo")
        fetched = fetch([url, site.local_url("/echo").replace("127.0.0.1", "localhost")])
        direct = fetched.resolved
        fetched = fetch([url], proxy=socks.url)
    assert fetched[url].status == 200
    assert socks.names() == [ONION]
    assert [seen.host for seen in site.requests][-1] == ONION
    # the spy on the resolver works (the direct fetch of localhost asked it) ...
    assert "localhost" in direct
    # ... and was never asked for the onion name, on either route
    assert not [name for name in direct + fetched.resolved if name.endswith(".onion")]


def test_an_onion_url_without_a_socks_proxy_is_refused_unresolved() -> None:
    url = f"http://{ONION}/"
    fetched = fetch([url])
    assert fetched[url].error == "OnionNeedsProxy"
    assert "never looked up locally" in (fetched[url].message or "")
    assert ONION not in fetched.resolved


def test_https_goes_over_the_tunnel_with_tls_to_the_site() -> None:
    with echo_site(tls=True) as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        url = site.url(ONION, "/bytes/5000")
        fetched = fetch([url], proxy=socks.url)
    assert fetched[url].status == 200
    assert fetched[url].size_bytes == 5000
    assert socks.connects[0].port == 443


def test_the_proxy_login_goes_to_the_proxy_and_not_to_the_site() -> None:
    with (
        echo_site() as site,
        SocksServer(onion=("127.0.0.1", site.port), credentials=("crawler", "s3cret")) as socks,
    ):
        url = site.url(ONION, "/echo")
        proxy = f"socks5h://crawler:s3cret@127.0.0.1:{socks.port}"
        fetched = fetch([url], proxy=proxy)
    assert fetched[url].status == 200
    assert [connect.user for connect in socks.connects] == ["crawler"]
    assert all("Proxy-Authorization" not in seen.headers for seen in site.requests)


def test_a_proxy_that_is_down_is_a_clear_counted_failure() -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    url = f"http://{ONION}/"
    fetched = fetch([url], proxy=f"socks5h://127.0.0.1:{port}")
    assert fetched[url].error == "ProxyDown"
    assert fetched[url].message == (
        f"the SOCKS proxy 127.0.0.1:{port} cannot be reached (connection refused): "
        "is Tor running there?"
    )
    assert fetched.stats["downloader/exception_type_count/crawler.socks.ProxyDown"] == 1


def test_socks_reply_codes_come_out_in_words() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        socks.fail_next(1, 0xF0)  # Tor: the onion service's descriptor cannot be found
        socks.fail_next(1, CONNECTION_REFUSED)
        first, second = site.url(ONION, "/echo"), site.url("www." + ONION, "/echo")
        fetched = fetch([first], proxy=socks.url)
        again = fetch([second], proxy=socks.url)
    assert fetched[first].error == again[second].error == "SocksRefused"
    assert (fetched[first].message or "").endswith(
        f"could not connect to {ONION}:80: the onion service's descriptor cannot be found "
        "(it is down or gone)"
    )
    assert (again[second].message or "").endswith("connection refused by the destination host")


def test_the_size_limit_holds_on_the_socks_route() -> None:
    limit = {"DOWNLOAD_MAXSIZE": 100_000, "DOWNLOAD_WARNSIZE": 50_000}
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        small, told, untold = (
            site.url(ONION, "/bytes/60000"),
            site.url(ONION, "/bytes/300000"),
            site.url(ONION, "/chunked/300000"),
        )
        fetched = fetch([small, told, untold], proxy=socks.url, settings=limit)
    assert fetched[small].status == 200
    assert fetched[told].error == fetched[untold].error == "DownloadCancelledError"
    assert "larger than download max size (100000)" in (fetched[told].message or "")


def test_the_time_limit_holds_on_the_socks_route() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        socks.stall_next(1)
        hung, slow = site.url(ONION, "/echo"), site.url("www." + ONION, "/stall")
        fetched = fetch([hung, slow], proxy=socks.url, settings={"DOWNLOAD_TIMEOUT": 2})
    assert {fetched[hung].error, fetched[slow].error} <= {"ProxyTimeout", "DownloadTimeoutError"}
    assert fetched[slow].error == "DownloadTimeoutError"


def test_a_clear_web_page_is_fetched_directly_without_the_proxy() -> None:
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        url = site.local_url("/echo")
        fetched = fetch([url])
    assert fetched[url].status == 200
    assert socks.connects == []
    assert json.loads(json.dumps(fetched.stats)).get("socks/requests") is None


def test_an_http_proxy_is_scrapys_own_route_and_gets_the_onion_name_unresolved() -> None:
    with echo_site() as site, http_proxy(("127.0.0.1", site.port)) as proxy:
        url = site.url(ONION, "/echo")
        fetched = fetch([url], proxy=proxy.url)
    assert fetched[url].status == 200
    assert proxy.hosts == [ONION]
    assert "socks/requests" not in fetched.stats
    assert ONION not in fetched.resolved


def test_tunnels_are_kept_alive_and_reused_for_one_host() -> None:
    two_at_a_time = {"CONCURRENT_REQUESTS": 2, "CONCURRENT_REQUESTS_PER_DOMAIN": 2}
    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        urls = [site.url(ONION, f"/bytes/{100 + i}") for i in range(20)]
        fetched = fetch(urls, proxy=socks.url, settings=two_at_a_time)
    assert [fetched[url].size_bytes for url in urls] == [100 + i for i in range(20)]
    assert 1 <= len(socks.connects) <= 2  # one tunnel per request slot, not per page


def test_after_a_new_circuit_new_requests_open_new_tunnels() -> None:
    from scrapy import Request
    from scrapy.utils.test import get_crawler

    from crawler.socks import CIRCUIT_RENEWED, SocksDownloadHandler

    async def three_pages(proxy: str, url: str) -> list[int]:
        crawler = get_crawler(settings_dict={"CONCURRENT_REQUESTS": 1})
        handler = SocksDownloadHandler.from_crawler(crawler)
        try:
            statuses = []
            for renew in (False, True, False):
                if renew:
                    crawler.signals.send_catch_log(CIRCUIT_RENEWED, proxy=proxy)
                response = await handler.download_request(Request(url, meta={"proxy": proxy}))
                statuses.append(response.status)
            return statuses
        finally:
            await handler.close()

    with echo_site() as site, SocksServer(onion=("127.0.0.1", site.port)) as socks:
        statuses = asyncio.run(three_pages(socks.url, site.url(ONION, "/echo")))
    assert statuses == [200, 200, 200]
    assert len(socks.connects) == 2  # kept alive, then a new tunnel after the renewal
