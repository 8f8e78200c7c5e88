"""Track preparation: runs of steps, split where the track breaks."""

from __future__ import annotations

import numpy as np

from alerts.tracks import runs


def test_runs_split_on_gaps_and_false_values() -> None:
    first, last = runs(np.array([1, 1, 0, 1, 1, 1], bool), np.array([1, 1, 1, 0, 1], bool))
    assert first.tolist() == [0, 3, 4] and last.tolist() == [1, 3, 5]
