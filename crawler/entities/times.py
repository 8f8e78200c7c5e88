"""Dates and times in a text, English and Japanese, absolute or relative to the post.

Value: ISO 8601 UTC (``2026-11-30T13:00:00Z``). A time written without a zone is in the
post's zone when ``posted`` carries one other than UTC, else JST for a Japanese text (one
with kana or kanji) and UTC otherwise. A relative time ("tomorrow night", ``明日の夜``) and a date
without its year need ``posted``; without it they are not reported. A part of the day
stands for an hour (night 22:00, evening 19:00, morning 08:00, ``未明`` 03:00); a day
alone stands for its noon, with a lower confidence.

Candidates are found by regexes and parsed here: ``dateparser`` parses every form these
regexes take, ten to a hundred times slower, so it is not used.

>>> from datetime import UTC, datetime
>>> posted = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)
>>> [(e.text, e.value) for e in find_times("drop tomorrow night at 23:00", posted)]
[('tomorrow night at 23:00', '2026-11-30T23:00:00Z')]
>>> [(e.text, e.value) for e in find_times("明日の夜22時に受け渡し", posted)]
[('明日の夜22時', '2026-11-30T13:00:00Z')]
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from crawler.entities.base import Entity
from crawler.entities.folding import fold
from crawler.entities.written import as_written

__all__ = ["find_times", "JST"]

JST = timezone(timedelta(hours=9), "JST")
_ZONES: dict[str, tzinfo] = {"Z": UTC, "UTC": UTC, "GMT": UTC, "JST": JST, "KST": JST}

_CONFIDENCE_DATETIME = 0.95
_CONFIDENCE_DATE = 0.8
_CONFIDENCE_RELATIVE = 0.85
_CONFIDENCE_TIME_ONLY = 0.6
_EVENING_H = 18
_NOON_H = 12
_SMALL_HOURS_H = 6

_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ]
    )
    for m in names
}
_WEEKDAYS_EN = {
    name: i
    for i, names in enumerate(
        [
            ("monday", "mon"),
            ("tuesday", "tue", "tues"),
            ("wednesday", "wed"),
            ("thursday", "thu", "thurs"),
            ("friday", "fri"),
            ("saturday", "sat"),
            ("sunday", "sun"),
        ]
    )
    for name in names
}
_WEEKDAYS_JA = {c: i for i, c in enumerate("月火水木金土日")}
_PARTS_H = {
    "night": 22,
    "tonight": 22,
    "evening": 19,
    "morning": 8,
    "afternoon": 15,
    "noon": 12,
    "midnight": 24,
    "夜": 22,
    "晩": 22,
    "夜中": 24,
    "深夜": 24,
    "未明": 3,
    "早朝": 5,
    "朝": 8,
    "午前": 9,
    "昼": 12,
    "午後": 15,
    "夕方": 18,
}

_MONTH_RE = "|".join(sorted(_MONTHS, key=len, reverse=True))
_WD_RE = "|".join(sorted(_WEEKDAYS_EN, key=len, reverse=True))
_ZONE_RE = r"(?:\s*(?P<zone>Z|UTC|GMT|JST|KST|[+-]\d{2}:?\d{2}))?"
_D = r"[0-9０-９]"

#: A time of day: ``22:00``, ``10pm``, ``10:30 p.m.``, ``22時``, ``午後10時半``, ``22時30分``.
_CLOCK = (
    rf"(?:(?P<h>{_D}{{1,2}})[:：](?P<mi>{_D}{{2}})(?:[:：]{_D}{{2}})?(?:\s*(?P<ap>[ap]\.?m\.?))?"
    rf"|(?P<h2>{_D}{{1,2}})\s*(?P<ap2>[ap]\.?m\.?)"
    rf"|(?P<jp>午前|午後|夜|朝|深夜|夕方)?(?P<h3>{_D}{{1,2}})時(?:(?P<mi3>{_D}{{1,2}})分|(?P<half>半))?)"
    + _ZONE_RE
)
_EN = r"(?<![A-Za-z0-9])"
_EN_END = r"(?![A-Za-z0-9])"

_ABSOLUTE = re.compile(
    "|".join(
        [
            r"(?P<iso>(?<![\d.])(?P<y1>\d{4})[-/.](?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})(?!\d|\.\d))",
            rf"(?P<dmy>{_EN}(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\s+(?P<m2>{_MONTH_RE})\.?"
            rf"(?:,?\s+(?P<y2>\d{{4}}))?{_EN_END})",
            rf"(?P<mdy>{_EN}(?P<m3>{_MONTH_RE})\.?\s+(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?"
            rf"(?:,?\s+(?P<y3>\d{{4}}))?{_EN_END})",
            rf"(?P<ja>(?:(?P<era>令和)?(?P<y4>{_D}{{1,4}}|元)年)?(?P<m4>{_D}{{1,2}})月(?P<d4>{_D}{{1,2}})日"
            rf"(?:[(（][月火水木金土日][)）]|[月火水木金土日]曜日?)?)",
        ]
    ),
    re.IGNORECASE,
)
_RELATIVE = re.compile(
    "|".join(
        [
            rf"(?P<en>{_EN}(?:(?P<dat>the\s+day\s+after\s+tomorrow)|(?P<tonight>tonight)"
            r"|(?P<yesterday>yesterday|last\s+night)(?:\s+(?P<pyes>morning|afternoon|evening|night))?"
            r"|(?P<today>today|this)(?:\s+(?P<ptoday>morning|afternoon|evening|night))?"
            r"|(?P<tomorrow>tomorrow)(?:\s+(?P<ptom>morning|afternoon|evening|night))?"
            rf"|(?P<next>next\s+|this\s+|on\s+)?(?P<wd>{_WD_RE})(?:\s+(?P<pwd>morning|afternoon|evening|night))?"
            rf"){_EN_END})",
            r"(?P<jrel>(?P<jday>明後日|あさって|明日|あした|明晩|明朝|今日|今夜|今晩|本日|今朝|昨日|昨夜|昨晩|きのう)"
            r"(?:の?(?P<jpart>夜中|深夜|未明|早朝|夕方|夜|晩|朝|昼|午前|午後))?)",
            r"(?P<jwd>(?P<jnext>来週|今週)?の?(?P<jwdc>[月火水木金土日])曜日?"
            r"(?:の?(?P<jwdpart>夜中|深夜|未明|早朝|夕方|夜|晩|朝|昼|午前|午後))?)",
        ]
    ),
    re.IGNORECASE,
)
_TIME = re.compile(rf"(?<![0-9０-９.,°'])(?:{_CLOCK})(?![0-9０-９°'])", re.IGNORECASE)
#: A part of the day after a date ("30 Nov night", "11月30日の夜"), not the 午後 of 午後11時.
_PART_AFTER = re.compile(
    r"(?:の|\s{1,3}(?:at\s+)?)?(?P<part>夜中|深夜|未明|早朝|夕方|夜|晩|朝|昼|午前|午後"
    r"|night|evening|morning|afternoon)(?![A-Za-z0-9０-９])",
    re.IGNORECASE,
)
_JOIN = re.compile(r"T|\s{0,3}(?:(?:at|from|around|about)\s|[@,~の、頃])?\s{0,3}", re.IGNORECASE)
#: Words that make a time of day alone a routine (opening hours), not an event.
_HOURS = re.compile(r"\b(?:daily|every\s+day|open|opening|hours|till|until)\b|毎日|営業", re.I)
_HOURS_BEFORE_CHARS = 24
_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")


@dataclass
class _Day:
    """A day found in the text, before a time of day is joined to it."""

    start: int
    end: int
    day: date
    hour: float | None  # a part of the day, when one was written
    zone: tzinfo | None
    relative: bool


def find_times(text: str, posted: datetime | None) -> list[Entity]:
    """Every date and time in ``text``, resolved against ``posted`` where relative."""
    return as_written(_find(fold(text), posted), text)


def _find(text: str, posted: datetime | None) -> list[Entity]:
    zone = _default_zone(text, posted)
    local_posted = posted.astimezone(zone) if posted is not None else None
    days = _absolute_days(text, local_posted) + _relative_days(text, local_posted)
    days = _without_overlaps(days)
    found: list[Entity] = []
    for day in days:
        join = _JOIN.match(text, day.end)
        clock = _TIME.match(text, join.end()) if join else None
        parsed = _clock(clock) if clock is not None else None
        if clock is not None and parsed is not None:
            h, mi, clock_zone = parsed
            explicit = clock.group("ap") or clock.group("ap2") or clock.group("jp")
            late = day.hour is not None and day.hour >= _EVENING_H and h < _SMALL_HOURS_H
            if day.hour is not None and day.hour >= _NOON_H and h < _NOON_H and not late:
                h += 0 if explicit else 12  # "tomorrow night at 11", "30日の夜10時"
            on = day.day + timedelta(days=1) if late else day.day  # "tonight, 02:00"
            at = _at(on, h, mi, clock_zone or day.zone or zone)
            end, confidence = clock.end(), _CONFIDENCE_DATETIME
        elif day.hour is not None:
            at = _at(day.day, int(day.hour), 0, day.zone or zone)
            end, confidence = day.end, _CONFIDENCE_RELATIVE
        else:
            at = _at(day.day, 12, 0, day.zone or zone)
            end, confidence = day.end, _CONFIDENCE_DATE
        if day.relative:
            confidence = min(confidence, _CONFIDENCE_RELATIVE)
        found.append(
            Entity("time", _iso_utc(at), text[day.start : end], day.start, end, confidence)
        )
    if local_posted is not None:
        dated = list(found)  # in order, apart
        starts = [e.start for e in dated]
        for m in _TIME.finditer(text):
            parsed = _clock(m)
            at_day = bisect.bisect_left(starts, m.end())
            if parsed is None or (at_day and dated[at_day - 1].end > m.start()):
                continue
            if _HOURS.search(text[max(0, m.start() - _HOURS_BEFORE_CHARS) : m.start()]):
                continue  # "open daily 10pm to 2am": hours, not the time of an event
            h, mi, clock_zone = parsed
            at = _at(local_posted.date(), h, mi, clock_zone or zone)
            found.append(
                Entity("time", _iso_utc(at), m.group(), m.start(), m.end(), _CONFIDENCE_TIME_ONLY)
            )
    return sorted(found, key=lambda e: e.start)


def _default_zone(text: str, posted: datetime | None) -> tzinfo:
    if posted is not None and posted.tzinfo is not None and posted.utcoffset() != timedelta(0):
        return posted.tzinfo
    return JST if _JAPANESE.search(text) else UTC


def _iso_utc(at: datetime) -> str:
    """The JSON contract's form (``surveillance.times.iso_utc``), never None here."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _at(day: date, hour: int, minute: int, zone: tzinfo) -> datetime:
    extra = timedelta(days=1) if hour == 24 else timedelta(0)
    return datetime.combine(day, time(hour % 24, minute), zone) + extra


