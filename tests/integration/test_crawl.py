"""``coastwatch crawl`` over the fixture site (a real HTTP server), into a real PostGIS
store: the leads with their entities, nothing new the second time, and every refusal (robots,
size, executables, redirect loops, login walls) a counted reject in the quarantine."""

from __future__ import annotations

import json
import re
import socket
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from surveillance.store import Store
from tests.builders import fixture_pages as pages
from tests.builders.cli import Coastwatch, Ran
from tests.builders.fixture_site import (
    LOGIN_PASSWORD,
    LOGIN_USER,
    MEMBER_COOKIE,
    ONION_HOST,
    FixtureSite,
    fixture_site,
)
from tests.builders.socks_server import SocksServer

pytestmark = pytest.mark.integration

#: No pause between requests: the fixture site is ours, and the tests are many.
FAST = {"COASTWATCH_CRAWL_DELAY_S": "0"}

FORUM = """
[source.harbour]
start_urls = ["{base}/forum/"]
depth = 1
timezone = "Asia/Tokyo"
title = "h1.thread-title"
pagination = "a[rel=next]"
follow.allow = ['/forum/thread/\\d+$']
posts.container = "article.post"
posts.text = "div.content"
posts.date = "time.posted"
posts.author = "span.author"
"""

BOARD = """
[source.board]
start_urls = ["{base}/"]
depth = 1
"""

MEMBERS = """
[source.members]
start_urls = ["{base}/members/"]
depth = 0
posts = {{ container = "article.post", text = "div.content", date = "time.posted" }}
login.by = "form"
login.url = "{base}/login"
login.user_env = "FIXTURE_USER"
login.password_env = "FIXTURE_PASSWORD"

[source.members-by-cookie]
start_urls = ["{base}/members/"]
depth = 0
posts = {{ container = "article.post", text = "div.content", date = "time.posted" }}
login = {{ by = "cookie", cookie_env = "FIXTURE_COOKIE" }}
"""


@pytest.fixture
def site() -> Iterator[FixtureSite]:
    with fixture_site() as running:
        yield running


def _sources(tmp_path: Path, site: FixtureSite, *tables: str) -> str:
    path = tmp_path / "sources.toml"
    path.write_text("".join(t.format(base=site.base_url) for t in tables), encoding="utf-8")
    return str(path)


def _crawl(coastwatch: Coastwatch, *args: str, env: dict[str, str] | None = None) -> Ran:
    return coastwatch("crawl", *args, env={**FAST, **(env or {})})


def _leads(store: Store) -> pd.DataFrame:
    return store.leads().set_index("url")


def _kinds(entities: list[dict[str, object]]) -> dict[str, set[object]]:
    found: dict[str, set[object]] = {}
    for entity in entities:
        found.setdefault(str(entity["kind"]), set()).add(entity["value"])
    return found


