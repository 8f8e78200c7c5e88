"""Time windows and boxes as every family of the store takes them.

A window is half-open, ``[since, until)``, and timezone-aware; the SQL predicates here bind
it as ``:since`` and ``:until``.
"""

from __future__ import annotations

from datetime import datetime

from surveillance.errors import InputError

__all__ = ["Window", "BBox", "aware", "window_params", "within", "overlapping"]

Window = tuple[datetime, datetime]
#: west, south, east, north in degrees (EPSG:4326).
BBox = tuple[float, float, float, float]


def aware(window: Window) -> Window:
    """The window, once both its ends are known to carry a timezone (UTC)."""
    if window[0].tzinfo is None or window[1].tzinfo is None:
        raise InputError("time windows must be timezone-aware (UTC)")
    return window


def window_params(window: Window) -> dict[str, datetime]:
    """The window's ends as the bind parameters of :func:`within` and :func:`overlapping`."""
    since, until = aware(window)
    return {"since": since, "until": until}


def within(column: str) -> str:
    """SQL: the time in ``column`` falls in the window."""
    return f"{column} >= :since AND {column} < :until"


def overlapping(start: str = '"start"', end: str = '"end"') -> str:
    """SQL: the span from ``start`` to ``end`` (open while ``end`` is NULL) meets the window."""
    return f"{start} < :until AND coalesce({end}, 'infinity') >= :since"
