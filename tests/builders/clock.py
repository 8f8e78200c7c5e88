"""The one test clock: every builder and test counts its times from ``T0``.

``T0`` is 22:00 UTC, two hours before the UTC day (and the daily position partition) turns,
so a few hours of traffic span two days. ``MIDNIGHT`` is that turn, two hours after ``T0``:
tests that read hours as hours of a UTC day (rule tracks: hour 15 is midnight in Tokyo)
count from it. Expected output is written out literally in the tests (``2026-11-26T22:00:00Z``
is ``T0``), so a test reads like the data it checks.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

__all__ = ["HOUR_S", "MIDNIGHT", "MIDNIGHT_S", "T0", "T0_S", "at", "at_s"]

HOUR_S = 3600.0
T0 = datetime(2026, 11, 26, 22, 0, tzinfo=UTC)
T0_S = T0.timestamp()
MIDNIGHT = T0 + timedelta(hours=2)
MIDNIGHT_S = MIDNIGHT.timestamp()


def at(
    *,
    days: float = 0,
    hours: float = 0,
    minutes: float = 0,
    seconds: float = 0,
    since: datetime = T0,
) -> datetime:
    """The instant so long after ``since`` (``T0`` unless told), UTC-aware."""
    return since + timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)


def at_s(
    *,
    days: float = 0,
    hours: float = 0,
    minutes: float = 0,
    seconds: float = 0,
    since: datetime = T0,
) -> float:
    """:func:`at` in Unix seconds, as the decoder, the tracks and the rules count time."""
    return at(days=days, hours=hours, minutes=minutes, seconds=seconds, since=since).timestamp()
