"""What decoding AIS yields: the records' columns and one batch of them (:class:`Decoded`),
and the payload hash by which the same report heard twice is known."""

from __future__ import annotations

import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from surveillance.vocabulary import IDENTITY_FIELDS, POSITION_FIELDS

if TYPE_CHECKING:
    import pandas as pd

    from ais_ingest.assemble import Fragment
    from surveillance.store.position_load import Encoded

__all__ = [
    "DEDUP_WINDOW_S",
    "IDENTITY_COLUMNS",
    "POSITION_COLUMNS",
    "STATION_COLUMNS",
    "Decoded",
    "payload_hash",
]

POSITION_COLUMNS = POSITION_FIELDS
IDENTITY_COLUMNS = ("mmsi", "ts", *IDENTITY_FIELDS, "msg_type")
STATION_COLUMNS = ("mmsi", "ts", "kind", "name", "aid_type", "lon", "lat")
DEDUP_WINDOW_S = 60.0  # the same payload within a minute is one report heard twice


@dataclass
class Decoded:
    """What one chunk (or one batch of groups) yielded."""

    positions: pd.DataFrame
    identities: pd.DataFrame
    stations: pd.DataFrame
    rejects: pd.DataFrame  # reason, raw, ts, detail
    counts: Counter[str] = field(default_factory=Counter)
    loose: list[Fragment] = field(default_factory=list)
    encoded: Encoded | None = None  # positions already in COPY form (decoding workers)
    edges: pd.DataFrame | None = None  # reports near the chunk's ends (see _edges)
    copies: pd.DataFrame | None = None  # of these, repeats of the previous chunk's edges
    file_bytes: int = 0  # how far into its file (as stored) the chunk ends


def payload_hash(payload: bytes) -> int:
    """A stable 64-bit hash of a payload (collisions are harmless: times must match too)."""
    return int.from_bytes(hashlib.blake2b(payload, digest_size=8).digest(), "big", signed=True)
