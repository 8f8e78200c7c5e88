"""What commands share: who is acting (for the audit trail), and times in and out (UTC)."""

from __future__ import annotations

import getpass
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import click
import pandas as pd

from surveillance.errors import InputError

__all__ = ["by_option", "who", "parse_when", "iso_utc"]

F = TypeVar("F", bound=Callable[..., Any])


def by_option(command: F) -> F:
    """``--by NAME``: who acts, for the audit trail (default: the OS user name)."""
    return click.option(
        "--by", metavar="NAME", help="Who acts, for the audit trail (default: your user name)."
    )(command)


def who(by: str | None) -> str:
    """The actor: ``--by`` if given, else the OS user name."""
    if by is not None:
        return by
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no LOGNAME/USER and no passwd entry (some containers)
        raise InputError("cannot tell who you are", hint="give --by NAME") from None


def parse_when(text: str | None, option: str) -> datetime | None:
    """An ISO 8601 time from the command line, in UTC (a time without a zone is UTC)."""
    if text is None:
        return None
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(f"{option} wants ISO 8601, e.g. 2026-11-26T12:00Z: {text!r}") from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def iso_utc(moment: Any) -> str | None:
    """ISO 8601 in UTC with a ``Z`` (``2026-11-26T22:00:00Z``); None for a missing time."""
    if moment is None or pd.isna(moment):
        return None
    stamp = pd.Timestamp(moment)
    stamp = stamp.tz_localize(UTC) if stamp.tzinfo is None else stamp.tz_convert(UTC)
    return stamp.to_pydatetime().isoformat().replace("+00:00", "Z")