def _int(digits: str) -> int:
    return int(digits)  # int() reads full-width digits too


def _zone(text: str | None) -> tzinfo | None:
    if not text:
        return None
    text = text.strip().upper()
    if text in _ZONES:
        return _ZONES[text]
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:]))
    return timezone(sign * offset) if offset < timedelta(hours=15) else None


def _clock(m: re.Match[str]) -> tuple[int, int, tzinfo | None] | None:
    """Hour, minute and zone of a time-of-day match; None when it is no time."""
    g = m.groupdict()
    if g["h"] is not None:
        h, mi, ap = _int(g["h"]), _int(g["mi"]), g["ap"]
    elif g["h2"] is not None:
        h, mi, ap = _int(g["h2"]), 0, g["ap2"]
    else:
        h = _int(g["h3"])
        mi = 30 if g["half"] else _int(g["mi3"]) if g["mi3"] else 0
        ap = "pm" if g["jp"] in ("午後", "夜", "夕方") and h < 12 else None
        if g["jp"] == "深夜" and h < 6:
            ap = None
    if ap is not None:
        if not 1 <= h <= 12:
            return None
        h = h % 12 + (12 if ap.lower().startswith("p") else 0)
    if h > 24 or mi > 59 or (h == 24 and mi):
        return None
    return h, mi, _zone(g["zone"])


