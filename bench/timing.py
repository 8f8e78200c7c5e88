"""The benches' one timer: the median wall time of a call over a number of runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

__all__ = ["median_s"]


def median_s(run: Callable[[], object], runs: int) -> float:
    """The median seconds of ``run()`` over ``runs`` calls."""
    seconds = []
    for _ in range(runs):
        started = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)
