"""Entity extraction on the labelled set of leads: precision and recall per kind, against a
naive baseline measured in the same run.

The set is ``tests/data/leads`` (pages we wrote, English and Japanese, with their entities).
``extract`` is :func:`crawler.entities.extract` with the set's known vessels and the packaged
gazetteer. The baseline is what a regex-only reader does: any nine digits an MMSI, any seven
digits an IMO, any two decimal numbers a position, any gazetteer name (English or Japanese,
anywhere, any case) a place, a known vessel's name in capitals a vessel.
Goals (issue #14): at least 0.95 for mmsi, imo and position, 0.9 for vessel and place.

    .venv/bin/python bench/entity_accuracy.py [--misses]
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from crawler.entities import extract  # noqa: E402
from crawler.entities.base import Entity  # noqa: E402
from crawler.entities.places import Gazetteer  # noqa: E402
from crawler.entities.vessels import KnownVessels  # noqa: E402
from tests.builders.labelled_leads import (  # noqa: E402
    GOALS,
    KindScore,
    LabelledPage,
    labelled_known,
    labelled_pages,
    score,
)

_NINE = re.compile(r"(?<!\d)\d{9}(?!\d)")
_SEVEN = re.compile(r"(?<!\d)\d{7}(?!\d)")
_TWO_DECIMALS = re.compile(r"(-?\d{1,3}\.\d+)[^\d.]{1,3}(-?\d{1,3}\.\d+)")


def naive(page: LabelledPage, known: KnownVessels, gazetteer: Gazetteer) -> list[Entity]:
    """The baseline reader: regexes and substrings, no checks."""
    text = page.text
    found = [
        Entity("mmsi", m.group(), m.group(), m.start(), m.end(), 1) for m in _NINE.finditer(text)
    ]
    found += [
        Entity("imo", m.group(), m.group(), m.start(), m.end(), 1) for m in _SEVEN.finditer(text)
    ]
    for m in _TWO_DECIMALS.finditer(text):
        value = f"{float(m.group(1)):.4f},{float(m.group(2)):.4f}"
        found.append(Entity("position", value, m.group(), m.start(), m.end(), 1))
    lowered = text.lower()
    for place in gazetteer.places:
        for written in (*place.latin, *place.japanese):
            at = lowered.find(written.lower())
            if at >= 0:
                found.append(Entity("place", place.name, written, at, at + len(written), 1))
    for name in [*known.names, *known.watched]:
        at = text.find(name)
        if at >= 0:
            found.append(Entity("vessel", name, name, at, at + len(name), 1))
    return found


def _f1(s: KindScore) -> float:
    p, r = s.precision, s.recall
    return 2 * p * r / (p + r) if p + r else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every miss of extract")
    args = parser.parse_args()
    pages = labelled_pages()
    known = labelled_known()
    gazetteer = Gazetteer.packaged()
    misses: list[str] = []

    def ours(page: LabelledPage) -> list[Entity]:
        return extract(page.text, posted=page.posted, known=known, gazetteer=gazetteer).entities

    started = time.perf_counter()
    scores = score(pages, ours, misses)
    ours_s = time.perf_counter() - started
    started = time.perf_counter()
    baseline = score(pages, lambda p: naive(p, known, gazetteer))
    naive_s = time.perf_counter() - started

    marked = sum(len(p.expected) for p in pages)
    print(f"labelled set: {len(pages)} pages, {marked} entities marked")
    print(
        f"{'kind':<9} {'marked':>6} {'precision':>9} {'recall':>7}   {'naive P':>7} {'naive R':>7}"
        f"   {'F1 ratio':>8}  goal"
    )
    failed = []
    for kind, s in scores.items():
        b = baseline[kind]
        n = s.true_positive + s.false_negative
        if not n and not s.false_positive:
            continue
        ratio = _f1(s) / _f1(b) if _f1(b) else float("inf")
        goal = GOALS.get(kind)
        verdict = ""
        if goal is not None:
            ok = s.precision >= goal and s.recall >= goal
            verdict = f"{goal:.2f} {'ok' if ok else 'MISSED'}"
            if not ok:
                failed.append(kind)
        naive_cols = (
            f"{b.precision:>7.2f} {b.recall:>7.2f}" if kind in GOALS else f"{'-':>7} {'-':>7}"
        )
        ratio_col = f"{ratio:>8.2f}" if kind in GOALS else f"{'-':>8}"
        print(
            f"{kind:<9} {n:>6} {s.precision:>9.2f} {s.recall:>7.2f}   {naive_cols}   "
            f"{ratio_col}  {verdict}"
        )
    print(
        f"time: extract {ours_s * 1000 / len(pages):.2f} ms/page, naive "
        f"{naive_s * 1000 / len(pages):.2f} ms/page (x{ours_s / naive_s:.1f})"
    )
    if args.misses:
        print("\n".join(["", "misses of extract:", *misses]))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
