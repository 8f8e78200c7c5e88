"""The spider on fixture pages (real Scrapy responses, no network): posts as items, links
by the source's rules, depth and page limits, login walls, and failures as rejects."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.exceptions import DownloadCancelledError, IgnoreRequest
from scrapy.http import HtmlResponse, Response
from twisted.python.failure import Failure

from crawler.items import PageItem, RejectItem
from crawler.middlewares import Refused
from crawler.sources import FollowRules, PostSelectors, SourceConfig
from crawler.spiders.source import SourceSpider
from tests.builders import fixture_pages as pages
from tests.builders.fixture_site import _login_form

BASE = "http://forum.test"
POSTS = PostSelectors(container="article.post", text="div.content", date="time.posted")


def _response(path: str, html: str, **meta: Any) -> HtmlResponse:
    request = Request(BASE + path, meta=meta)
    return HtmlResponse(BASE + path, body=html.encode(), encoding="utf-8", request=request)


def _spider(**fields: Any) -> SourceSpider:
    source = SourceConfig(name="forum", start_urls=(f"{BASE}/forum/",), **fields)
    return SourceSpider(source)


def _split(output: Any) -> tuple[list[PageItem], list[RejectItem], list[Request]]:
    found = list(output)
    return (
        [o for o in found if isinstance(o, PageItem)],
        [o for o in found if isinstance(o, RejectItem)],
        [o for o in found if isinstance(o, Request)],
    )


def test_each_post_is_an_item_with_its_anchor_and_date() -> None:
    spider = _spider(posts=POSTS, title="h1.thread-title")
    html = pages.thread_page(1, 1)
    assert html is not None
    items, rejects, _ = _split(spider.parse(_response("/forum/thread/1", html)))
    assert rejects == []
    assert [i.url for i in items] == [f"{BASE}/forum/thread/1#p101", f"{BASE}/forum/thread/1#p102"]
    first = items[0]
    assert (first.anchor, first.index, first.posted_text) == ("p101", 0, "28 Nov 2026 21:40")
    assert first.title == "Night work in the Tsushima Strait"
    assert pages.POSTS[0].text.split("(")[0] in first.body.decode()
    assert b"<article" not in first.body  # the post's text element only


def test_a_page_without_post_selectors_is_one_item() -> None:
    items, _, _ = _split(_spider().parse(_response("/market/", pages.MARKET)))
    assert len(items) == 1 and items[0].url == f"{BASE}/market/" and items[0].title == "Market"


def test_links_follow_the_rules_within_depth_and_pagination_past_it() -> None:
    spider = _spider(
        posts=POSTS, depth=1, pagination="a[rel=next]", follow=FollowRules(allow=(r"/thread/1",))
    )
    html = pages.thread_page(1, 1)
    assert html is not None
    _, _, at_start = _split(spider.parse(_response("/forum/thread/1", html, hops=0)))
    assert [r.url for r in at_start] == [f"{BASE}/forum/thread/1?page=2"]
    assert at_start[0].meta["hops"] == 0  # the next page of a thread is not a hop
    index = _response("/forum/", pages.forum_index(), hops=1)
    assert _split(spider.parse(index))[2] == []  # at the depth: no links followed


def test_other_hosts_and_too_many_pages_are_not_asked_for() -> None:
    spider = _spider(max_pages=2)
    links = ["http://elsewhere.test/x", "/a", "/b", "/c"]
    html = "<html><body>" + "".join(f'<a href="{h}">{h}</a>' for h in links) + "</body></html>"
    _, _, asked = _split(spider.parse(_response("/", html, hops=0)))
    assert [r.url for r in asked] == [f"{BASE}/a", f"{BASE}/b"]


def test_a_login_form_is_a_login_wall_reported_at_the_url_linked_to() -> None:
    response = _response(
        "/login?next=/members/",
        _login_form("t0k3n", "/members/", failed=False),
        redirect_urls=[f"{BASE}/members/"],
    )
    items, rejects, asked = _split(_spider().parse(response))
    assert items == [] and asked == []
    assert [(r.url, r.reason) for r in rejects] == [(f"{BASE}/members/", "login_wall")]


def _failed(error: BaseException, request: Request) -> RejectItem:
    failure = Failure(error)
    failure.request = request  # type: ignore[attr-defined]
    (reject,) = _spider().failed(failure)
    return reject


def test_failures_are_rejects_with_reasons() -> None:
    request = Request(f"{BASE}/huge.html")
    big = DownloadCancelledError("Received 9 bytes which is larger than download max size (5)")
    assert _failed(big, request).reason == "too_big"
    assert _failed(Refused("robots", "disallowed"), request).reason == "robots"
    assert _failed(IgnoreRequest("offsite"), request).reason == "ignored"
    looped = Request(f"{BASE}/loop/b", meta={"redirect_urls": [f"{BASE}/loop/a"]})
    assert _failed(Refused("redirect_loop", "a -> b -> a"), looped).url == f"{BASE}/loop/a"
    down = _failed(ConnectionRefusedError("refused"), Request(BASE, meta={"proxy": "http://p:1"}))
    assert down.reason == "unreachable" and "through the proxy http://p:1" in down.detail


def test_a_body_that_is_not_text_is_still_handed_on() -> None:
    response = Response(f"{BASE}/files/latest", body=b"MZ\x90\x00", headers={"Content-Type": "x/y"})
    items, _, _ = _split(_spider().parse(response))
    assert items[0].body == b"MZ\x90\x00" and items[0].content_type == "x/y"


def test_a_saved_site_is_read_within_its_folder_only(tmp_path: Any) -> None:
    page = tmp_path / "site" / "thread.html"
    page.parent.mkdir()
    page.write_text("<p>x</p>", encoding="utf-8")
    source = SourceConfig(name="saved", start_urls=(page.as_uri(),))
    spider = SourceSpider(source)
    assert source.domains == () and source.folders == (page.parent.as_uri() + "/",)
    assert spider._on_site((page.parent / "other.html").as_uri())
    assert not spider._on_site((tmp_path / "secret.html").as_uri())
    assert not spider._on_site("ftp://forum.test/x") and not spider._on_site("http://forum.test/")


def test_a_proxy_password_stays_out_of_a_reject() -> None:
    request = Request(BASE, meta={"proxy": "socks5h://user:hunter2@127.0.0.1:9050"})
    reject = _failed(ConnectionRefusedError("refused"), request)
    assert "hunter2" not in reject.detail and "127.0.0.1:9050" in reject.detail
