"""Text as anyone with a radio may send it: markup in the AIS 6-bit character set (upper
case; a name or a destination holds 20 characters, a call sign 7), and longer notes.

Each must come out of every page and export as the characters it is, never as markup.
"""

from __future__ import annotations

__all__ = ["CALL_SIGN", "DESTINATION", "NAMES", "ELEMENTS_MADE", "NOTES", "PDF_NAMES"]

SVG = "<SVG ONLOAD=X=1>"
LINK = "[X](JAVASCRIPT:X=1)"
BOLD = "**BOLD**"
MATH = "$X$ $Y$"
#: Vessel names: an element with a handler, a Markdown link, emphasis and mathtext.
NAMES = (SVG, LINK, BOLD, MATH)
CALL_SIGN = "$\\X$"  # mathtext's unknown symbol: matplotlib raises on it
DESTINATION = "<B>**HAKATA**</B>"
#: Names the PDF must print (no mathtext: both would be typeset or refused).
PDF_NAMES = (MATH, CALL_SIGN, SVG, BOLD)
#: Notes are free text: the long forms fit, and a spreadsheet formula.
NOTES = ("<IMG SRC=X ONERROR=X=1>", "[CLICK](JAVASCRIPT:X=1)", '=HYPERLINK("X")')
#: The elements markup run by a browser would make: none may exist.
ELEMENTS_MADE = "svg[onload], img[onerror], a[href^='javascript' i], iframe[src^='javascript' i]"
