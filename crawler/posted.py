"""When a post says it was posted: its date as the page writes it ("28 Nov 2026 21:40",
"2026年11月28日 21時40分", "2 hours ago", an ISO ``datetime`` attribute), read by
dateparser in the page's language, in the source's time zone where it names none, as UTC."""

from __future__ import annotations

import functools
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

__all__ = ["posted_time"]

_MAX_CHARS = 200  # a date, not a paragraph
#: Read by strptime before dateparser is asked (``%b``: English month names, C locale).
_FORMS = (
    "%d %b %Y %H:%M",
    "%d %B %Y %H:%M",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M",
    "%Y年%m月%d日 %H時%M分",
    "%Y年%m月%d日 %H:%M",
)


def posted_time(
    written: str | None, *, language: str | None, timezone: str, fetched: datetime
) -> datetime | None:
    """The UTC time ``written`` says (relative ones against ``fetched``), or None when it
    says none (or one after ``fetched``: a page cannot be posted after it was read)."""
    if not written or not written.strip():
        return None
    text = " ".join(written.split())[:_MAX_CHARS]
    found = _iso(text) or _common(text, timezone)
    if found is None:
        base = fetched.astimezone(ZoneInfo(timezone)).replace(tzinfo=None, microsecond=0)
        found = _read(text, language, timezone, base)
    if found is None:
        return None
    found = found.astimezone(UTC)
    return None if found > fetched else found


def _iso(text: str) -> datetime | None:
    """An ISO 8601 time with its offset (a ``datetime`` attribute), read without dateparser."""
    try:
        found = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return found if found.tzinfo is not None else None


def _common(text: str, timezone: str) -> datetime | None:
    """A date in one of the forms forums write most, in the source's zone (dateparser,
    which reads them all, takes milliseconds each)."""
    for form in _FORMS:
        try:
            found = datetime.strptime(text, form)
        except ValueError:
            continue
        return found.replace(tzinfo=ZoneInfo(timezone))
    return None


def _read(text: str, language: str | None, timezone: str, base: datetime) -> datetime | None:
    from dateparser.search import search_dates

    settings = _settings(timezone, base)
    languages = [language] if language else None
    try:
        found = _parser(language, timezone, base).get_date_data(text).date_obj
        if found is None:
            hits = search_dates(text, languages=languages, settings=settings)
            found = hits[0][1] if hits else None
    except (ValueError, OverflowError):  # a language dateparser lacks, a year out of range
        return None
    return found


def _settings(timezone: str, base: datetime) -> dict[str, object]:
    return {
        "TIMEZONE": timezone,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": base,
    }


@functools.lru_cache(maxsize=32)
def _parser(language: str | None, timezone: str, base: datetime) -> Any:
    """A dateparser parser for the posts of one page (same language, zone and fetch time):
    making one is most of dateparser's cost."""
    from dateparser.date import DateDataParser

    try:
        return DateDataParser(
            languages=[language] if language else None, settings=_settings(timezone, base)
        )
    except ValueError:  # a language dateparser does not know
        return DateDataParser(settings=_settings(timezone, base))
