"""Dates and times, absolute and relative to the post, as ISO 8601 UTC."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from crawler.entities.times import find_times

#: A Sunday morning in UTC (19:00 JST).
POSTED = datetime(2026, 11, 29, 10, 0, tzinfo=UTC)


def times(text: str, posted: datetime | None = POSTED) -> list[tuple[str, str]]:
    return [(e.text, e.value) for e in find_times(text, posted)]


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("at 2026-11-30 22:00 sharp", "2026-11-30 22:00", "2026-11-30T22:00:00Z"),
        ("2026-11-30T22:00+09:00", "2026-11-30T22:00+09:00", "2026-11-30T13:00:00Z"),
        ("on 30 Nov 2026 at 10pm", "30 Nov 2026 at 10pm", "2026-11-30T22:00:00Z"),
        ("December 2nd, 2026, 03:30 UTC", "December 2nd, 2026, 03:30 UTC", "2026-12-02T03:30:00Z"),
        ("11月30日 22時", "11月30日 22時", "2026-11-30T13:00:00Z"),
        ("2026年12月3日(木)午後11時半", "2026年12月3日(木)午後11時半", "2026-12-03T14:30:00Z"),
        ("令和8年12月1日 5時", "令和8年12月1日 5時", "2026-11-30T20:00:00Z"),
    ],
)
def test_absolute_times(text: str, written: str, value: str) -> None:
    assert times(text) == [(written, value)]


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("drop tomorrow night at 23:00", "tomorrow night at 23:00", "2026-11-30T23:00:00Z"),
        ("tonight, 02:00", "tonight, 02:00", "2026-11-30T02:00:00Z"),
        ("next Tuesday evening", "next Tuesday evening", "2026-12-01T19:00:00Z"),
        ("the day after tomorrow", "the day after tomorrow", "2026-12-01T12:00:00Z"),
        ("明日の夜22時に受け渡し", "明日の夜22時", "2026-11-30T13:00:00Z"),
        ("今夜やる", "今夜", "2026-11-29T13:00:00Z"),
        ("明後日の未明", "明後日の未明", "2026-11-30T18:00:00Z"),
        ("来週の火曜日に", "来週の火曜日", "2026-12-01T03:00:00Z"),
    ],
)
def test_relative_times_resolve_against_the_post(text: str, written: str, value: str) -> None:
    assert times(text) == [(written, value)]


def test_japanese_text_is_in_jst_and_other_text_in_utc() -> None:
    assert times("2026-11-30 22:00") == [("2026-11-30 22:00", "2026-11-30T22:00:00Z")]
    assert times("2026-11-30 22:00 に") == [("2026-11-30 22:00", "2026-11-30T13:00:00Z")]


def test_the_posts_own_zone_wins() -> None:
    seoul = POSTED.astimezone(timezone(timedelta(hours=9)))
    assert times("tomorrow 22:00", seoul) == [("tomorrow 22:00", "2026-11-30T13:00:00Z")]


def test_a_date_without_year_takes_the_nearest_year() -> None:
    assert times("3 Jan", POSTED) == [("3 Jan", "2027-01-03T12:00:00Z")]


def test_without_the_post_relative_times_and_yearless_dates_are_not_guessed() -> None:
    assert times("tomorrow night, 3 Jan, 22:00", None) == []
    assert times("2026-11-30 22:00", None) == [("2026-11-30 22:00", "2026-11-30T22:00:00Z")]


@pytest.mark.parametrize(
    "text",
    [
        "34.12 129.45",
        "N34 12.5 E129 45.0",
        "34°12'N 129°45'E",
        "2026/13/45",
        "31 Feb 2026",
        "25:00",
        "the sun is up, we sat down",
        "金の延べ棒",
    ],
)
def test_what_is_no_time(text: str) -> None:
    assert times(text) == []


def test_a_time_alone_is_on_the_posts_day_and_less_sure() -> None:
    (alone,) = find_times("meet at 22:30", POSTED)
    (dated,) = find_times("meet 2026-11-29 22:30", POSTED)
    assert alone.value == dated.value == "2026-11-29T22:30:00Z"
    assert alone.confidence < dated.confidence


def test_full_width_digits() -> None:
    assert times("１１月３０日　２２時") == [("１１月３０日　２２時", "2026-11-30T13:00:00Z")]


@pytest.mark.parametrize(
    ("text", "written", "value"),
    [
        ("left yesterday", "yesterday", "2026-11-28T12:00:00Z"),
        ("last night at 23:00", "last night at 23:00", "2026-11-28T23:00:00Z"),
        ("昨夜の件", "昨夜", "2026-11-28T13:00:00Z"),
    ],
)
def test_times_past(text: str, written: str, value: str) -> None:
    assert times(text) == [(written, value)]


def test_opening_hours_are_no_event() -> None:
    assert times("Open daily 10pm to 2am") == []
    assert times("2026.11.30 to 2026.12.02.") == [
        ("2026.11.30", "2026-11-30T12:00:00Z"),
        ("2026.12.02", "2026-12-02T12:00:00Z"),
    ]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("11月30日の夜", "2026-11-30T13:00:00Z"),
        ("11月30日の夜10時", "2026-11-30T13:00:00Z"),
        ("30 Nov night", "2026-11-30T22:00:00Z"),
        ("2026-11-30 morning", "2026-11-30T08:00:00Z"),
    ],
)
def test_a_part_of_the_day_after_a_date(text: str, value: str) -> None:
    assert times(text) == [(text, value)]
