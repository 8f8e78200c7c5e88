"""``coastwatch crawl``: the sources of a TOML file, or one start URL, into the leads."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from surveillance.cli.app import AppContext, console, needs, out, pass_app
from surveillance.errors import ConfigError, InputError

if TYPE_CHECKING:
    from crawler.run import CrawlStats
    from crawler.sources import SourceConfig
    from surveillance.settings import Settings

__all__ = ["crawl", "print_summary"]

#: At most one progress line this often (the summary follows at the end).
PROGRESS_EVERY_S = 2.0

#: Loggers whose messages (a page over the size limit, a host that refused, robots.txt
#: out of reach, a page with no main text) the summary gives as counted rejects: shown with
#: ``-v`` only. Scrapy's other errors are shown, in one line.
_TOLD_AS_REJECTS = (
    "scrapy.core.downloader",
    "scrapy.downloadermiddlewares",
    "trafilatura",
)


class _OneLine(logging.Filter):
    """Scrapy's errors without their tracebacks (the CLI never shows one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name.startswith("scrapy"):
            record.exc_info, record.exc_text, record.stack_info = None, None, None
        return True


def _quiet_scrapy() -> None:
    if logging.getLogger().isEnabledFor(logging.DEBUG):
        return
    for name in _TOLD_AS_REJECTS:
        logging.getLogger(name).setLevel(logging.CRITICAL)
    logging.getLogger("scrapy").setLevel(logging.ERROR)
    for handler in logging.getLogger().handlers:
        if not any(isinstance(f, _OneLine) for f in handler.filters):
            handler.addFilter(_OneLine())


def print_summary(stats: CrawlStats) -> None:
    """The end-of-run summary: pages, leads new and seen again, rejects by reason, rate."""
    from rich.table import Table

    table = Table(box=None, show_header=False)
    table.add_row("pages fetched", f"{stats.pages:,}")
    table.add_row("leads stored (new)", f"{stats.leads_new:,}")
    table.add_row("seen again (same text, new URL)", f"{stats.sightings:,}")
    table.add_row("seen again (unchanged)", f"{stats.unchanged:,}")
    for reason, count in sorted(stats.rejected.items()):
        table.add_row(f"rejected: {reason}", f"{count:,}")
    table.add_row("rate", f"{stats.rate:,.1f} pages/s in {stats.seconds:.1f} s")
    out.print(table)
    if stats.pages and not stats.leads_new:
        console.print("nothing new: every page read was stored before")
    if stats.rejected:
        console.print("rejected pages are kept in the quarantine table with their reason")


def _sources(
    sources_file: Path | None,
    names: tuple[str, ...],
    url: str | None,
    depth: int | None,
    proxy: str | None,
    max_pages: int | None,
) -> list[SourceConfig]:
    from crawler.sources import SourceConfig, read_sources

    if (sources_file is None) == (url is None):
        raise click.UsageError("give --sources FILE.toml, or --url URL (one of them)")
    if url is not None:
        if names:
            raise click.UsageError("--source picks from a --sources file")
        return [
            SourceConfig.for_url(
                url, depth=1 if depth is None else depth, proxy=proxy or "none", max_pages=max_pages
            )
        ]
    assert sources_file is not None
    sources = read_sources(sources_file)
    if names:
        known = {s.name: s for s in sources}
        unknown = [n for n in names if n not in known]
        if unknown:
            raise ConfigError(
                f"{sources_file}: no source named {unknown[0]!r}",
                hint=f"its sources: {', '.join(known)}",
            )
        sources = [known[n] for n in dict.fromkeys(names)]
    update: dict[str, Any] = {}
    if depth is not None:
        update["depth"] = depth
    if proxy is not None:
        update["proxy"] = proxy
    if max_pages is not None:
        update["max_pages"] = max_pages
    if not update:
        return sources
    try:
        return [SourceConfig.model_validate({**s.model_dump(), **update}) for s in sources]
    except ValueError as exc:
        raise ConfigError(f"{' '.join(f'--{k}' for k in update)}: {exc}") from None


@contextlib.contextmanager
def _tor(settings: Settings, sources: list[SourceConfig]) -> Iterator[Any]:
    """The Tor in use while the crawl runs, when a source needs one (else None)."""
    if not any(s.proxy == "tor" for s in sources):
        yield None
        return
    try:
        from crawler.tor import tor_route
    except ImportError as exc:
        raise ConfigError(
            f"no Tor route here ({exc})",
            hint="give the SOCKS port of a running Tor with --proxy socks5h://HOST:PORT",
        ) from None
    with tor_route(settings) as route:
        yield route


@click.command("crawl")
@click.option(
    "--sources",
    "sources_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="A TOML file of sources (docs/sources.example.toml).",
)
@click.option(
    "--source", "names", multiple=True, metavar="NAME", help="Only this source (repeatable)."
)
@click.option(
    "--url", metavar="URL", help="Crawl one start URL instead (its host only, the default limits)."
)
@click.option(
    "--depth",
    type=click.IntRange(min=0),
    metavar="N",
    help="Links followed from a start URL (--url: 1).",
)
@click.option(
    "--proxy",
    metavar="P",
    help='"none", "tor", socks5h://HOST:PORT or http://HOST:PORT (overrides the sources\').',
)
@click.option(
    "--max-pages", type=click.IntRange(min=1), metavar="N", help="URLs asked for, per source."
)
@pass_app
@needs("sources")
def crawl(
    app: AppContext,
    sources_file: Path | None,
    names: tuple[str, ...],
    url: str | None,
    depth: int | None,
    proxy: str | None,
    max_pages: int | None,
) -> None:
    """Crawl web (and onion) sources for leads: each page's text, with the vessels,
    positions, places, times and contacts it names, stored once per text; a page read
    again is a sighting, so a second crawl stores nothing new.

    robots.txt is obeyed on the clear web, JavaScript never runs, executables and pages over
    the size limit are refused: each refusal is counted by reason and kept in the
    quarantine table. Login credentials come from the environment variables a source names.
    """
    from crawler.run import crawl as run_crawl

    sources = _sources(sources_file, names, url, depth, proxy, max_pages)
    _quiet_scrapy()

    said = [-PROGRESS_EVERY_S]

    def progress(stats: CrawlStats) -> None:
        if stats.seconds - said[0] < PROGRESS_EVERY_S:
            return
        said[0] = stats.seconds
        console.print(
            f"{stats.seconds:5.0f} s  pages {stats.pages:,}  leads new {stats.leads_new:,}  "
            f"seen again {stats.seen_again:,}  rejected {sum(stats.rejected.values()):,}"
        )

    settings = app.settings
    with app.open_store() as store, _tor(settings, sources) as tor:
        stats = run_crawl(store, sources, settings, progress=progress, tor=tor)
    print_summary(stats)
    if stats.errors:
        raise InputError(f"the crawl failed: {'; '.join(stats.errors)}")
    if stats.unreachable:
        name, why = next(iter(stats.unreachable.items()))
        raise InputError(
            f"cannot reach source {name}: {why}", hint="is the host up and the URL right?"
        )
