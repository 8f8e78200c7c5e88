"""The crawl's parts that need no site: hand-offs batched for the ingest run, posted dates
read as pages write them, and the refusals of the downloader middlewares."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy import Request
from scrapy.exceptions import StopDownload
from scrapy.http import Headers
from scrapy.utils.test import get_crawler

from crawler.items import Fetched, RejectItem
from crawler.middlewares import RedirectLoops, RefuseBinaries, Refused
from crawler.posted import posted_time
from crawler.run import parse_handoffs
from crawler.settings import REFUSED_CONTENT_TYPES, REFUSED_EXTENSIONS
from tests.builders.leads import lead_record

FETCHED = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def _reject(url: str) -> RejectItem:
    return RejectItem("forum", url, "robots", "disallowed", FETCHED)


def test_hand_offs_are_batched_and_a_quiet_tick_stores_what_came() -> None:
    stream = [
        lead_record("http://f/1"),
        Fetched("forum", "http://f/1"),
        None,
        _reject("http://f/2"),
    ]
    batches = list(parse_handoffs(stream))
    assert [len(b.records) for b in batches] == [1, 0]
    assert [b.pages["forum"] for b in batches] == [1, 0]
    assert batches[1].rejects[["reason", "raw", "source"]].values.tolist() == [
        ["robots", "http://f/2", "forum"]
    ]
    assert batches[0].counts == {"pages": 1, "leads_read": 1}


def test_a_full_batch_is_cut() -> None:
    stream = [lead_record(f"http://f/{k}", f"post {k}") for k in range(5)]
    assert [len(b.records) for b in parse_handoffs(stream, batch_records=2)] == [2, 2, 1]


def test_ticks_alone_make_no_batch() -> None:
    assert list(parse_handoffs([None, None])) == []


@pytest.mark.parametrize(
    ("written", "language", "timezone", "expected"),
    [
        ("28 Nov 2026 21:40", "en", "UTC", datetime(2026, 11, 28, 21, 40, tzinfo=UTC)),
        ("28 Nov 2026 21:40", "en", "Asia/Tokyo", datetime(2026, 11, 28, 12, 40, tzinfo=UTC)),
        ("2026年11月28日 21時40分", "ja", "Asia/Tokyo", datetime(2026, 11, 28, 12, 40, tzinfo=UTC)),
        ("2026-11-28T21:40:00+09:00", None, "UTC", datetime(2026, 11, 28, 12, 40, tzinfo=UTC)),
        ("Listed 27 Nov 2026", "en", "UTC", datetime(2026, 11, 27, tzinfo=UTC)),
        ("2 hours ago", "en", "UTC", datetime(2026, 12, 1, 10, 0, tzinfo=UTC)),
        ("2026/11/28 21:40", None, "Asia/Tokyo", datetime(2026, 11, 28, 12, 40, tzinfo=UTC)),
        ("2026/11/28 21:40 JST", "en", "UTC", datetime(2026, 11, 28, 12, 40, tzinfo=UTC)),
        ("28 novembre 2026 21:40", "fr", "UTC", datetime(2026, 11, 28, 21, 40, tzinfo=UTC)),
    ],
)
def test_posted_dates_read_as_written(
    written: str, language: str | None, timezone: str, expected: datetime
) -> None:
    assert posted_time(written, language=language, timezone=timezone, fetched=FETCHED) == expected


@pytest.mark.parametrize("written", [None, "", "no date here", "31 Dec 2026 23:00"])
def test_no_date_or_one_after_the_fetch_is_none(written: str | None) -> None:
    assert posted_time(written, language="en", timezone="UTC", fetched=FETCHED) is None


def _binaries() -> RefuseBinaries:
    return RefuseBinaries(REFUSED_EXTENSIONS, REFUSED_CONTENT_TYPES)


def test_an_executable_link_is_not_requested() -> None:
    with pytest.raises(Refused) as refused:
        _binaries().process_request(Request("http://f/download/Tracker.EXE?v=2"))
    assert refused.value.reason == "binary"
    _binaries().process_request(Request("http://f/forum/thread/1"))  # a page passes


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/octet-stream"},
        {"Content-Type": "application/x-msdownload; charset=binary"},
        {"Content-Type": "text/html", "Content-Disposition": 'attachment; filename="a.exe"'},
    ],
)
def test_a_binary_response_is_stopped_at_its_headers(headers: dict[str, str]) -> None:
    request = Request("http://f/files/latest")
    with pytest.raises(StopDownload):
        _binaries().headers_received(Headers(headers), 65536, request, None)  # type: ignore[arg-type]
    assert request.meta["refused"][0] == "binary"


def test_a_page_response_goes_on() -> None:
    headers = Headers({"Content-Type": "text/html; charset=utf-8"})
    _binaries().headers_received(headers, 100, Request("http://f/"), None)  # type: ignore[arg-type]


def test_a_redirect_back_into_the_chain_is_a_loop() -> None:
    middleware = RedirectLoops.from_crawler(get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 5}))
    request = Request("http://f/loop/b", meta={"redirect_urls": ["http://f/loop/a"]})
    with pytest.raises(Refused) as refused:
        middleware._redirect(Request("http://f/loop/a"), request, 302)
    assert refused.value.reason == "redirect_loop"
    assert "http://f/loop/a -> http://f/loop/b -> http://f/loop/a" in refused.value.detail


def test_a_chain_past_the_limit_is_too_many_redirects() -> None:
    middleware = RedirectLoops.from_crawler(get_crawler(settings_dict={"REDIRECT_MAX_TIMES": 1}))
    request = Request("http://f/1", meta={"redirect_times": 1, "redirect_urls": ["http://f/0"]})
    with pytest.raises(Refused) as refused:
        middleware._redirect(Request("http://f/2"), request, 302)
    assert refused.value.reason == "too_many_redirects"


def test_a_page_the_spider_fails_on_is_a_reject() -> None:
    from scrapy.http import HtmlResponse

    from crawler.middlewares import SpiderErrors
    from crawler.sources import SourceConfig
    from crawler.spiders.source import SourceSpider

    spider = SourceSpider(SourceConfig.for_url("http://f/"))
    response = HtmlResponse("http://f/x", body=b"<p>x</p>")
    (reject,) = SpiderErrors().process_spider_exception(response, ValueError("bad"), spider)
    assert (reject.source, reject.url, reject.reason) == ("f", "http://f/x", "failed:spider")
    assert reject.detail == "ValueError: bad"
