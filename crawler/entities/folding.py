"""Folding a text for matching: full-width forms, Japanese punctuation and the look-alike
signs people type for degrees, primes and dashes become their ASCII forms, one character for
one character, so a match's span in the folded text is its span in the original."""

from __future__ import annotations

import itertools
import unicodedata
from functools import cache, lru_cache

__all__ = ["fold"]

#: What NFKC leaves alone (or turns into several characters, or gets wrong for coordinates:
#: U+00BA "º" would become "o"), mapped by hand.
_BY_HAND = {
    "\u00ba": "°",  # masculine ordinal, typed for a degree sign
    "\u02da": "°",  # ring above
    "\u2070": "°",  # superscript zero
    "\u2032": "'",  # prime
    "\u2033": '"',  # double prime (NFKC makes two primes)
    "\u2019": "'",
    "\u2018": "'",
    "\u201d": '"',
    "\u201c": '"',
    # The ideographic comma and full stop part items and sentences, never the digits of one
    # number (as "," and "." may: "1,000", "3.5"), so they fold to a space.
    "\u3001": " ",
    "\u3002": " ",
    "\u30fb": " ",  # katakana middle dot, a separator in lists
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u301c": "~",
    "\uff5e": "~",
}


@cache
def _table() -> dict[int, str]:
    """Every character of the Basic Multilingual Plane and of the mathematical letters and
    digits (``𝟒𝟑𝟏``, typed to slip past filters) that folds to another; built once, so that
    ``str.translate`` looks each character up in a plain dict."""
    table = {}
    for code in itertools.chain(range(0x80, 0x10000), range(0x1D400, 0x1D800)):
        char = chr(code)
        folded = _BY_HAND.get(char)
        if folded is None:
            nfkc = unicodedata.normalize("NFKC", char)
            folded = nfkc if len(nfkc) == 1 else char
        if folded != char:
            table[code] = folded
    return table


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """``text`` with every character folded to one character (``len`` unchanged). The last
    few texts are kept: every finder folds the page it is given, and they are given the same
    page one after another."""
    if text.isascii():
        return text
    return text.translate(_table())
