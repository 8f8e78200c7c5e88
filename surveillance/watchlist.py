"""Watchlist values, normalised at the edge so one vessel is one entry however it was typed.

MMSI: 9 digits; IMO: 7 digits with a valid check digit ("IMO 9074729" is accepted); call
sign: upper-case letters and digits; name: upper case, whitespace collapsed.

>>> normalise("imo", "IMO 9074729")
'9074729'
>>> normalise("name", "  sea   breeze ")
'SEA BREEZE'
"""

from __future__ import annotations

import re

from surveillance.errors import InputError
from surveillance.vocabulary import WATCHLIST_KINDS

__all__ = ["normalise", "imo_check_digit_ok"]

_MAX_NAME_CHARS = 128
_CALLSIGN = re.compile(r"[A-Z0-9]{2,16}")
_IMO_WEIGHTS = (7, 6, 5, 4, 3, 2)


def imo_check_digit_ok(imo: str) -> bool:
    """True when ``imo`` is 7 digits and the last is the check digit of the first six."""
    if not re.fullmatch(r"[0-9]{7}", imo):
        return False
    digits = [int(d) for d in imo]
    return sum(d * w for d, w in zip(digits, _IMO_WEIGHTS, strict=False)) % 10 == digits[6]


def _mmsi(text: str) -> str:
    if not re.fullmatch(r"[0-9]{9}", text):
        raise InputError(f"not an MMSI (9 digits): {text!r}")
    return text


def _imo(text: str) -> str:
    digits = re.sub(r"^IMO\s*", "", text, flags=re.IGNORECASE)
    if not re.fullmatch(r"[0-9]{7}", digits):
        raise InputError(f"not an IMO number (7 digits): {text!r}")
    if not imo_check_digit_ok(digits):
        raise InputError(f"not an IMO number (wrong check digit): {text!r}")
    return digits


def _callsign(text: str) -> str:
    callsign = "".join(text.split()).upper()
    if not _CALLSIGN.fullmatch(callsign):
        raise InputError(f"not a call sign (2 to 16 letters and digits): {text!r}")
    return callsign


def _name(text: str) -> str:
    name = " ".join(text.split()).upper()
    if not name or len(name) > _MAX_NAME_CHARS:
        raise InputError(f"not a vessel name (1 to {_MAX_NAME_CHARS} characters): {text!r}")
    return name


_NORMALISERS = {"mmsi": _mmsi, "imo": _imo, "callsign": _callsign, "name": _name}


def normalise(kind: str, value: object) -> str:
    """The stored form of a watchlist value; InputError naming the value when it is bad."""
    if kind not in WATCHLIST_KINDS:
        raise InputError(
            f"not a watchlist kind: {kind!r}", hint=f"kinds: {', '.join(WATCHLIST_KINDS)}"
        )
    return _NORMALISERS[kind](str(value).strip())
