"""When a post says it was posted: its date as the page writes it ("28 Nov 2026 21:40",
"2026年11月28日 21時40分", "2 hours ago", an ISO ``datetime`` attribute), read by
dateparser in the page's language, in the source's time zone where it names none, as UTC."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

__all__ = ["posted_time"]

_MAX_CHARS = 200  # a date, not a paragraph


def posted_time(
    written: str | None, *, language: str | None, timezone: str, fetched: datetime
) -> datetime | None:
    """The UTC time ``written`` says (relative ones against ``fetched``), or None when it
    says none (or one after ``fetched``: a page cannot be posted after it was read)."""
    if not written or not written.strip():
        return None
    import dateparser
    from dateparser.search import search_dates

    text = " ".join(written.split())[:_MAX_CHARS]
    settings = {
        "TIMEZONE": timezone,
        "TO_TIMEZONE": "UTC",
        "RETURN_AS_TIMEZONE_AWARE": True,
        "PREFER_DATES_FROM": "past",
        "RELATIVE_BASE": fetched.astimezone(ZoneInfo(timezone)).replace(tzinfo=None),
    }
    languages = [language] if language else None
    try:
        found = dateparser.parse(text, languages=languages, settings=settings)
        if found is None:
            hits = search_dates(text, languages=languages, settings=settings)
            found = hits[0][1] if hits else None
    except (ValueError, OverflowError):  # a language dateparser lacks, a year out of range
        return None
    if found is None:
        return None
    found = found.astimezone(UTC)
    return None if found > fetched else found
