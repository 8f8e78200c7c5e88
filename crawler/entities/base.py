"""What every entity finder gives: an :class:`Entity` with its span in the text."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

__all__ = ["ENTITY_KINDS", "Entity"]

#: The kinds of DESIGN.md's ``leads list`` contract, and the form of each ``value``:
#: ``mmsi`` nine digits, ``imo`` seven digits, ``callsign``, ``vessel`` (the name as the
#: store knows it, or as written), ``position`` ("lat,lon", decimal degrees, 4 places),
#: ``place`` (the gazetteer's name), ``time`` (ISO 8601 UTC), ``email``, ``phone`` (E.164
#: where the country is known), ``handle``, ``btc``, ``xmr``, ``pgp`` (the fingerprint).
ENTITY_KINDS = (
    "mmsi",
    "imo",
    "callsign",
    "vessel",
    "position",
    "place",
    "time",
    "email",
    "phone",
    "handle",
    "btc",
    "xmr",
    "pgp",
)


@dataclass(frozen=True)
class Entity:
    """One finding: its kind, its normalised value, the text as written and where
    (``text == source[start:end]``), and how sure the finder is (0-1)."""

    kind: str
    value: str
    text: str
    start: int
    end: int
    confidence: float

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
