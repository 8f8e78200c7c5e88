"""Folding a text for matching: full-width forms, Japanese punctuation and the look-alike
signs people type for degrees, primes and dashes become their ASCII forms, one character for
one character, so a match's span in the folded text is its span in the original."""

from __future__ import annotations

import unicodedata

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
    "\u3001": ",",  # ideographic comma
    "\u3002": ".",  # ideographic full stop
    "\u30fb": " ",  # katakana middle dot, a separator in lists
    "\u2212": "-",  # minus sign
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u30fc": "\u30fc",  # the long-vowel mark stays (it is part of words)
    "\u301c": "~",
    "\uff5e": "~",
}


class _Table(dict[int, str]):
    """``str.translate`` table that works each character out once (NFKC when it gives one
    character, else the character itself)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        folded = _BY_HAND.get(char)
        if folded is None:
            nfkc = unicodedata.normalize("NFKC", char)
            folded = nfkc if len(nfkc) == 1 else char
        self[code] = folded
        return folded


_TABLE = _Table()


def fold(text: str) -> str:
    """``text`` with every character folded to one character (``len`` unchanged)."""
    if text.isascii():
        return text
    return text.translate(_TABLE)
