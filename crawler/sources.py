"""The sources of a crawl, read from a TOML file (``docs/sources.example.toml``)::

    [source.harbour-forum]
    start_urls = ["http://forum.example/forum/"]
    depth = 3
    proxy = "none"            # "tor", "socks5h://host:port" or "http://host:port"
    follow.allow = ['/forum/thread/\\d+']
    posts = { container = "article.post", text = ".content", date = "time" }
    pagination = "a[rel=next]"

Each table under ``source`` is one :class:`SourceConfig`; a bad value is a
:class:`~surveillance.errors.ConfigError` naming the file and the key. Credentials are never
in the file: a login names the environment variables that hold them.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.onion import is_onion, v3_onion_problem
from surveillance.errors import ConfigError

__all__ = [
    "CookieLogin",
    "FollowRules",
    "FormLogin",
    "LoginSecrets",
    "PostSelectors",
    "SourceConfig",
    "env_value",
    "read_sources",
]

_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"
_PROXY_SCHEMES = ("socks5h", "http")


def _check_css(selector: str) -> str:
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(selector)
    except SelectorError as exc:
        raise ValueError(f"not a CSS selector: {selector!r} ({exc})") from None
    return selector


def _check_xpath(expression: str) -> str:
    from lxml import etree

    try:
        etree.XPath(expression)
    except etree.XPathSyntaxError as exc:
        raise ValueError(f"not an XPath expression: {expression!r} ({exc})") from None
    return expression


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"not a regular expression: {pattern!r} ({exc})") from None
    return pattern


#: A CSS selector or XPath expression (checked where it is used).
Selector = Annotated[str, Field(min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FollowRules(_Strict):
    """Which links to follow: URLs matching ``allow`` (all when empty) and no ``deny``,
    taken from the regions ``css`` / ``xpath`` select (the whole page when both empty)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    css: tuple[Selector, ...] = ()
    xpath: tuple[Selector, ...] = ()

    @field_validator("allow", "deny")
    @classmethod
    def _regexes(cls, patterns: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_regex(p) for p in patterns)

    @field_validator("css")
    @classmethod
    def _css(cls, selectors: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_css(s) for s in selectors)

    @field_validator("xpath")
    @classmethod
    def _xpath(cls, expressions: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_xpath(x) for x in expressions)


class PostSelectors(_Strict):
    """Forum and market pages as posts: each ``container`` match is one lead; ``text``,
    ``date``, ``author`` are CSS selectors inside it (``text`` unset: the whole container);
    the post's anchor is its ``id`` attribute, else its index on the page."""

    container: Selector
    text: Selector | None = None
    date: Selector | None = None
    author: Selector | None = None

    @field_validator("container", "text", "date", "author")
    @classmethod
    def _css(cls, selector: str | None) -> str | None:
        return None if selector is None else _check_css(selector)


class FormLogin(_Strict):
    """Log in by posting the login form at ``url`` (its hidden fields, a CSRF token among
    them, are sent back as they came), the user name and password read from the
    environment variables named here."""

    by: Literal["form"]
    url: str
    form: Selector | None = None  # its CSS selector; unset: the form with a password field
    user_field: str = "username"
    password_field: str = "password"
    user_env: str = Field(pattern=_ENV_NAME)
    password_env: str = Field(pattern=_ENV_NAME)

    @field_validator("form")
    @classmethod
    def _css(cls, selector: str | None) -> str | None:
        return None if selector is None else _check_css(selector)

    @field_validator("url")
    @classmethod
    def _url(cls, url: str) -> str:
        return _check_url(url)


class CookieLogin(_Strict):
    """Log in with a session cookie (``name=value; name2=value2``) read from the
    environment variable ``cookie_env``."""

    by: Literal["cookie"]
    cookie_env: str = Field(pattern=_ENV_NAME)


def _check_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http:// or https:// URL, got {url!r}")
    return url


def _check_start_url(url: str) -> str:
    """A web URL, or a ``file://`` URL of a saved copy of a site (the simulator's forum)."""
    parts = urlsplit(url)
    if parts.scheme == "file" and parts.path.startswith("/") and parts.netloc in ("", "localhost"):
        return url
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"expected an http://, https:// or file:// URL, got {url!r}")
    return url


def _check_proxy(proxy: str) -> str:
    if proxy in ("none", "tor"):
        return proxy
    parts = urlsplit(proxy)
    if parts.scheme == "socks5":
        raise ValueError(
            f"{proxy!r}: use socks5h:// so that names (.onion ones too) are resolved at the proxy"
        )
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme not in _PROXY_SCHEMES or not parts.hostname or port is None:
        raise ValueError(
            f'expected "none", "tor", "socks5h://host:port" or "http://host:port", got {proxy!r}'
        )
    if parts.path not in ("", "/") or parts.query:
        raise ValueError(f"a proxy is a host and a port only, got {proxy!r}")
    return f"{parts.scheme}://{parts.netloc}"


