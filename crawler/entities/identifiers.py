"""Vessel identifiers in a text: MMSI (nine digits with an allocated MID), IMO numbers (seven
digits whose check digit holds) and call signs (an ITU prefix, after words that say so).

Matching runs on :func:`~crawler.entities.folding.fold` of the text (full-width digits and
Japanese punctuation as ASCII), so spans point into the text as written.
"""

from __future__ import annotations

import re

from crawler.entities.base import Entity
from crawler.entities.folding import fold
from surveillance.mid import mid_flags

__all__ = ["find_callsigns", "find_imo", "find_mmsi", "imo_check_holds"]

#: How far before a number its label may stand ("MMSI: ", "IMO No. ", "呼出符号：").
CONTEXT_BEFORE_CHARS = 40
#: How far around a number other words about ships count as context.
SHIP_CONTEXT_CHARS = 80

_MMSI = re.compile(r"(?<![\w+=/?#&%])(?<!\d[.,:-])[2-7]\d{8}(?!\w)(?![.,/:-]\d)", re.ASCII)
_MMSI_LABEL = re.compile(r"mmsi|海上移動業務識別", re.IGNORECASE)
_SHIP_WORDS = re.compile(
    r"\b(?:vessel|ship|boat|tanker|trawler|freighter|cargo|ais|flag|imo|mmsi|call\s?sign|"
    r"fishing|yacht|tug)|船|艇|隻|丸|旗",
    re.IGNORECASE | re.ASCII,
)
#: Words that make a nine- or seven-digit number something else.
_NOT_SHIP = re.compile(
    r"\b(?:tel|phone|fax|mobile|call\s+me|whatsapp|order|invoice|tracking|account|acct|"
    r"isbn|zip|postal|price|cost|total|ref|serial)\b|電話|携帯|注文|口座|価格|値段|[$€£¥]|円",
    re.IGNORECASE | re.ASCII,
)
#: Units or money just after: the number is an amount.
_AMOUNT_AFTER = re.compile(
    r"\s{0,2}(?:[$€£¥円%₩₽]|yen|usd|eur|jpy|krw|cny|rmb|idr|rub|thb|php|vnd|hkd|twd|sgd|myr|"
    r"dollars?|won|tons?|t|kg|km|m|nm|kn|pcs|units?|views|"
    r"posts|bytes|元|人|個|件|回|トン|ドル)(?![A-Za-z])",
    re.ASCII | re.IGNORECASE,
)
#: A country or area code just before: the digits are the rest of a phone number.
_PHONE_LEAD = re.compile(r"(?:\+\d{1,3}|\(\d{1,5}\))[\s-]?$", re.ASCII)

_IMO_LABELLED = re.compile(
    r"\bIMO(?:\s{0,2}(?:No\.?|number|num\.?|#|番号))?\s{0,3}[:.=#]?\s{0,3}(\d{7})(?![\w.,]\d|\w)",
    re.IGNORECASE | re.ASCII,
)
_IMO_WORD = re.compile(r"\bIMO\b", re.ASCII)
_SEVEN = re.compile(
    r"(?<![\w+=/?#&%])(?<!\d[.,:-])(?<!\d )\d{7}(?!\w)(?![.,/:-]\d)(?! \d)", re.ASCII
)

_CALLSIGN = re.compile(
    r"(?:\bcall[\s-]{0,2}sign|\bc/s|呼出符号|呼出名称|呼び出し符号|コールサイン)"
    r"\s{0,3}(?:is\s+|was\s+)?[:=#]?\s{0,3}([A-Za-z0-9]{3,7})(?![\w-])",
    re.IGNORECASE | re.ASCII,
)
#: Two-character ITU prefixes of a letter and a digit (ITU Radio Regulations, Appendix 42);
#: every letter-letter series is allocated except those of Q, every digit-letter except
#: 0, 1 and 4N (withdrawn).
_LETTER_DIGIT = frozenset(
    letter + digit
    for letter, digits in {
        "A": "23456789",
        "C": "23456789",
        "D": "23456789",
        "E": "234567",
        "H": "2346789",
        "J": "2345678",
        "L": "23456789",
        "P": "23456789",
        "S": "2356789",
        "T": "2345678",
        "V": "2345678",
        "Y": "23456789",
        "Z": "238",
    }.items()
    for digit in digits
)
_NOT_CALLSIGNS = frozenset({"NONE", "UNKNOWN", "NULL", "TBA", "TBD", "SAME", "UNK", "NIL"})


