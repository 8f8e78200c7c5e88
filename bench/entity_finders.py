"""The identifier, position, contact and payment finders on a 1 MB forum page, English and
Japanese, beside the cheapest pass there is over the same text.

The page: forum posts, each a paragraph of ordinary prose (half of them Japanese, some with
full-width digits) and one in five naming an MMSI, an IMO number, a call sign, a position,
an e-mail, a phone number, a Telegram handle or a Bitcoin address. Baseline in the same run:
one compiled regex that finds every run of digits (what any finder must at least read).
Printed: per finder the median of N runs (each folding the page afresh: fold keeps the last
few texts, which extract's finders share), MB/s and the ratio to the baseline, and the count
found (the same each run: a check that the page says what it should).

    .venv/bin/python -m bench.entity_finders [--runs 5] [--mb 1]
"""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable

from bench.timing import median_s
from crawler.entities.base import Entity
from crawler.entities.contacts import find_emails, find_handles, find_pgp, find_phones
from crawler.entities.coordinates import find_positions
from crawler.entities.folding import fold
from crawler.entities.identifiers import find_callsigns, find_imo, find_mmsi
from crawler.entities.payments import find_btc, find_xmr

PROSE = (
    "Meeting at the usual place at 12:30, price 3.50 each, version 2.1 of the chart. "
    "The weather was calm and the boats were out late; nobody saw anything unusual. ",
    "いつもの場所で１２時３０分に集合。価格は一個３５０円、海は穏やかで船は遅くまで出ていた。"
    "特に変わったことはなかった。",
)
MENTIONS = (
    "The tanker MMSI 431000123 turned off its AIS.",
    "船舶番号 IMO 9811000 の船が沖に停泊。",
    "Call sign: 3FAB7, flag Panama.",
    "Meet at 34°12'N 129°45'E after dark.",
    "受け渡しは北緯３４度１２分　東経１２９度４５分で。",
    "Write drop@example.onion for the list.",
    "電話 +81 90-1234-5678 まで。",
    "Telegram: @cargo_boss for prices.",
    "Pay to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4 only.",
)

Finder = Callable[[str], list[Entity]]
FINDERS: dict[str, Finder] = {
    "find_mmsi": find_mmsi,
    "find_imo": find_imo,
    "find_callsigns": find_callsigns,
    "find_positions": find_positions,
    "find_emails": find_emails,
    "find_phones": find_phones,
    "find_handles": find_handles,
    "find_pgp": find_pgp,
    "find_btc": find_btc,
    "find_xmr": find_xmr,
}


def forum_page(size_chars: int) -> str:
    """Posts until the page holds ``size_chars`` characters."""
    posts = []
    total = 0
    k = 0
    while total < size_chars:
        post = PROSE[k % 2] * 3
        if k % 5 == 0:
            post += " " + MENTIONS[(k // 5) % len(MENTIONS)]
        posts.append(f"<post {k}> {post}\n")
        total += len(posts[-1])
        k += 1
    return "".join(posts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="Runs of each (default 5).")
    parser.add_argument("--mb", type=float, default=1.0, help="Page size in MB of text.")
    args = parser.parse_args()
    page = forum_page(int(args.mb * 1_000_000))
    size_mb = len(page.encode()) / 1e6
    digits = re.compile(r"\d+")
    baseline_s = median_s(lambda: sum(1 for _ in digits.finditer(page)), args.runs)
    print(f"page: {len(page):,} characters, {size_mb:.2f} MB UTF-8")
    print(f"{'baseline (runs of digits)':28s} {baseline_s * 1e3:8.1f} ms  1.0x")
    for name, finder in FINDERS.items():
        found = len(finder(page))
        seconds = median_s(lambda finder=finder: fold.cache_clear() or finder(page), args.runs)
        print(
            f"{name:28s} {seconds * 1e3:8.1f} ms  {seconds / baseline_s:5.1f}x  "
            f"{size_mb / seconds:6.1f} MB/s  found {found}"
        )


if __name__ == "__main__":
    main()
