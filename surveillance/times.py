"""One way to read and print a time: every command, report and page goes through here.

Times are UTC-aware everywhere; a time given without a zone is UTC. Machines get ISO 8601
with a ``Z`` (the JSON contract), people get ``2026-11-26 22:00``. Light on purpose (no
pandas at import): the command line imports it before any command runs.

>>> parse_time("2026-11-26T12:00", "--since")
datetime.datetime(2026, 11, 26, 12, 0, tzinfo=datetime.timezone.utc)
>>> iso_utc(parse_time("2026-11-26 21:00-01:00", "--until"))
'2026-11-26T22:00:00Z'
>>> people_utc(1795730400.0)
'2026-11-26 22:00'
"""

from __future__ import annotations

from datetime import UTC, datetime
from numbers import Real
from typing import Any, overload

from surveillance.errors import InputError

__all__ = [
    "parse_time",
    "parse_window",
    "iso_utc",
    "people_utc",
    "people_utc_many",
    "utc",
    "from_epoch_s",
    "EXAMPLE",
]

#: What a time looks like on the command line, for help texts and error messages.
EXAMPLE = "2026-11-26T12:00Z"


@overload
def parse_time(text: str, option: str) -> datetime: ...
@overload
def parse_time(text: None, option: str) -> None: ...
def parse_time(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 time given to ``option``, in UTC (without a zone it is UTC); None for
    None (an option not given). Anything else is an InputError that names the option."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} wants ISO 8601, e.g. {EXAMPLE}: {text!r}") from None
    return utc(moment)


def parse_window(since: str | None, until: str | None) -> tuple[datetime, datetime] | None:
    """The window ``[--since, --until)`` of a listing command; None when neither is given,
    an open end where one is missing. ``--since`` after ``--until`` is an InputError."""
    start, end = parse_time(since, "--since"), parse_time(until, "--until")
    if start is None and end is None:
        return None
    window = (start or datetime.min.replace(tzinfo=UTC), end or datetime.max.replace(tzinfo=UTC))
    if window[0] >= window[1]:
        raise InputError("--since must be before --until")
    return window


def utc(moment: datetime) -> datetime:
    """``moment`` in UTC; a naive one is taken to be UTC already."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def from_epoch_s(seconds: float) -> datetime:
    """Unix seconds (as tag blocks and the decoder carry them) as a UTC datetime."""
    return datetime.fromtimestamp(seconds, UTC)


def _moment(value: Any) -> datetime | None:
    """A datetime in UTC from what the store, pandas or the decoder hand over: a datetime
    (pandas' Timestamp included), Unix seconds, or a numpy datetime64; None for a missing
    time (None, NaN, NaT)."""
    if value is None or value != value:  # NaN and NaT are not equal to themselves
        return None
    if isinstance(value, Real):  # numpy's numbers too
        return from_epoch_s(float(value))
    if not isinstance(value, datetime):
        import pandas as pd  # numpy's datetime64 and the like; pandas is loaded by then

        value = pd.Timestamp(value)
    if hasattr(value, "to_pydatetime"):  # pandas' Timestamp: whole microseconds
        value = value.to_pydatetime()
    return utc(value)


def iso_utc(moment: Any) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (``2026-11-26T22:00:00Z``); None for a missing time."""
    found = _moment(moment)
    return None if found is None else found.isoformat().replace("+00:00", "Z")


def people_utc(moment: Any, *, seconds: bool = False, zone: str = "", missing: str = "open") -> str:
    """A time for people, in UTC: ``2026-11-26 22:00`` (``:00`` more with ``seconds``, then
    ``zone``, e.g. ``"Z"`` or ``" UTC"``); ``missing`` (``open``) for a missing time."""
    found = _moment(moment)
    if found is None:
        return missing
    return found.strftime(_people_format(seconds)) + zone


def people_utc_many(seconds_utc: Any, *, seconds: bool = False, zone: str = "") -> Any:
    """:func:`people_utc` of many Unix times at once (a numpy array of text), for tables and
    map tooltips of thousands of vessels."""
    import numpy as np
    import pandas as pd

    stamps = pd.to_datetime(np.asarray(seconds_utc, dtype=np.float64), unit="s", utc=True)
    return np.asarray(stamps.strftime(_people_format(seconds) + zone.replace("%", "%%")))


def _people_format(seconds: bool) -> str:
    return "%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M"