def _before(folded: str, start: int, chars: int = CONTEXT_BEFORE_CHARS) -> str:
    return folded[max(0, start - chars) : start]


def _ship_context(folded: str, start: int, end: int) -> bool:
    window = folded[max(0, start - SHIP_CONTEXT_CHARS) : end + SHIP_CONTEXT_CHARS]
    return _SHIP_WORDS.search(window) is not None


def _something_else(folded: str, start: int, end: int) -> bool:
    """Words just before ("tel", "order", "電話") or a unit or currency just after make the
    number something other than a ship's."""
    return bool(_NOT_SHIP.search(_before(folded, start, 24)) or _AMOUNT_AFTER.match(folded, end))


def _entity(kind: str, value: str, text: str, start: int, end: int, confidence: float) -> Entity:
    return Entity(kind, value, text[start:end], start, end, confidence)


def find_mmsi(text: str) -> list[Entity]:
    """Nine-digit ship-station MMSIs (``MIDxxxxxx``, MID allocated by the ITU), not part of
    a longer number, a phone number, a date or an amount. Sure after "MMSI", fairly sure
    beside words about ships or on a page that says "MMSI" (a table), unsure alone."""
    folded = fold(text)
    mids = mid_flags()
    page_says_mmsi = _MMSI_LABEL.search(folded) is not None
    found = []
    for match in _MMSI.finditer(folded):
        digits = match.group()
        if int(digits[:3]) not in mids:
            continue
        start, end = match.span()
        before = _before(folded, start)
        if _MMSI_LABEL.search(before):
            confidence = 0.95
        elif _something_else(folded, start, end) or _PHONE_LEAD.search(before):
            continue
        elif _ship_context(folded, start, end):
            confidence = 0.7
        elif page_says_mmsi:
            confidence = 0.6  # a list or table under one "MMSI" heading
        else:
            confidence = 0.4
        found.append(_entity("mmsi", digits, text, start, end, confidence))
    return found


def imo_check_holds(digits: str) -> bool:
    """The IMO check: the first six digits weighted 7..2, summed, end in the seventh."""
    if len(digits) != 7 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:6], range(7, 1, -1), strict=True))
    return total % 10 == int(digits[6])


def find_imo(text: str) -> list[Entity]:
    """IMO ship numbers: seven digits whose check digit holds; after "IMO" sure, bare only
    beside words about ships or on a page that says "IMO" (and less sure)."""
    folded = fold(text)
    page_says_imo = _IMO_WORD.search(folded) is not None
    found: dict[int, Entity] = {}
    for match in _IMO_LABELLED.finditer(folded):
        digits = match.group(1)
        if imo_check_holds(digits):
            start, end = match.span(1)
            found[start] = _entity("imo", digits, text, start, end, 0.95)
    for match in _SEVEN.finditer(folded):
        start, end = match.span()
        digits = match.group()
        if start in found or not imo_check_holds(digits) or digits[0] == "0":
            continue
        if _something_else(folded, start, end):
            continue
        if page_says_imo or _ship_context(folded, start, end):
            found[start] = _entity("imo", digits, text, start, end, 0.6)
    return [found[start] for start in sorted(found)]


def _itu_prefix(sign: str) -> bool:
    first, second = sign[0], sign[1]
    if first.isalpha():
        if second.isalpha():
            return first != "Q"
        return sign[:2] in _LETTER_DIGIT
    return first not in "01" and second.isalpha() and sign[:2] != "4N"


def find_callsigns(text: str) -> list[Entity]:
    """Call signs written after "call sign", "callsign", "C/S", "呼出符号", ...: three to
    seven letters and digits under an allocated ITU prefix (a bare word is never one)."""
    folded = fold(text)
    found = []
    for match in _CALLSIGN.finditer(folded):
        written = match.group(1)
        sign = written.upper()
        has_digit = any(c.isdigit() for c in sign)
        if sign in _NOT_CALLSIGNS or not _itu_prefix(sign):
            continue
        if not has_digit and (written != sign or len(sign) < 4):
            continue  # "call sign was ..." is prose, not a sign
        if sign.isdigit():
            continue
        start, end = match.span(1)
        found.append(_entity("callsign", sign, text, start, end, 0.9 if has_digit else 0.8))
    return found