class SourceConfig(_Strict):
    """One source: where to start, what to follow, how to read its posts, how politely."""

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
    start_urls: tuple[str, ...] = Field(min_length=1)
    allowed_domains: tuple[str, ...] = ()  # empty: the start URLs' hosts
    follow: FollowRules = FollowRules()
    posts: PostSelectors | None = None
    title: Selector | None = None  # the page title's selector; unset: <title>
    pagination: Selector | None = None  # the "next page" link's selector, followed past depth
    depth: int = Field(default=2, ge=0)
    max_pages: int | None = Field(default=None, ge=1)  # unset: the crawl_max_pages setting
    delay_s: float | None = Field(default=None, ge=0)  # unset: the crawl_delay_s setting
    concurrency: int | None = Field(default=None, ge=1)  # unset: crawl_concurrency_per_host
    proxy: str = "none"
    timezone: str = "UTC"  # of the dates the pages write without one
    login: Annotated[FormLogin | CookieLogin, Field(discriminator="by")] | None = None

    @field_validator("start_urls")
    @classmethod
    def _urls(cls, urls: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_check_start_url(u) for u in urls)

    @field_validator("allowed_domains")
    @classmethod
    def _domains(cls, domains: tuple[str, ...]) -> tuple[str, ...]:
        for domain in domains:
            if not re.fullmatch(r"[A-Za-z0-9.-]+", domain):
                raise ValueError(f"expected a host name, got {domain!r}")
        return tuple(d.lower() for d in domains)

    @field_validator("title", "pagination")
    @classmethod
    def _css(cls, selector: str | None) -> str | None:
        return None if selector is None else _check_css(selector)

    @field_validator("proxy")
    @classmethod
    def _proxy(cls, proxy: str) -> str:
        return _check_proxy(proxy)

    @field_validator("timezone")
    @classmethod
    def _timezone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"not a time zone: {name!r} (e.g. UTC, Asia/Tokyo)") from None
        return name

    @model_validator(mode="after")
    def _onions(self) -> SourceConfig:
        for url in self.start_urls:
            host = urlsplit(url).hostname or ""
            problem = v3_onion_problem(host) if is_onion(host) else None
            if problem is not None:
                raise ValueError(f"{url}: not a v3 onion address: {problem}")
            if is_onion(host) and self.proxy == "none":
                raise ValueError(f'{url}: an onion source needs a proxy ("tor" or socks5h://)')
        return self

    @property
    def domains(self) -> tuple[str, ...]:
        """The hosts the crawl may go to: ``allowed_domains``, else the start URLs' hosts."""
        if self.allowed_domains:
            return self.allowed_domains
        hosts = (urlsplit(u).hostname for u in self.start_urls)
        return tuple(dict.fromkeys(h.lower() for h in hosts if h))

    @property
    def folders(self) -> tuple[str, ...]:
        """The ``file://`` folders of the start URLs: a saved site is read within them."""
        found = (u.rsplit("/", 1)[0] + "/" for u in self.start_urls if u.startswith("file:"))
        return tuple(dict.fromkeys(found))

    @classmethod
    def for_url(
        cls, url: str, depth: int = 1, proxy: str = "none", max_pages: int | None = None
    ) -> SourceConfig:
        """A source of one start URL: its host only, the default politeness and limits."""
        try:
            host = urlsplit(url).hostname or ""
            return cls(
                name=host or "url",
                start_urls=(url,),
                allowed_domains=(host,) if host else (),
                depth=depth,
                proxy=proxy,
                max_pages=max_pages,
            )
        except ValidationError as exc:
            raise ConfigError(f"--url {url}: {_problems(exc)}") from None


def env_value(name: str, environ: Mapping[str, str] | None = None) -> str | None:
    """The value of environment variable ``name`` (None when unset or empty)."""
    value = (os.environ if environ is None else environ).get(name, "")
    return value or None


@dataclass(frozen=True, repr=False)
class LoginSecrets:
    """A source's credentials, read from the environment at the start of a crawl
    (``missing``: the variables named in the file that are not set). Never printed."""

    user: str | None = None
    password: str | None = None
    cookies: dict[str, str] = field(default_factory=dict)
    missing: tuple[str, ...] = ()

    def __repr__(self) -> str:
        return f"LoginSecrets(missing={self.missing!r})"

    @classmethod
    def of(cls, source: SourceConfig, environ: Mapping[str, str] | None = None) -> LoginSecrets:
        """What ``source.login`` names, from ``environ`` (default: the process's)."""
        login = source.login
        if isinstance(login, FormLogin):
            user = env_value(login.user_env, environ)
            password = env_value(login.password_env, environ)
            missing = tuple(
                name
                for name, value in ((login.user_env, user), (login.password_env, password))
                if value is None
            )
            return cls(user=user, password=password, missing=missing)
        if isinstance(login, CookieLogin):
            header = env_value(login.cookie_env, environ)
            if header is None:
                return cls(missing=(login.cookie_env,))
            pairs = (part.strip().split("=", 1) for part in header.split(";") if "=" in part)
            return cls(cookies={name.strip(): value.strip() for name, value in pairs})
        return cls()


def _problems(exc: ValidationError, prefix: str = "") -> str:
    messages = []
    for error in exc.errors():
        where = ".".join(str(p) for p in (prefix, *error["loc"]) if p != "")
        message = str(error["msg"]).removeprefix("Value error, ")
        messages.append(f"{where}: {message}" if where else message)
    return "; ".join(messages)


def read_sources(path: Path) -> list[SourceConfig]:
    """The sources of the TOML file at ``path``, in file order."""
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"sources file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"cannot read the sources file {path}: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"source"})
    if unknown:
        raise ConfigError(f"{path}: unknown key {unknown[0]!r} (sources go under [source.NAME])")
    tables = data.get("source")
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{path}: no sources (add a table [source.NAME] with start_urls)")
    sources = []
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise ConfigError(f"{path}: source.{name}: expected a table of settings")
        if "name" in table:
            raise ConfigError(f"{path}: source.{name}.name: the table's key is the name")
        try:
            sources.append(SourceConfig.model_validate({"name": name, **table}))
        except ValidationError as exc:
            raise ConfigError(f"{path}: {_problems(exc, f'source.{name}')}") from None
    return sources
