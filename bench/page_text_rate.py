"""Pages to text and duplicates: how fast ``crawler.text.page_text`` and ``crawler.dedupe``
read the fixture site's pages (English, Shift_JIS, EUC-JP, broken, scripted, market) and
made-up forum threads.

Printed, beside the baseline measured in the same run (the bytes decoded as the page says
and lxml's ``text_content()``: no charset checks, no main text, no language):

- ``page_text`` (charset, main text by trafilatura, blocks, language), pages per second;
- ``content_hash`` + ``signature`` and a ``NearDuplicates`` match per page (the dedupe
  pipeline's work), pages per second.

    .venv/bin/python -m bench.page_text_rate [--threads 200]
"""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

import lxml.html

from crawler.dedupe import NearDuplicates, content_hash, signature
from crawler.text import page_text
from tests.builders import fixture_pages as pages


def corpus(threads: int) -> list[tuple[bytes, str | None]]:
    """The fixture site's pages and ``threads`` made-up thread pages, as served."""
    served: list[tuple[bytes, str | None]] = [
        (text.encode(encoding), content_type)
        for text, encoding, content_type in pages.JAPANESE_PAGES.values()
    ]
    for markup in (pages.INDEX, pages.MARKET, pages.broken_page(), pages.script_page()):
        served.append((markup.encode(), "text/html; charset=utf-8"))
    served += [
        (pages.made_up_thread_page(pages.MADE_UP_FROM + n).encode(), "text/html")
        for n in range(threads)
    ]
    return served


def rate(
    work: Callable[[bytes, str | None], object], served: list[tuple[bytes, str | None]]
) -> float:
    start = time.perf_counter()
    for body, content_type in served:
        work(body, content_type)
    return len(served) / (time.perf_counter() - start)


def baseline(body: bytes, content_type: str | None) -> str:
    charset = (content_type or "").partition("charset=")[2] or "utf-8"
    return str(lxml.html.document_fromstring(body.decode(charset, "replace")).text_content())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, default=200)
    args = parser.parse_args()
    served = corpus(args.threads)
    page_text(
        served[0][0], content_type=served[0][1]
    )  # the language model and trafilatura loaded before the clock
    texts = [page_text(body, content_type=ct).text for body, ct in served]
    near = NearDuplicates()

    matched = []

    def dedupe(text: str) -> None:
        sig = signature(text)
        if near.match(sig) is None:
            near.add(content_hash(text), sig)
        else:
            matched.append(text)

    base = rate(baseline, served)
    read = rate(lambda body, ct: page_text(body, content_type=ct), served)
    start = time.perf_counter()
    for text in texts:
        dedupe(text)
    deduped = len(texts) / (time.perf_counter() - start)
    print(f"{len(served)} pages, {sum(len(b) for b, _ in served) / 1e6:.1f} MB")
    print(f"baseline (decode + lxml text_content): {base:8.1f} pages/s")
    print(f"page_text:                             {read:8.1f} pages/s  ({read / base:.2f}x)")
    print(f"content_hash + signature + LSH match:  {deduped:8.1f} pages/s  ({deduped / base:.2f}x)")
    print(f"near-duplicates among them: {len(matched)} (pages of one thread template)")


if __name__ == "__main__":
    main()