def _valid_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _year_near(month: int, day: int, posted: datetime | None) -> date | None:
    """A date without its year: the one nearest the post (within half a year)."""
    if posted is None:
        return None
    candidates = [_valid_day(posted.year + k, month, day) for k in (-1, 0, 1)]
    valid = [c for c in candidates if c is not None]
    if not valid:
        return None
    return min(valid, key=lambda c: abs((c - posted.date()).days))


def _absolute_days(text: str, posted: datetime | None) -> list[_Day]:
    days = []
    for m in _ABSOLUTE.finditer(text):
        g = m.groupdict()
        zone: tzinfo | None = None
        hour: float | None = None
        if g["iso"]:
            day = _valid_day(_int(g["y1"]), _int(g["m1"]), _int(g["d1"]))
            end = m.end()
        elif g["dmy"] or g["mdy"]:
            d, mon, y = (g["d2"], g["m2"], g["y2"]) if g["dmy"] else (g["d3"], g["m3"], g["y3"])
            month = _MONTHS[mon.lower()]
            day = _valid_day(_int(y), month, _int(d)) if y else _year_near(month, _int(d), posted)
            end = m.end()
        else:
            month, d = _int(g["m4"]), _int(g["d4"])
            y = g["y4"]
            if y is None:
                day = _year_near(month, d, posted)
            else:
                year = 1 if y == "元" else _int(y)
                year = 2018 + year if g["era"] else year
                day = _valid_day(year, month, d) if year >= 1900 else None
            end = m.end()
        part = _PART_AFTER.match(text, end)
        if part is not None:
            hour, end = _PARTS_H[part.group("part").lower()], part.end()
        if day is not None:
            days.append(_Day(m.start(), end, day, hour, zone, relative=False))
    return days


