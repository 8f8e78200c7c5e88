"""Positions as people write them: decimal pairs, degrees-minutes(-seconds) with N/S/E/W
before or after, and Japanese 北緯/南緯 ... 東経/西経 with 度, 分 and 秒.

Each position is a pair (latitude, longitude); an axis alone is not a position. The value is
``"lat,lon"`` in decimal degrees to four places; ranges are checked (latitude to 90,
longitude to 180, minutes and seconds under 60). Matching runs on the folded text, so
full-width digits and look-alike degree and prime signs count; spans point into the text as
written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from crawler.entities.base import Entity
from crawler.entities.folding import fold

__all__ = ["find_positions"]

#: How far before a bare decimal pair words like "position" or "座標" make it sure.
CONTEXT_BEFORE_CHARS = 40

_NUM = r"\d{1,3}(?:\.\d{1,8})?"
_SUB = r"\d{1,2}(?:\.\d{1,8})?"


def _axis(name: str, start: str = "") -> str:
    """Degrees, then minutes, then seconds, each optional after the first, with the marks
    people use (°, ', ", 度, 分, 秒, m, s) or a dash or a space between them. ``start``: a
    class of characters that may not stand before the degrees (checked after their first
    digit, so that the regex engine can skip ahead to digits)."""
    first = rf"\d(?<![{start}]\d)\d{{0,2}}(?:\.\d{{1,8}})?" if start else _NUM
    return (
        rf"(?P<{name}d>{first})(?:\s{{0,2}}(?:°|度|deg\b))?"
        rf"(?:(?:\s{{0,2}}-\s{{0,2}}|\s{{0,2}})(?P<{name}m>{_SUB})(?:\s{{0,2}}(?:'|分|min\b|m\b))?"
        rf"(?:(?:\s{{0,2}}-\s{{0,2}}|\s{{0,2}})(?P<{name}s>{_SUB})(?:\s{{0,2}}(?:\"|''|秒|sec\b|s\b))?)?)?"
    )


#: What may not stand before a position's first number (it would be part of another).
_START = r"\w.\-+°'\"度分秒"
_FIRST_DIGIT = rf"\d(?<![{_START}]\d)"
_PAIR_SEP = r"(?:\s{0,3}[,;/]\s{0,3}|\s{1,3}|\s{1,3}and\s{1,3}|\s{0,3}-\s{0,3}(?=[NSEW]))"
_HEMI_AFTER = r"\s{{0,2}}(?P<{0}h>[{1}])(?:orth|outh|ast|est)?(?![A-Za-z])"
_HEMI_BEFORE = r"(?<![A-Za-z])(?P<{0}h>[{1}])(?:orth|outh|ast|est)?\s{{0,2}}"
_JA_LAT = r"(?P<ah>北緯|南緯)\s{0,2}"
_JA_LON = r"(?P<bh>東経|西経)\s{0,2}"
_JA_SEP = r"\s{0,3}[,;/]?\s{0,3}"

_PATTERNS = [
    # 3412.50N 12945.00E, 3412.50,N,12945.00,E: GPS and NMEA (ddmm.mm, dddmm.mm); first, so
    # that of equal readings of one span this one wins
    re.compile(
        rf"(?P<ad>{_FIRST_DIGIT}\d)(?P<am>\d{{2}}\.\d{{1,6}})\s{{0,2}},?\s{{0,2}}(?P<ah>[NS])"
        r"\s{0,2}[,;/]?\s{0,3}"
        + r"(?P<bd>\d{3})(?P<bm>\d{2}\.\d{1,6})\s{0,2},?\s{0,2}(?P<bh>[EW])(?![A-Za-z])",
        re.ASCII,
    ),
    # 34°12'N 129°45'E, 34-12.5N 129-45.0E, 34.2083N 129.75E (and longitude first)
    re.compile(
        _axis("a", _START)
        + _HEMI_AFTER.format("a", "NS")
        + _PAIR_SEP
        + _axis("b")
        + _HEMI_AFTER.format("b", "EW"),
        re.ASCII,
    ),
    re.compile(
        _axis("b", _START)
        + _HEMI_AFTER.format("b", "EW")
        + _PAIR_SEP
        + _axis("a")
        + _HEMI_AFTER.format("a", "NS"),
        re.ASCII,
    ),
    # N34 12.5 E129 45.0, N 34°12.5' E 129°45.0' (not "N1 E2": see _read_hemispheric)
    re.compile(
        _HEMI_BEFORE.format("a", "NS")
        + _axis("a")
        + _PAIR_SEP
        + _HEMI_BEFORE.format("b", "EW")
        + _axis("b")
        + r"(?![\w.])",
        re.ASCII,
    ),
    # 北緯34度12分 東経129度45分
    re.compile(_JA_LAT + _axis("a") + _JA_SEP + _JA_LON + _axis("b"), re.ASCII),
    re.compile(_JA_LON + _axis("b") + _JA_SEP + _JA_LAT + _axis("a"), re.ASCII),
]

# lat 34.2083, lon 129.75
_LABELLED = re.compile(
    r"\blat(?:itude)?\s{0,2}[:=]?\s{0,2}(?P<a>[-+]?\d{1,2}(?:\.\d{1,8})?)\s{0,3}[,;/]?\s{0,3}"
    r"\b(?:lon|lng|long)(?:itude)?\s{0,2}[:=]?\s{0,2}(?P<b>[-+]?\d{1,3}(?:\.\d{1,8})?)"
    r"(?![\w.])",
    re.ASCII | re.IGNORECASE,
)
# 34.2083, 129.75 (both with decimals, one with three places or more)
_DECIMAL = re.compile(
    r"(?<![\w.,\-+$€£¥])(?P<a>-?\d{1,2}\.\d{1,8})(?:\s{0,2}[,/]\s{0,3}|\s{1,3})"
    r"(?P<b>-?\d{1,3}\.\d{1,8})(?![\w.%$€£¥]|,\d)",
    re.ASCII,
)
_POSITION_WORDS = re.compile(
    r"\b(?:position|pos|coordinates?|coords?|located|location|at|near|gps|lat/?lon|latlon)\b"
    r"|位置|座標|地点|付近|沖",
    re.ASCII | re.IGNORECASE,
)
#: A unit just after a decimal pair: two measures, not a position.
_UNIT_AFTER = re.compile(
    r"\s{0,2}(?:mm|cm|m|km|kg|g|in|inch(?:es)?|ft|kn|kts?|knots|nm|t|tons?|l|ml|x)(?![A-Za-z])",
    re.ASCII | re.IGNORECASE,
)
#: Words near a decimal pair that make it money, a version or a score.
_NOT_POSITION = re.compile(
    r"[$€£¥%]|円|\b(?:usd|eur|jpy|btc|xmr|price|version|ver|v|ratio|score|rating|kg|g|mg)\b",
    re.ASCII | re.IGNORECASE,
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    lat: float
    lon: float
    confidence: float


Reader = Callable[[str, re.Match[str]], "_Found | None"]


def _degrees(degrees: str, minutes: str | None, seconds: str | None) -> float | None:
    """Decimal degrees, or None when the parts cannot be one angle (minutes after decimal
    degrees, minutes or seconds of 60 or more)."""
    value = float(degrees)
    if minutes is not None:
        if "." in degrees or float(minutes) >= 60:
            return None
        value += float(minutes) / 60
    if seconds is not None:
        if minutes is None or "." in minutes or float(seconds) >= 60:
            return None
        value += float(seconds) / 3600
    return value


def _signed(value: float, hemisphere: str) -> float:
    return -value if hemisphere.upper()[0] in "SW" or hemisphere in ("南緯", "西経") else value


def _in_range(lat: float, lon: float) -> bool:
    return -90 <= lat <= 90 and -180 <= lon <= 180


def _scan(pattern: re.Pattern[str], folded: str, read: Reader) -> list[_Found]:
    """Every match ``read`` accepts; after a refused one the search resumes one character
    on, so a reading that fails its ranges does not hide another inside it."""
    found = []
    pos = 0
    while (match := pattern.search(folded, pos)) is not None:
        reading = read(folded, match)
        if reading is None:
            pos = match.start() + 1
        else:
            found.append(reading)
            pos = match.end()
    return found


def _read_hemispheric(folded: str, match: re.Match[str]) -> _Found | None:
    parts = match.groupdict()
    written = match.group()
    plain = not any(mark in written for mark in "°度'.")
    plain = plain and (parts["am"] is None or parts["bm"] is None)
    if plain and written[0] in "NS":
        return None  # "N1 E2", "S 12 E 3": a postcode or a size, not a position
    lat = _degrees(parts["ad"], parts["am"], parts.get("as"))
    lon = _degrees(parts["bd"], parts["bm"], parts.get("bs"))
    if lat is None or lon is None or lat > 90 or lon > 180:
        return None
    lat, lon = _signed(lat, parts["ah"]), _signed(lon, parts["bh"])
    return _Found(match.start(), match.end(), lat, lon, 0.8 if plain else 0.95)


def _read_labelled(folded: str, match: re.Match[str]) -> _Found | None:
    lat, lon = float(match["a"]), float(match["b"])
    if not _in_range(lat, lon):
        return None
    return _Found(match.start(), match.end(), lat, lon, 0.95)


def _read_decimal(folded: str, match: re.Match[str]) -> _Found | None:
    a, b = match["a"], match["b"]
    places = (len(a) - a.index(".") - 1, len(b) - b.index(".") - 1)
    lat, lon = float(a), float(b)
    start, end = match.span()
    if max(places) < 3 or not _in_range(lat, lon):
        return None
    if _NOT_POSITION.search(folded[max(0, start - 12) : end + 8]) or _UNIT_AFTER.match(folded, end):
        return None
    before = folded[max(0, start - CONTEXT_BEFORE_CHARS) : start]
    confidence = 0.9 if _POSITION_WORDS.search(before) else 0.6
    return _Found(start, end, lat, lon, confidence)


def _trimmed(folded: str, found: _Found) -> _Found:
    """The span without the spaces or separators a pattern took at its end."""
    end = found.end
    while end > found.start and folded[end - 1] in " \t\r\n,;/-":
        end -= 1
    return _Found(found.start, end, found.lat, found.lon, found.confidence)


def find_positions(text: str) -> list[Entity]:
    """Every (latitude, longitude) pair written in ``text``; of overlapping readings the
    surest (then the longest) wins."""
    folded = fold(text)
    readings = [_scan(pattern, folded, _read_hemispheric) for pattern in _PATTERNS]
    readings.append(_scan(_LABELLED, folded, _read_labelled))
    readings.append(_scan(_DECIMAL, folded, _read_decimal))
    candidates = [_trimmed(folded, f) for found in readings for f in found]
    candidates.sort(key=lambda f: (-f.confidence, -(f.end - f.start), f.start))
    chosen: list[_Found] = []
    for f in candidates:
        if all(f.end <= c.start or f.start >= c.end for c in chosen):
            chosen.append(f)
    chosen.sort(key=lambda f: f.start)
    return [
        Entity("position", _value(f), text[f.start : f.end], f.start, f.end, f.confidence)
        for f in chosen
    ]


def _value(found: _Found) -> str:
    return f"{round(found.lat, 4) + 0.0:.4f},{round(found.lon, 4) + 0.0:.4f}"
