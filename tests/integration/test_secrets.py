"""Secrets never shown: a database URL with a password and ``COASTWATCH_PASSWORD`` set, every
command run with ``-v`` as a child process (its real logging), and none of what it prints
holds either secret, whether the command works, cannot reach the store, or is given a URL
that is not one. ``db url`` is the exception by contract: it prints the URL for psql."""

from __future__ import annotations

import os
import subprocess

import pytest

from surveillance.store import Store
from tests.builders import cli
from tests.builders.users import ADMIN, PASSWORD

DB_SECRET = "Tide-Gauge-7731"  # trust auth on the socket: the server ignores it
LOGIN_SECRET = PASSWORD  # the first admin's, so that --as logs in


def _env(url: str) -> dict[str, str]:
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", "/tmp"),
        "COASTWATCH_DATABASE_URL": url,
        "COASTWATCH_PASSWORD": LOGIN_SECRET,
        "COLUMNS": "250",
    }


def _said(ran: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in ran.stderr, ran.stderr
    return ran.stdout + ran.stderr


@pytest.fixture
def secret_url(store: Store) -> str:
    url = store.engine.url.set(drivername="postgresql", password=DB_SECRET)
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize(
    "args",
    [
        ("-v", "config"),
        ("-v", "db", "status"),
        ("-v", "alerts", "list", "--format", "json"),
        ("-v", "watchlist", "list"),
        ("-v", "--as", ADMIN, "users", "list"),
        ("-v", "--as", ADMIN, "audit", "list"),
    ],
)
def test_commands_that_work_print_no_secret(secret_url: str, args: tuple[str, ...]) -> None:
    ran = cli.run(*args, env=_env(secret_url))
    said = _said(ran)
    assert ran.returncode == 0, said
    assert DB_SECRET not in said and LOGIN_SECRET not in said


def test_a_password_set_or_refused_is_never_printed(secret_url: str) -> None:
    fresh = "Brand-New-Pass-5521"
    env = {**_env(secret_url), "COASTWATCH_PASSWORD": fresh}
    added = cli.run("-v", "users", "add", "al.analyst", "--role", "analyst", env=env)
    assert added.returncode == 0, added.stderr
    assert fresh not in _said(added)
    wrong = {**_env(secret_url), "COASTWATCH_PASSWORD": "Not-The-One-8812"}
    refused = cli.run("-v", "--as", "al.analyst", "users", "list", env=wrong)
    said = _said(refused)
    assert refused.returncode == 6 and "Not-The-One-8812" not in said and fresh not in said


def test_config_shows_the_url_with_its_password_masked(secret_url: str) -> None:
    said = _said(cli.run("config", env=_env(secret_url)))
    assert f":***@/{secret_url.rsplit('/', 1)[1].split('?')[0]}" in said


def test_an_unreachable_server_is_named_without_its_password() -> None:
    url = f"postgresql://cw:{DB_SECRET}@127.0.0.1:9/cw?connect_timeout=2"
    ran = cli.run("-v", "db", "status", env=_env(url))
    said = _said(ran)
    assert ran.returncode == 4 and "cannot reach the store" in said
    assert DB_SECRET not in said


def test_a_url_that_is_not_one_is_refused_without_echoing_its_password() -> None:
    ran = cli.run("-v", "db", "status", env=_env(f"nonsense://cw:{DB_SECRET}@@host"))
    said = _said(ran)
    assert ran.returncode != 0 and DB_SECRET not in said
    flag = cli.run("--database-url", f"cw:{DB_SECRET}", "-v", "db", "status", env=_env(""))
    said = _said(flag)
    assert flag.returncode == 4 and "is not a URL" in said and DB_SECRET not in said


def test_db_url_prints_the_url_for_psql_by_contract(secret_url: str) -> None:
    ran = cli.run("db", "url", env=_env(secret_url))
    assert ran.returncode == 0 and DB_SECRET in ran.stdout