def _rejected(store: Store) -> dict[tuple[str, str], int]:
    frame = store.rejections()
    return {(s, r): int(n) for s, r, n in frame[["source", "reason", "records"]].itertuples(False)}


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_forum_crawl_stores_each_post_with_its_entities(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    ran = _crawl(coastwatch, "--sources", _sources(tmp_path, site, FORUM))
    assert ran.code == 0, ran.stderr
    leads = _leads(store)
    post_urls = {
        site.url("/forum/thread/1#p101"),
        site.url("/forum/thread/1#p102"),
        site.url("/forum/thread/1?page=2#p103"),  # reached by the pagination link only
        site.url("/forum/thread/2#p201"),
    }
    assert set(leads.index) == post_urls
    first = leads.loc[site.url("/forum/thread/1#p101")]
    assert first["text"] == pages.POSTS[0].text
    assert first["title"] == "Night work in the Tsushima Strait"
    assert first["posted"] == pd.Timestamp("2026-11-28T12:40Z")  # 21:40 in Tokyo
    kinds = _kinds(first["entities"])
    assert str(pages.MMSIS[1]) in kinds["mmsi"] and pages.IMOS[1] in kinds["imo"]
    assert "position" in kinds
    assert pages.MMSIS[1] in first["mmsi"]
    assert first["score"] > 0  # ship-to-ship, pickup
    paid = _kinds(leads.loc[site.url("/forum/thread/1?page=2#p103")]["entities"])
    assert pages.BTC_ADDRESSES[0] in paid["btc"]
    for entity in first["entities"]:
        assert first["text"][entity["start"] : entity["end"]] == entity["text"]
    assert re.search(r"leads stored \(new\)\s+4\s*\n", ran.stdout), ran.stdout


def test_a_second_crawl_stores_nothing_new(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    sources = _sources(tmp_path, site, FORUM)
    assert _crawl(coastwatch, "--sources", sources).code == 0
    before = _leads(store)
    ran = _crawl(coastwatch, "--sources", sources)
    assert ran.code == 0, ran.stderr
    assert "nothing new" in ran.stderr
    after = _leads(store)
    assert set(after.index) == set(before.index)
    assert (after["sightings"] == before["sightings"]).all()
    assert store.lead_sightings(int(after["id"].iloc[0]))["url"].tolist() == [after.index[0]]


def test_robots_txt_is_obeyed_on_the_clear_web(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    assert _crawl(coastwatch, "--sources", _sources(tmp_path, site, BOARD)).code == 0
    assert site.paths()[0] == "/robots.txt"
    assert "/private/ledger.html" not in site.paths()
    assert _rejected(store)[("board", "robots")] == 1
    assert all(
        "Coastwatch/" in f.user_agent and "research crawler" in f.user_agent for f in site.log
    )


def test_what_gives_no_lead_is_a_counted_reject_with_its_reason(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    ran = _crawl(coastwatch, "--sources", _sources(tmp_path, site, BOARD))
    assert ran.code == 0, ran.stderr
    rejected = _rejected(store)
    assert rejected[("board", "too_big")] == 2  # over crawl_max_page_bytes: said, or streamed
    assert rejected[("board", "binary")] == 2  # tracker.exe by name, /files/latest by type
    assert rejected[("board", "redirect_loop")] == 1
    assert rejected[("board", "login_wall")] == 1
    assert "/download/tracker.exe" not in site.paths()  # refused before asking
    with store.engine.connect() as conn:
        quarantined = conn.exec_driver_sql(
            "SELECT reason, raw, detail FROM quarantine WHERE source = 'board'"
        ).all()
    rows = {reason: (raw, detail) for reason, raw, detail in quarantined}
    assert rows["redirect_loop"][0] == site.url("/loop/a")
    assert rows["login_wall"][0] == site.url("/members/")
    assert "rejected: too_big" in ran.stdout
    leads = _leads(store)
    assert site.url("/huge.html") not in leads.index and site.url("/members/") not in leads.index
    broken = leads.loc[site.url("/broken.html")]  # broken HTML still reads
    assert str(pages.MMSIS[0]) in broken["text"] and pages.IMOS[2] in broken["text"]


def test_japanese_pages_read_as_japanese_whatever_their_encoding(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    assert _crawl(coastwatch, "--sources", _sources(tmp_path, site, BOARD)).code == 0
    leads = _leads(store)
    shift_jis, euc_jp = leads.loc[site.url("/jp/sjis.html")], leads.loc[site.url("/jp/eucjp.html")]
    assert pages.SHIFT_JIS_TEXT in shift_jis["text"] and shift_jis["language"] == "ja"
    assert pages.EUC_JP_TEXT in euc_jp["text"] and euc_jp["language"] == "ja"
    assert shift_jis["title"] == "瀬取り情報"
    assert shift_jis["score"] > 0  # 瀬取り, 覚醒剤


def test_no_script_ever_runs(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    assert _crawl(coastwatch, "--sources", _sources(tmp_path, site, BOARD)).code == 0
    leads = _leads(store)
    page = leads.loc[site.url("/script.html")]
    assert "a ferry delayed at Moji by fog" in page["text"]
    assert not any(pages.SCRIPT_MARKER in text for text in leads["text"])
    assert "Boat at Moji tonight" not in page["text"]


def test_a_login_wall_without_credentials_is_a_reject(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    ran = _crawl(coastwatch, "--sources", _sources(tmp_path, site, MEMBERS))
    assert ran.code == 0, ran.stderr
    rejected = _rejected(store)
    assert rejected[("members", "login_failed")] == 1
    assert rejected[("members", "login_wall")] == 1
    assert rejected[("members-by-cookie", "login_failed")] == 1
    assert store.leads().empty
    assert "POST" not in {f.method for f in site.log}


def test_a_login_with_credentials_from_the_environment_works(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    env = {
        "FIXTURE_USER": LOGIN_USER,
        "FIXTURE_PASSWORD": LOGIN_PASSWORD,
        "FIXTURE_COOKIE": f"session={MEMBER_COOKIE}",
    }
    ran = _crawl(coastwatch, "--sources", _sources(tmp_path, site, MEMBERS), env=env)
    assert ran.code == 0, ran.stderr
    leads = store.leads()
    assert leads["url"].tolist() == [site.url("/members/#m1")]  # one text, read twice
    assert len(store.lead_sightings(int(leads["id"].iloc[0]))) == 1
    assert ("POST", "/login") in {(f.method, f.path) for f in site.log}
    assert store.rejections().empty
    assert LOGIN_PASSWORD not in ran.stdout + ran.stderr


def test_a_wrong_password_is_a_failed_login(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    env = {"FIXTURE_USER": LOGIN_USER, "FIXTURE_PASSWORD": "not-it"}
    ran = _crawl(
        coastwatch, "--sources", _sources(tmp_path, site, MEMBERS), "--source", "members", env=env
    )
    assert ran.code == 0, ran.stderr
    assert _rejected(store)[("members", "login_failed")] == 1
    assert store.leads().empty


def test_one_url_keeps_to_its_host_and_depth(
    coastwatch: Coastwatch, store: Store, site: FixtureSite
) -> None:
    ran = _crawl(coastwatch, "--url", site.url("/forum/"), "--depth", "1")
    assert ran.code == 0, ran.stderr
    urls = set(store.leads()["url"])
    assert {site.url("/forum/"), site.url("/forum/thread/1"), site.url("/forum/thread/2")} <= urls
    assert site.url("/forum/thread/1?page=2") not in urls  # two hops away
    assert {f.host for f in site.log} == {"127.0.0.1"}


def test_an_onion_source_is_crawled_through_socks_without_robots(
    coastwatch: Coastwatch, store: Store, site: FixtureSite
) -> None:
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        ran = _crawl(
            coastwatch, "--url", f"http://{ONION_HOST}/hidden/market", "--proxy", socks.url
        )
    assert ran.code == 0, ran.stderr
    leads = _leads(store)
    market = leads.loc[f"http://{ONION_HOST}/hidden/market"]
    assert str(pages.MMSIS[3]) in _kinds(market["entities"])["mmsi"]
    assert ONION_HOST in socks.names()
    onion_paths = site.paths(ONION_HOST)
    assert "/hidden/market" in onion_paths and "/robots.txt" not in onion_paths
    assert site.paths("127.0.0.1") == []  # nothing went direct


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ("[source.s]\nstart_urls = []\n", "source.s.start_urls"),
        ("[source.s\n", "not valid TOML"),
    ],
)
def test_a_bad_sources_file_is_a_one_line_error(
    coastwatch: Coastwatch, tmp_path: Path, table: str, message: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(table, encoding="utf-8")
    ran = _crawl(coastwatch, "--sources", str(path))
    assert ran.code == 2 and message in ran.stderr and str(path) in ran.stderr


def test_an_unknown_source_names_those_there_are(
    coastwatch: Coastwatch, site: FixtureSite, tmp_path: Path
) -> None:
    ran = _crawl(coastwatch, "--sources", _sources(tmp_path, site, BOARD), "--source", "nope")
    assert ran.code == 2 and "no source named 'nope'" in ran.stderr and "board" in ran.stderr


def test_an_unreachable_host_says_so(coastwatch: Coastwatch, store: Store) -> None:
    ran = _crawl(coastwatch, "--url", f"http://127.0.0.1:{_closed_port()}/")
    assert ran.code == 2
    assert "cannot reach source 127.0.0.1" in ran.stderr
    assert _rejected(store)[("127.0.0.1", "unreachable")] == 1


@pytest.mark.parametrize("scheme", ["http", "socks5h"])
def test_a_proxy_that_is_down_says_so(
    coastwatch: Coastwatch, site: FixtureSite, scheme: str
) -> None:
    proxy = f"{scheme}://127.0.0.1:{_closed_port()}"
    ran = _crawl(coastwatch, "--url", site.url("/"), "--proxy", proxy)
    assert ran.code == 2 and f"the proxy {proxy}" in ran.stderr and "does not answer" in ran.stderr
    assert site.log == []


def test_crawling_needs_the_sources_ability(coastwatch: Coastwatch, store: Store) -> None:
    from tests.builders.cli import as_user
    from tests.builders.users import ROLE_USERS, add_user

    add_user(store, ROLE_USERS["intel"], "intel")
    ran = as_user(coastwatch, ROLE_USERS["intel"])("crawl", "--url", "http://127.0.0.1:9/")
    assert ran.code == 6


def test_a_mirror_is_seen_again_not_stored_again(
    coastwatch: Coastwatch, store: Store, site: FixtureSite, tmp_path: Path
) -> None:
    assert _crawl(coastwatch, "--sources", _sources(tmp_path, site, FORUM)).code == 0
    before = _leads(store)
    mirror = FORUM.replace("{base}", f"http://{ONION_HOST}").replace("harbour", "mirror")
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        sources = _sources(tmp_path, site, mirror + f'proxy = "{socks.url}"\n')
        ran = _crawl(coastwatch, "--sources", sources)
    assert ran.code == 0, ran.stderr
    after = _leads(store)
    assert set(after.index) == set(before.index)  # the same four texts, no new lead
    assert re.search(r"seen again \(same text, new URL\)\s+4\s*\n", ran.stdout), ran.stdout
    sightings = store.lead_sightings(int(after.loc[site.url("/forum/thread/1#p101")]["id"]))
    assert set(sightings["url"]) == {
        site.url("/forum/thread/1#p101"),
        f"http://{ONION_HOST}/forum/thread/1#p101",
    }


def test_proxy_tor_goes_through_the_running_tor_of_the_settings(
    coastwatch: Coastwatch, store: Store, site: FixtureSite
) -> None:
    with SocksServer(onion=("127.0.0.1", site.port)) as socks:
        env = {"COASTWATCH_TOR_MODE": "running", "COASTWATCH_TOR_SOCKS_URL": socks.url}
        url = f"http://{ONION_HOST}/hidden/market"
        ran = _crawl(coastwatch, "--url", url, "--depth", "0", "--proxy", "tor", env=env)
    assert ran.code == 0, ran.stderr
    assert store.leads()["url"].tolist() == [url]
    assert socks.names() == [ONION_HOST]


def test_a_saved_copy_of_a_site_is_crawled_from_its_files(
    coastwatch: Coastwatch, store: Store, tmp_path: Path
) -> None:
    saved = tmp_path / "saved"
    saved.mkdir()
    page = saved / "thread-1.html"
    page.write_text(pages.thread_page(1, 1) or "", encoding="utf-8")
    sjis, encoding, _ = pages.JAPANESE_PAGES["/jp/sjis.html"]
    (saved / "sjis.html").write_bytes(sjis.encode(encoding))
    (tmp_path / "outside.html").write_text("<p>not part of the copy</p>", encoding="utf-8")
    sources = tmp_path / "sources.toml"
    urls = [page.as_uri(), (saved / "sjis.html").as_uri()]
    table = (
        f"[source.saved]\nstart_urls = {json.dumps(urls)}\ndepth = 0\ndelay_s = 0\n"
        'posts.container = "article.post"\nposts.text = "div.content"\n'
    )
    sources.write_text(table, encoding="utf-8")
    ran = _crawl(coastwatch, "--sources", str(sources))
    assert ran.code == 0, ran.stderr
    leads = _leads(store)
    assert set(leads.index) == {f"{page.as_uri()}#p101", f"{page.as_uri()}#p102", f"{urls[1]}#j1"}
    assert leads.loc[f"{urls[1]}#j1"]["text"] == pages.SHIFT_JIS_TEXT


def test_a_lead_the_store_refuses_is_set_aside_and_the_rest_stored(store: Store) -> None:
    from collections import Counter

    from crawler.run import LeadWriter, parse_handoffs
    from tests.builders.leads import lead_record

    good = lead_record("http://f/1", "a post the store keeps")
    bad = lead_record("http://f/2", "a post naming a number no bigint holds", mmsi=[10**20])
    writer = LeadWriter(store)
    (batch,) = parse_handoffs([good, bad])
    writer.load(batch)
    assert store.leads()["url"].tolist() == ["http://f/1"]
    assert writer.totals.leads_new == 1
    assert writer.totals.rejected == Counter({"refused_by_store": 1})
    assert _rejected(store) == {("forum", "refused_by_store"): 1}


def test_max_pages_caps_what_is_asked_for(
    coastwatch: Coastwatch, store: Store, site: FixtureSite
) -> None:
    ran = _crawl(coastwatch, "--url", site.url("/"), "--max-pages", "3")
    assert ran.code == 0, ran.stderr
    asked = [p for p in site.paths() if p != "/robots.txt"]
    assert sorted(asked) == ["/", "/forum/", "/market/"]  # the page, its first two links