def _relative_days(text: str, posted: datetime | None) -> list[_Day]:
    if posted is None:
        return []
    today = posted.date()
    days = []
    for m in _RELATIVE.finditer(text):
        g = m.groupdict()
        part: str | None
        if g["en"]:
            if g["dat"]:
                day, part = today + timedelta(days=2), None
            elif g["tonight"]:
                day, part = today, "tonight"
            elif g["yesterday"]:
                last_night = g["yesterday"].lower().startswith("last")
                day, part = today - timedelta(days=1), "night" if last_night else g["pyes"]
            elif g["today"]:
                if g["today"].lower() == "this" and not g["ptoday"]:
                    continue
                day, part = today, g["ptoday"]
            elif g["tomorrow"]:
                day, part = today + timedelta(days=1), g["ptom"]
            else:
                wd = _WEEKDAYS_EN[g["wd"].lower()]
                if g["wd"].lower() in ("sat", "sun", "mon", "wed") and not g["next"]:
                    continue  # "sun", "wed" alone are words as often as days
                ahead = (wd - today.weekday()) % 7 or 7
                day, part = today + timedelta(days=ahead), g["pwd"]
        elif g["jrel"]:
            word = g["jday"]
            shift = {"明後日": 2, "あさって": 2, "明日": 1, "あした": 1, "明晩": 1, "明朝": 1}
            shift |= {"昨日": -1, "きのう": -1, "昨夜": -1, "昨晩": -1}
            day = today + timedelta(days=shift.get(word, 0))
            implied = {"今夜": "夜", "今晩": "夜", "明晩": "夜", "明朝": "朝", "今朝": "朝"}
            implied |= {"昨夜": "夜", "昨晩": "夜"}
            part = g["jpart"] or implied.get(word)
        else:
            wd = _WEEKDAYS_JA[g["jwdc"]]
            if not g["jnext"] and not text.startswith("曜", m.start("jwdc") + 1):
                continue  # 月, 火, 金 alone are the moon, fire, gold
            if g["jnext"] == "来週":
                day = today - timedelta(days=today.weekday()) + timedelta(days=7 + wd)
            elif g["jnext"] == "今週":
                day = today - timedelta(days=today.weekday()) + timedelta(days=wd)
            else:
                day = today + timedelta(days=(wd - today.weekday()) % 7 or 7)
            part = g["jwdpart"]
        hour = _PARTS_H.get(part.lower()) if part else None
        days.append(_Day(m.start(), m.end(), day, hour, None, relative=True))
    return days


def _without_overlaps(days: list[_Day]) -> list[_Day]:
    """Longest first, then left to right: "30 Nov 2026" is one day, not two."""
    starts: list[int] = []
    kept: list[_Day] = []
    for day in sorted(days, key=lambda d: (-(d.end - d.start), d.start)):
        at = bisect.bisect_right(starts, day.start)
        if (at and kept[at - 1].end > day.start) or (at < len(kept) and kept[at].start < day.end):
            continue
        starts.insert(at, day.start)
        kept.insert(at, day)
    return kept
