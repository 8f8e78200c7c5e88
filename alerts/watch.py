"""Which vessels are watched: by flag, ship type, or the watchlist (MMSI, IMO, call sign,
or a name spelled differently)."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

__all__ = ["watchlist_matches", "normalise_name"]


def normalise_name(name: object) -> str:
    """Upper case, letters and digits, single spaces: ``"Ocean-Star  1"`` -> ``"OCEAN STAR 1"``."""
    if not isinstance(name, str):
        return ""
    return " ".join(re.sub(r"[^0-9A-Z]+", " ", name.upper()).split())


def _numbers(name: str) -> list[str]:
    return re.findall(r"\b\d+\b", name)  # whole numbers, not the 0 of 0CEAN


def watchlist_matches(
    mmsi: np.ndarray, vessels: pd.DataFrame, watchlist: pd.DataFrame, min_similarity_pct: float
) -> dict[int, list[str]]:
    """For each watched vessel among ``mmsi``, why: ``"name OCEAN STAR ~ 0CEAN STAR (90%)"``."""
    found: dict[int, list[str]] = {}
    if watchlist.empty or not len(mmsi):
        return found
    known = vessels.reindex(mmsi)

    def add(rows: np.ndarray, text: str) -> None:
        for m in np.asarray(mmsi)[rows]:
            found.setdefault(int(m), []).append(text)

    for entry in watchlist.itertuples(index=False):
        value = str(entry.value)
        if entry.kind == "mmsi":
            add(np.asarray(mmsi) == int(value), f"MMSI {value}")
        elif entry.kind == "imo":
            add(known["imo"].fillna(-1).to_numpy() == int(value), f"IMO {value}")
        elif entry.kind == "callsign":
            calls = known["callsign"].fillna("").str.upper().str.replace(" ", "").to_numpy()
            add(calls == value.upper().replace(" ", ""), f"call sign {value}")
    names = watchlist.loc[watchlist["kind"] == "name", "value"].map(normalise_name).to_list()
    vessel_names = [normalise_name(n) for n in known["name"]]
    if names:
        similarity = process.cdist(
            names, vessel_names, scorer=fuzz.ratio, score_cutoff=min_similarity_pct, workers=-1
        )
        for w, v in zip(*np.nonzero(similarity), strict=True):
            # numbers tell sister ships apart: OCEAN 0004 is not OCEAN 0044
            if vessel_names[v] and _numbers(vessel_names[v]) == _numbers(names[w]):
                text = f"name {vessel_names[v]} ~ {names[w]} ({similarity[w, v]:.0f}%)"
                found.setdefault(int(mmsi[v]), []).append(text)
    return found
