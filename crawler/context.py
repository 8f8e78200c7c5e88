"""What a crawl's components share: the lookups built from the store before the crawl
starts (known vessels, the gazetteer, the near-duplicate index), the route to Tor, and the
hand-off queue from Scrapy's thread to the ingest run in the main thread.

It travels in the Scrapy settings (``COASTWATCH_CRAWL``), which Scrapy deep-copies for every
crawler: a context copies as itself, so all sources of a run share one.
"""

from __future__ import annotations

import queue
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from crawler.dedupe import NearDuplicates
    from crawler.entities.places import Gazetteer
    from crawler.entities.vessels import KnownVessels
    from crawler.items import Handoff

__all__ = ["CrawlContext", "CrawlEnd"]


@dataclass(frozen=True)
class CrawlEnd:
    """The last hand-off of a crawl: every source finished (``errors`` if some failed)."""

    errors: tuple[str, ...] = ()


@dataclass(eq=False)
class CrawlContext:
    """The shared state of one crawl (see the module's docstring)."""

    known: KnownVessels
    gazetteer: Gazetteer
    near: NearDuplicates
    tor_proxy: str | None = None  # the socks5h:// URL of the Tor in use
    handoffs: queue.Queue[Handoff | CrawlEnd] = field(default_factory=queue.Queue)

    def __deepcopy__(self, memo: dict[int, Any]) -> CrawlContext:
        return self

    def __repr__(self) -> str:  # Scrapy logs its settings: no lookups, no proxy password
        from surveillance.redaction import mask_secrets

        return f"CrawlContext(tor_proxy={mask_secrets(str(self.tor_proxy))!r})"

    def hand_off(self, item: Handoff) -> None:
        """Pass a lead, a reject or a fetch to the ingest run (any thread)."""
        self.handoffs.put(item)

    def finish(self, errors: tuple[str, ...] = ()) -> None:
        """Tell the ingest run that the crawl is over."""
        self.handoffs.put(CrawlEnd(errors))
