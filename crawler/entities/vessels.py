"""Vessels the store knows, found in a text by name (fuzzy), and every identifier of them
(IMO, call sign, name) resolved to an MMSI.

Names are compared letters and digits only, upper case, so "the Sea-Dragon", "SEA DRAGON"
and "SeaDragon" are one name; a spelling one or two letters off still counts, with a lower
confidence (rapidfuzz's ratio), unless written in lower case or run together. A name of
one word ("HOPE") counts only written in capitals or after a vessel prefix (``MV``,
``M/T``, ``F/V``, "the vessel", "ship"); names shorter than four letters never count, nor
words of a handle or an address (``@seadragon``, ``seadragon.example``).

>>> known = KnownVessels({"SEA DRAGON": 440123456}, {}, {})
>>> [(e.value, e.text) for e in known.find("met the Sea-Dragon off Izuhara")]
[('SEA DRAGON', 'Sea-Dragon')]
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd
from rapidfuzz import fuzz, process

from crawler.entities.base import Entity
from crawler.entities.folding import fold
from crawler.entities.written import as_written
from surveillance.store import Store

__all__ = ["KnownVessels"]

_MIN_NAME_CHARS = 4
_EXACT_ONLY_BELOW_CHARS = 7  # shorter names: no spelling slips allowed
_FUZZY_CUTOFF = 88.0
#: Keys whose lengths differ more than this cannot reach the cutoff (2 * short / sum).
_FUZZY_LENGTH_RATIO = _FUZZY_CUTOFF / (200 - _FUZZY_CUTOFF)
_CONFIDENCE_EXACT = 0.95
_CONFIDENCE_CALLSIGN = 0.9
#: Call signs worth finding without a label: four or more characters, letters and digits
#: both ("JD2345", not "JAPAN").
_CALLSIGN_WORTH = re.compile(r"(?=.*[A-Z])(?=.*[0-9])[A-Z0-9]{4,16}")
_LOWERCASE_FACTOR = 0.8  # "the sea dragon" in prose may be the animal
_TOKEN = re.compile(r"[A-Za-z0-9]+")
_IN_ADDRESS = re.compile(r"[@/_]|[.@_][A-Za-z0-9]")
_GAP = re.compile(r"[ \t\-.'’]{1,3}")
_PREFIX = re.compile(
    r"(?:\b(?:m\.?/?v|m\.?/?t|f\.?/?v|mv|mt|fv|vessel|ship|tanker|boat|trawler|freighter)"
    r"\.?\s*)$",
    re.IGNORECASE,
)


def _key(name: str) -> str:
    return "".join(_TOKEN.findall(name)).upper()


@dataclass
class KnownVessels:
    """Names, call signs and IMO numbers of the known vessels, each to its MMSI;
    ``watched``: names on the watchlist with no vessel known by them (found, no MMSI)."""

    names: dict[str, int]
    callsigns: dict[str, int]
    imos: dict[str, int]
    watched: Iterable[str] = ()
    _buckets: dict[tuple[int, str], dict[str, str]] = field(init=False, repr=False)
    _callsigns: re.Pattern[str] | None = field(init=False, repr=False)
    _lengths: dict[tuple[int, str], tuple[int, int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.watched = tuple(self.watched)
        signs = sorted(
            (c for c in self.callsigns if _CALLSIGN_WORTH.fullmatch(c)), key=lambda c: (-len(c), c)
        )
        self._callsigns = (
            re.compile(rf"(?<![A-Za-z0-9])(?:{'|'.join(map(re.escape, signs))})(?![A-Za-z0-9])")
            if signs
            else None
        )
        # (words in the name, first letter) -> key -> the name as the store knows it
        self._buckets = defaultdict(dict)
        for name in [*self.names, *self.watched]:
            key = _key(name)
            words = len(_TOKEN.findall(name))
            if len(key) >= _MIN_NAME_CHARS:
                self._buckets[words, key[0]][key] = name
        self._lengths = {
            at: (min(map(len, bucket)), max(map(len, bucket)))
            for at, bucket in self._buckets.items()
        }

    @classmethod
    def from_store(cls, store: Store) -> KnownVessels:
        """The vessels' latest names, call signs and IMOs, and the watchlist's names."""
        vessels = store.vessels()
        names: dict[str, int] = {}
        callsigns: dict[str, int] = {}
        imos: dict[str, int] = {}
        columns = [vessels[c].tolist() for c in ("mmsi", "name", "callsign", "imo")]
        for mmsi, name, callsign, imo in zip(*columns, strict=True):
            if isinstance(name, str) and name.strip():
                names.setdefault(" ".join(name.upper().split()), int(mmsi))
            if isinstance(callsign, str) and callsign.strip():
                callsigns.setdefault(callsign.strip().upper(), int(mmsi))
            if imo is not None and not pd.isna(imo):
                imos.setdefault(f"{int(imo):07d}", int(mmsi))
        watchlist = store.watchlist()
        watched = [
            str(value)
            for kind, value in zip(watchlist["kind"], watchlist["value"], strict=True)
            if kind == "name" and str(value) not in names
        ]
        return cls(names, callsigns, imos, watched)

    def mmsi_of(self, entity: Entity) -> int | None:
        """The MMSI an ``mmsi``, ``imo``, ``callsign`` or ``vessel`` entity stands for."""
        if entity.kind == "mmsi":
            return int(entity.value)
        table = {"imo": self.imos, "callsign": self.callsigns, "vessel": self.names}
        return table.get(entity.kind, {}).get(entity.value.upper())

    def find(self, text: str) -> list[Entity]:
        """The known vessels named in ``text`` (longest names first), and their call signs
        written as they are known (upper case, letters and digits, no label needed)."""
        return as_written(self._find(fold(text)), text)

    def _find(self, text: str) -> list[Entity]:
        tokens = list(_TOKEN.finditer(text))
        taken = [False] * len(tokens)
        found: list[Entity] = []
        for words in sorted({w for w, _ in self._buckets}, reverse=True):
            # a name of ``words`` words, as written or run together ("SeaDragon")
            for width in sorted({words, max(1, words - 1)}, reverse=True):
                for i in range(len(tokens) - width + 1):
                    if any(taken[i : i + width]):
                        continue
                    entity = self._match(text, tokens[i : i + width], words)
                    if entity is not None:
                        found.append(entity)
                        taken[i : i + width] = [True] * width
        if self._callsigns is not None:
            found += [
                Entity("callsign", m.group(), m.group(), m.start(), m.end(), _CONFIDENCE_CALLSIGN)
                for m in self._callsigns.finditer(text)
            ]
        return sorted(found, key=lambda e: e.start)

    def _match(self, text: str, window: list[re.Match[str]], words: int) -> Entity | None:
        bucket = self._buckets.get((words, window[0].group()[0].upper()))
        if not bucket:
            return None
        key = "".join(m.group() for m in window).upper()
        start, end = window[0].start(), window[-1].end()
        written = text[start:end]
        if key in bucket:
            name, score = bucket[key], 100.0
        elif (
            len(window) == words
            and len(key) >= _EXACT_ONLY_BELOW_CHARS
            and not written.islower()
            and self._lengths[words, key[0]][0] * _FUZZY_LENGTH_RATIO <= len(key)
            and len(key) * _FUZZY_LENGTH_RATIO <= self._lengths[words, key[0]][1]
        ):
            best = process.extractOne(
                key, list(bucket), scorer=fuzz.ratio, score_cutoff=_FUZZY_CUTOFF
            )
            if best is None:
                return None
            name, score = bucket[best[0]], float(best[1])
        else:
            return None
        gaps = (text[a.end() : b.start()] for a, b in zip(window, window[1:], strict=False))
        if not all(_GAP.fullmatch(gap) for gap in gaps):
            return None  # "SEA, DRAGON" is two words, not a name
        if _IN_ADDRESS.search(text[max(0, start - 1) : start]) or _IN_ADDRESS.match(text, end):
            return None  # "@seadragon", "seadragon.com": a handle or an address, no name
        confidence = _CONFIDENCE_EXACT * score / 100
        if words == 1 and not (
            written.isupper() or _PREFIX.search(text[max(0, start - 12) : start])
        ):
            return None
        if written.islower():
            confidence *= _LOWERCASE_FACTOR
        return Entity("vessel", name, written, start, end, round(confidence, 3))
