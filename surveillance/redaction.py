"""Secrets kept out of what Coastwatch shows: the password of a database URL, a libpq
``password=`` parameter, the password (or verifier) of an ``ALTER ROLE`` statement, and the
exact values of the secrets in force (``COASTWATCH_PASSWORD``, the database URL's password),
masked in ``coastwatch config``, ``db status``, error messages and log lines alike.

>>> mask_secrets("cannot reach postgresql://cw:s3cret@db.example/cw?sslmode=require")
'cannot reach postgresql://cw:***@db.example/cw?sslmode=require'
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable
from urllib.parse import unquote, urlsplit

__all__ = ["MASK", "mask_secrets", "secrets_in_force", "MaskingFormatter"]

MASK = "***"

#: ``scheme://user:PASSWORD@`` up to the last ``@`` of the word: a password may hold one.
_URL_PASSWORD = re.compile(r"(://[^:/@\s]*:)\S*@")
#: ``password=VALUE`` in a URL's query or a libpq keyword string, quoted or not.
_PARAMETER = re.compile(r"(?i)(\bpassword\s*=\s*)('[^']*'|[^\s&]+)")
#: ``PASSWORD '...'`` in SQL (``CREATE ROLE`` / ``ALTER ROLE``) that a log line may echo.
_SQL_PASSWORD = re.compile(r"(?i)(\bPASSWORD\s+)'[^']*'")


def mask_secrets(text: str, secrets: Iterable[str] = ()) -> str:
    """``text`` with every URL password, ``password=`` value, SQL password and each of
    ``secrets`` (exact values) replaced by ``***``."""
    for secret in sorted((s for s in secrets if s), key=len, reverse=True):
        text = text.replace(secret, MASK)
    text = _URL_PASSWORD.sub(rf"\1{MASK}@", text)
    text = _PARAMETER.sub(rf"\1{MASK}", text)
    return _SQL_PASSWORD.sub(rf"\1'{MASK}'", text)


def secrets_in_force(database_url: str | None = None) -> list[str]:
    """The exact secret values of this process: ``COASTWATCH_PASSWORD`` and the password of
    the database URL (``database_url``, else ``COASTWATCH_DATABASE_URL``), as written and
    percent-decoded."""
    found = [os.environ.get("COASTWATCH_PASSWORD", "")]
    url = database_url or os.environ.get("COASTWATCH_DATABASE_URL")
    if url:
        try:
            netloc = urlsplit(url).netloc
        except ValueError:  # not a URL at all: the patterns still mask what looks like one
            netloc = ""
        raw = netloc.rpartition("@")[0].partition(":")[2]
        found += [raw, unquote(raw)]
    return [s for s in found if s]


class MaskingFormatter(logging.Formatter):
    """A log formatter whose every line (tracebacks included) has its secrets masked."""

    def __init__(self, fmt: str, secrets: Iterable[str] = ()) -> None:
        super().__init__(fmt)
        self.secrets = tuple(secrets)

    def format(self, record: logging.LogRecord) -> str:
        return mask_secrets(super().format(record), self.secrets)
