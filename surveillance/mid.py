"""The Maritime Identification Digits (ITU): which MIDs are allocated, and to what flag.

Shared by the AIS validator and the crawler's MMSI finder; the table is
``surveillance/data/mid.csv`` (the ITU's table of MIDs; it was ``ais_ingest/data/mid.csv``).
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

__all__ = ["mid_flags"]


@cache
def mid_flags() -> dict[int, str]:
    """ISO 3166 alpha-2 code of every allocated MID (201..775)."""
    text = resources.files("surveillance").joinpath("data/mid.csv").read_text()
    return {int(row["mid"]): row["iso2"] for row in csv.DictReader(text.splitlines())}
