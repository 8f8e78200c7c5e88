"""The size limit of a response, told as a reject: Scrapy cancels a download that outgrows
``DOWNLOAD_MAXSIZE`` without saying why in the failure when the response named no length
(a page streamed to the connection's end). This extension counts the bytes as they arrive
and stops the download itself, marking the request ``too_big``, so the spider's errback
can say so."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scrapy import signals
from scrapy.exceptions import StopDownload

if TYPE_CHECKING:
    from scrapy import Request, Spider
    from scrapy.crawler import Crawler

__all__ = ["SizeLimit"]


class SizeLimit:
    """Stops a response at ``DOWNLOAD_MAXSIZE`` bytes (or its request's
    ``download_maxsize``), its request marked ``refused = ("too_big", ...)``."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SizeLimit:
        extension = cls(crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        crawler.signals.connect(extension.bytes_received, signal=signals.bytes_received)
        return extension

    def bytes_received(self, data: bytes, request: Request, spider: Spider) -> None:
        limit = int(request.meta.get("download_maxsize", self.max_bytes) or 0)
        seen = int(request.meta.get("bytes_received", 0)) + len(data)
        request.meta["bytes_received"] = seen
        if limit and seen > limit:
            request.meta["refused"] = (
                "too_big",
                f"over {limit} bytes (the response gave no length): stopped at {seen}",
            )
            raise StopDownload(fail=True)
