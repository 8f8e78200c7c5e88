"""A vessel's identity changes: repeats thinned, halves filled, the same result in parts."""

from __future__ import annotations

import numpy as np
import pandas as pd

from surveillance.store.vessels import identity_changes
from surveillance.vocabulary import IDENTITY_FIELDS


def sent(*rows: tuple[int, float, str | None, str | None]) -> pd.DataFrame:
    """Identity messages: (mmsi, time, name, callsign), the other fields absent."""
    frame = pd.DataFrame(rows, columns=["mmsi", "ts", "name", "callsign"])
    for field in IDENTITY_FIELDS:
        if field not in frame.columns:
            frame[field] = np.nan
    return frame


def changes_of(frame: pd.DataFrame) -> list[tuple[int, float, str, str]]:
    thinned = identity_changes(frame, "ts").fillna({"name": "-", "callsign": "-"})
    columns = (thinned["mmsi"], thinned["ts"], thinned["name"], thinned["callsign"])
    return list(zip(*columns, strict=True))


def test_repeats_are_no_change_and_halves_fill_each_other() -> None:
    frame = sent(
        (1, 0, "SEA STAR", None),  # type 24 part A
        (1, 1, None, "JA1"),  # part B: one identity with A
        (1, 360, "SEA STAR", None),
        (1, 361, None, "JA1"),
        (1, 720, "SEA STAR II", None),  # renamed
        (2, 5, "TWIN", "JD2"),
    )
    assert changes_of(frame) == [
        (1, 0, "SEA STAR", "-"),
        (1, 1, "SEA STAR", "JA1"),
        (1, 720, "SEA STAR II", "JA1"),
        (2, 5, "TWIN", "JD2"),
    ]


def test_batches_thinned_first_give_the_changes_of_the_whole() -> None:
    rng = np.random.default_rng(3)
    names = np.array(["A", "B", None], dtype=object)
    frame = sent(
        *[
            (int(m), float(t), names[n], names[c])
            for t, (m, n, c) in enumerate(
                zip(
                    rng.integers(0, 4, 400),
                    rng.integers(0, 3, 400),
                    rng.integers(0, 3, 400),
                    strict=True,
                )
            )
        ]
    )
    batches = [frame.iloc[rows] for rows in np.array_split(np.arange(400), 7)]
    thinned = [identity_changes(b, "ts", keep_run_ends=True) for b in batches]
    assert changes_of(pd.concat(thinned)) == changes_of(frame)


def test_a_late_batch_inside_a_run_still_shows_the_change_back() -> None:
    first = sent(
        (1, 0, "SEA STAR", "JA1"), (1, 360, "SEA STAR", "JA1"), (1, 720, "SEA STAR", "JA1")
    )
    late = sent((1, 400, "TWIN", "JD2"))  # another ship on the same MMSI, heard late
    thinned = identity_changes(first, "ts", keep_run_ends=True)
    assert [name for _, _, name, _ in changes_of(pd.concat([thinned, late]))] == [
        "SEA STAR",
        "TWIN",
        "SEA STAR",
    ]
