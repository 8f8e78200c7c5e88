"""``coastwatch crawl``."""

import click

from surveillance.cli.pending import pending

__all__ = ["crawl"]

crawl = pending(
    "crawl",
    "the crawler issue (not filed yet)",
    "Crawl the named sources for leads.",
    [click.Argument(["sources"], nargs=-1)],
)
