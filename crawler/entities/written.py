"""Finders match on the folded text (:func:`crawler.entities.folding.fold`: full-width forms
as ASCII, one character for one) and report the text as written, at the same span."""

from __future__ import annotations

from dataclasses import replace

from crawler.entities.base import Entity

__all__ = ["as_written"]


def as_written(found: list[Entity], text: str) -> list[Entity]:
    """``found`` (spans into the folded ``text``) with each entity's text as written."""
    return [replace(e, text=text[e.start : e.end]) for e in found]
