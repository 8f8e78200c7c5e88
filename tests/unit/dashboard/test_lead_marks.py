"""A lead's text with its entities marked: every segment escaped, only our ``<mark>``
around the spans, spans that are not the text's or overlap one marked before left out
(and counted); the alert evidence's lead ids; a lead's title line."""

from __future__ import annotations

import html
import re
from typing import Any

import pytest

from dashboard.data.leads import evidence_lead_ids, first_line, highlighted
from tests.builders.lead_texts import HOSTILE_TEXT, MARKUP, entity

_MARK = re.compile(r'<mark class="cw-[a-z0-9]+" title="[^"<>]*">|</mark>')


def _unmarked(body: str) -> str:
    """What a reader sees: the marks taken out, the escapes undone."""
    return html.unescape(_MARK.sub("", body))


def test_the_text_reads_as_written_and_the_only_tags_are_our_marks() -> None:
    found = [entity(HOSTILE_TEXT, "mmsi", "431000001"), entity(HOSTILE_TEXT, "vessel", "SEA STAR")]
    body, unmarked = highlighted(HOSTILE_TEXT, found)
    assert unmarked == 0
    assert _unmarked(body) == HOSTILE_TEXT
    assert re.findall(r"<[^>]*>", _MARK.sub("", body)) == []  # no tag of the page's
    assert body.count("<mark") == 2
    for markup in MARKUP:
        assert html.escape(markup) in body


def test_a_hostile_value_in_the_title_attribute_is_escaped() -> None:
    text = "ship X here"
    bad = {**entity(text, "vessel", "X"), "value": '"><img src=x onerror=1>'}
    body, _ = highlighted(text, [bad])
    assert "<img" not in body
    assert 'title="vessel: &quot;&gt;&lt;img src=x onerror=1&gt;"' in body
    assert _unmarked(body) == text


@pytest.mark.parametrize(
    "bad",
    [
        {"kind": "mmsi", "value": "1", "text": "nope", "start": 0, "end": 4},  # not the text's
        {"kind": "mmsi", "value": "1", "text": "ab", "start": -1, "end": 1},
        {"kind": "mmsi", "value": "1", "start": 3, "end": 99},  # past the end
        {"kind": "mmsi", "value": "1", "start": "0", "end": "2"},  # not numbers
        {"kind": "mmsi", "value": "1", "start": 2, "end": 2},  # empty
    ],
)
def test_a_span_that_is_not_the_texts_is_left_out_and_counted(bad: dict[str, Any]) -> None:
    body, unmarked = highlighted("abcdef", [bad])
    assert (body, unmarked) == ("abcdef", 1)


def test_overlapping_spans_mark_the_first_and_longest() -> None:
    text = "at 33°30'N 133°40'E now"
    whole = entity(text, "position", "33°30'N 133°40'E")
    inner = entity(text, "mmsi", "133")
    body, unmarked = highlighted(text, [inner, whole])
    assert unmarked == 1
    assert body.count("<mark") == 1 and 'class="cw-position"' in body
    assert _unmarked(body) == text


def test_the_alert_evidence_lists_lead_ids_as_numbers_or_objects() -> None:
    assert evidence_lead_ids({"leads": [3, "4", {"id": 5}, {"url": "x"}, None, 3]}) == [3, 4, 5]
    assert evidence_lead_ids({}) == []


def test_a_lead_is_titled_by_its_title_or_first_line() -> None:
    assert first_line("  Fuel  ", "x") == "Fuel"
    assert first_line(None, "\n\n  first words\nmore") == "first words"
    assert first_line(None, "y" * 300).endswith("…") and len(first_line(None, "y" * 300)) == 120
