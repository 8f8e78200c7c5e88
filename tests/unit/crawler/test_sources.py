"""The sources file: what it accepts, and the one-line error (file and key) for the rest."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.onion import is_v3_onion
from crawler.sources import FormLogin, SourceConfig, read_sources
from surveillance.errors import ConfigError
from tests.builders.fixture_site import ONION_HOST

EXAMPLE = Path(__file__).parents[3] / "docs" / "sources.example.toml"


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "sources.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_file_reads() -> None:
    sources = read_sources(EXAMPLE)
    assert [s.name for s in sources] == ["harbour-forum", "hidden-market"]
    forum, market = sources
    assert forum.posts is not None and forum.posts.container == "article.post"
    assert isinstance(forum.login, FormLogin) and forum.login.password_env == "FORUM_PASSWORD"
    assert market.proxy == "tor" and market.domains == (ONION_HOST,)


def test_a_source_reads_with_its_defaults(tmp_path: Path) -> None:
    path = _write(tmp_path, '[source.board]\nstart_urls = ["http://Board.Example/f/"]\n')
    (source,) = read_sources(path)
    assert source.name == "board"
    assert source.domains == ("board.example",)
    assert (source.depth, source.proxy, source.login, source.max_pages) == (2, "none", None, None)


@pytest.mark.parametrize(
    ("table", "where", "what"),
    [
        ('start_urls = ["ftp://x.example/"]', "source.s.start_urls", "http://"),
        ("start_urls = []", "source.s.start_urls", "at least 1"),
        ('start_urls = ["http://x.example/"]\ndepth = -1', "source.s.depth", "greater than"),
        ('start_urls = ["http://x.example/"]\nproxy = "socks5://127.0.0.1:9050"', "proxy", "h://"),
        ('start_urls = ["http://x.example/"]\nproxy = "tor:9050"', "source.s.proxy", "expected"),
        ('start_urls = ["http://x.example/"]\nfollow.allow = ["("]', "follow.allow", "regular"),
        ('start_urls = ["http://x.example/"]\npagination = "a[["', "pagination", "CSS"),
        ('start_urls = ["http://x.example/"]\nfollow.xpath = ["//a["]', "xpath", "XPath"),
        ('start_urls = ["http://x.example/"]\nspeed = 3', "source.s.speed", "not permitted"),
        (
            'start_urls = ["http://x.example/"]\nlogin = { by = "form", url = "http://x.example/l",'
            ' user_env = "U", password_env = "$P" }',
            "login.form.password_env",
            "pattern",
        ),
        (
            'start_urls = ["http://x.example/"]\nlogin = { by = "magic" }',
            "source.s.login",
            "form",
        ),
    ],
)
def test_a_bad_value_names_the_file_and_the_key(
    tmp_path: Path, table: str, where: str, what: str
) -> None:
    path = _write(tmp_path, f"[source.s]\n{table}\n")
    with pytest.raises(ConfigError) as raised:
        read_sources(path)
    message = str(raised.value)
    assert message.startswith(str(path)) and where in message and what in message
    assert "\n" not in message


def test_an_onion_source_needs_a_proxy_and_a_v3_name(tmp_path: Path) -> None:
    no_proxy = _write(tmp_path, f'[source.o]\nstart_urls = ["http://{ONION_HOST}/"]\n')
    with pytest.raises(ConfigError, match="needs a proxy"):
        read_sources(no_proxy)
    v2 = _write(
        tmp_path, '[source.o]\nstart_urls = ["http://expyuzz4wqqyqhjn.onion/"]\nproxy="tor"'
    )
    with pytest.raises(ConfigError, match="v3 onion"):
        read_sources(v2)
    broken = ONION_HOST[:10] + ("a" if ONION_HOST[10] != "a" else "b") + ONION_HOST[11:]
    assert is_v3_onion(ONION_HOST) and not is_v3_onion(broken)


@pytest.mark.parametrize(
    ("text", "what"),
    [
        ("[source.s\n", "not valid TOML"),
        ("[other]\n", "unknown key 'other'"),
        ("", "no sources"),
        ('[source.s]\nname = "t"\nstart_urls = ["http://x.example/"]\n', "source.s.name"),
    ],
)
def test_a_bad_file_is_one_line(tmp_path: Path, text: str, what: str) -> None:
    with pytest.raises(ConfigError, match=what):
        read_sources(_write(tmp_path, text))


def test_a_missing_file_says_so(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        read_sources(tmp_path / "none.toml")


def test_for_url_keeps_to_the_host() -> None:
    source = SourceConfig.for_url("http://127.0.0.1:8123/forum/", depth=3)
    assert source.domains == ("127.0.0.1",)
    assert (source.depth, source.proxy, source.follow.allow) == (3, "none", ())
    assert SourceConfig.for_url(f"http://{ONION_HOST}/", proxy="tor").proxy == "tor"
    with pytest.raises(ConfigError, match="--url"):
        SourceConfig.for_url(f"http://{ONION_HOST}/")
    with pytest.raises(ConfigError, match="proxy"):
        SourceConfig.for_url("http://x.example/", proxy="socks5h://nowhere")
