"""The text lines of a PDF that matplotlib wrote, read from its content streams, for tests
that must see what the PDF prints (no PDF library or ``pdftotext`` on the machine).

matplotlib embeds TrueType fonts (``pdf.fonttype`` 42) as CID fonts with Identity-H
encoding and writes each character as its two-byte code point, a text run as one ``TJ``
array of literal strings and kerning numbers. Anything else is not read (a ligature drawn
from another font, as the "fi" of "prefix", reads as a run of its own): text drawn another
way yields no line, so a test looking for a string fails, never passes by mistake.
"""

from __future__ import annotations

import re
import zlib

__all__ = ["pdf_lines"]

_STREAM = re.compile(rb"stream\r?\n(.*?)\r?\nendstream", re.S)
_RUN = re.compile(rb"\[((?:[^\]\\]|\\.)*)\]\s*TJ|(\((?:[^)\\]|\\.)*\))\s*Tj", re.S)
_LITERAL = re.compile(rb"\(((?:[^)\\]|\\.)*)\)", re.S)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|.)", re.S)
_NAMED = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(literal: bytes) -> bytes:
    def one(match: re.Match[bytes]) -> bytes:
        code = match.group(1)
        if code[:1].isdigit():
            return bytes([int(code, 8) & 0xFF])
        return _NAMED.get(code, code)

    return _ESCAPE.sub(one, literal)


def pdf_lines(pdf: bytes) -> list[str]:
    """Every text run the PDF's (deflated) content streams print, in order."""
    lines = []
    for stream in _STREAM.findall(pdf):
        try:
            content = zlib.decompress(stream)
        except zlib.error:
            continue  # a font or an image, not a content stream
        for run in _RUN.finditer(content):
            literals = _LITERAL.findall(run.group(1) or run.group(2))
            raw = b"".join(_unescape(literal) for literal in literals)
            lines.append(raw.decode("utf-16-be", errors="replace"))
    return lines
