"""Secrets masked wherever Coastwatch shows text: URLs, libpq parameters, SQL, log lines."""

from __future__ import annotations

import logging
import sys

import pytest

from surveillance.redaction import MaskingFormatter, mask_secrets, secrets_in_force


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("postgresql://cw@/cw?host=/run", "postgresql://cw@/cw?host=/run"),
        ("postgresql://cw:pw@db/cw", "postgresql://cw:***@db/cw"),
        ("postgresql+psycopg://cw:p@ss:w/rd@db:5432/cw", "postgresql+psycopg://cw:***@db:5432/cw"),
        (
            "at 'postgresql://a:b@h/d' and postgresql://c:d@h/e",
            "at 'postgresql://a:***@h/d' and postgresql://c:***@h/e",
        ),
        (
            "postgresql:///cw?user=cw&password=hunter22&host=/run",
            "postgresql:///cw?user=cw&password=***&host=/run",
        ),
        ("host=db password='two words' dbname=cw", "host=db password=*** dbname=cw"),
        (
            "ALTER ROLE \"cw.al\" PASSWORD 'SCRAM-SHA-256$4096:abc'",
            "ALTER ROLE \"cw.al\" PASSWORD '***'",
        ),
    ],
)
def test_passwords_in_urls_parameters_and_sql_are_masked(text: str, shown: str) -> None:
    assert mask_secrets(text) == shown


def test_the_exact_secrets_in_force_are_masked_anywhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COASTWATCH_PASSWORD", "Correct-Horse-9")
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", "postgresql://cw:p%40ss-word@db/cw")
    secrets = secrets_in_force()
    assert {"Correct-Horse-9", "p%40ss-word", "p@ss-word"} <= set(secrets)
    said = mask_secrets("login failed for Correct-Horse-9; tried p@ss-word", secrets)
    assert "Correct-Horse-9" not in said and "p@ss-word" not in said


def test_a_log_line_and_its_traceback_are_masked() -> None:
    formatter = MaskingFormatter("%(message)s", ["Correct-Horse-9"])
    try:
        raise RuntimeError("connect postgresql://cw:pw@db/cw as Correct-Horse-9")
    except RuntimeError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "url %s", ("a:b@c",), None)
        record.exc_info = sys.exc_info()
    line = formatter.format(record)
    assert "RuntimeError" in line and "pw@" not in line and "Correct-Horse-9" not in line
