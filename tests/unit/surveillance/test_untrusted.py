"""The one escaping helper: what each markup makes of a hostile string is that string."""

from __future__ import annotations

import html

import pytest
from markdown_it import MarkdownIt

from surveillance.untrusted import html_text, markdown_text, spreadsheet_cell
from tests.builders.hostile import CALL_SIGN, DESTINATION, NAMES, NOTES

HOSTILE = (*NAMES, CALL_SIGN, DESTINATION, *NOTES, "# HEADING", "1. LIST", "> QUOTE", "`CODE`")


@pytest.mark.parametrize("text", HOSTILE)
def test_markdown_shows_the_characters_and_makes_no_element(text: str) -> None:
    rendered = MarkdownIt("commonmark").render(markdown_text(text))  # HTML passes in CommonMark
    assert rendered == f"<p>{html.escape(text, quote=True)}</p>\n"


def test_a_line_break_cannot_start_a_block_of_its_own() -> None:
    rendered = MarkdownIt("commonmark").render(markdown_text("SEA STAR\n# BIG\r\n- ITEM"))
    assert rendered == "<p>SEA STAR # BIG - ITEM</p>\n"


@pytest.mark.parametrize("text", HOSTILE)
def test_html_text_escapes_element_content_and_quoted_attributes(text: str) -> None:
    escaped = html_text(text)
    assert not {"<", ">", '"', "'"} & set(escaped) and html.unescape(escaped) == text


@pytest.mark.parametrize("cell", ["=1+2", "+1", "-1", "@SUM(A1)", "\tX", "\rX"])
def test_a_formula_cell_is_prefixed(cell: str) -> None:
    assert spreadsheet_cell(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["SEA STAR", "", 1.5, -3, None])
def test_other_cells_are_kept(cell: object) -> None:
    assert spreadsheet_cell(cell) == cell
