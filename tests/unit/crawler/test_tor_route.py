"""The Tor in use as the crawl's components are told it: the control password never shows."""

from __future__ import annotations

import copy

from crawler.tor import TorRoute, scrapy_settings


def test_the_control_password_is_passed_on_and_never_printed() -> None:
    route = TorRoute("socks5h://127.0.0.1:9050", 9051, control_password="hunter2")
    settings = copy.deepcopy(scrapy_settings(route))  # as Scrapy copies its settings
    assert settings["TOR_SOCKS_URL"] == "socks5h://127.0.0.1:9050"
    assert settings["TOR_CONTROL_PORT"] == 9051
    assert settings["TOR_CONTROL_PASSWORD"] == "hunter2"
    assert "hunter2" not in repr(settings)
    assert "hunter2" not in repr(route)


def test_without_a_password_none_is_set() -> None:
    assert scrapy_settings(TorRoute("socks5h://127.0.0.1:9050"))["TOR_CONTROL_PASSWORD"] is None
