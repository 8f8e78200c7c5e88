"""Checks on what callers hand the store: a frame's columns, who acts, an optional note."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from surveillance.errors import InputError

__all__ = ["require_columns", "actor_name", "text_or_none"]

_MAX_ACTOR_CHARS = 64


def require_columns(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    """Refuse a frame that lacks one of ``columns`` (``what`` names it in the error)."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise InputError(f"{what} frame lacks columns: {', '.join(missing)}")


def actor_name(name: str) -> str:
    """Who did it, as ``alert_events``, ``watchlist`` and ``exports`` record it."""
    actor = name.strip()
    if not actor or len(actor) > _MAX_ACTOR_CHARS:
        raise InputError(f"not a user name (1 to {_MAX_ACTOR_CHARS} characters): {name!r}")
    return actor


def text_or_none(value: Any) -> str | None:
    """Stripped text; None for a missing or blank value. Text holding a NUL character
    (which PostgreSQL text cannot store) is refused here, before any statement runs, as the
    store's driver-error guard would refuse it."""
    if not pd.notna(value):
        return None
    text = str(value).strip()
    if "\x00" in text:
        raise InputError(
            "text with a NUL character (\\x00) cannot be stored or looked for",
            hint="remove the control character and try again",
        )
    return text or None
