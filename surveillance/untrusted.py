r"""Untrusted text kept text: the one place that escapes outside strings for each markup they
meet. AIS names, call signs and destinations, notes, uploaded properties and web pages are
written by anyone; shown through Markdown, HTML or a spreadsheet they must read as typed.

Streamlit's deck.gl tooltips escape their own fields (dashboard/tooltip.py), the PDF turns
mathtext off (surveillance/report/pdf.py), GeoJSON and GeoPackage keep text as data; the
rest comes here.

>>> print(markdown_text("[CLICK](JAVASCRIPT:X=1) **BOLD**"))
\[CLICK\]\(JAVASCRIPT\:X\=1\) \*\*BOLD\*\*
>>> html_text("<SVG ONLOAD=X=1>")
'&lt;SVG ONLOAD=X=1&gt;'
>>> spreadsheet_cell("=HYPERLINK(1)"), spreadsheet_cell("SEA STAR")
("'=HYPERLINK(1)", 'SEA STAR')
"""

from __future__ import annotations

import html
import re
from typing import Any

__all__ = ["html_text", "markdown_text", "spreadsheet_cell"]

#: Every ASCII punctuation character: CommonMark lets a backslash make any of them literal,
#: which covers links, images, emphasis, code, headings, lists and HTML alike, and Streamlit's
#: own additions (``$`` math, ``:red[...]`` colours, ``:material/...:`` icons).
_MARKDOWN_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")
_LINE_BREAKS = re.compile(r"[\r\n]+")

#: A cell starting with one of these is a formula to Excel, LibreOffice and Sheets (OWASP's
#: CSV injection list: ``=``, ``+``, ``-``, ``@``, tab and carriage return).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def html_text(value: Any) -> str:
    """``value`` as text for HTML element content or a quoted attribute."""
    return html.escape(str(value), quote=True)


def markdown_text(value: Any) -> str:
    """``value`` as literal text inside Markdown (st.markdown, captions, headers, alerts,
    widget labels): every punctuation character escaped, line breaks as spaces so a value
    cannot start a heading or a list of its own."""
    return _MARKDOWN_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", str(value)))


def spreadsheet_cell(value: Any) -> Any:
    """A text cell that a spreadsheet would run as a formula, prefixed with ``'`` so it is
    shown as typed; anything else as it is."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value
