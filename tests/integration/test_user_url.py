"""``coastwatch db url --user NAME``: a URL that logs in with that user's database role,
opened for real with psycopg and psql: the analyst is refused the leads the intel officer
reads, whatever tool they use."""

from __future__ import annotations

import shutil
import subprocess

import psycopg
import pytest

from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.leads import add_lead
from tests.builders.users import PASSWORD, add_user


def _url(coastwatch: Coastwatch, name: str) -> str:
    ran = coastwatch("db", "url", "--user", name)
    assert ran.code == 0, ran.stderr
    return ran.stdout.strip()


def test_the_analyst_s_url_is_refused_the_leads_the_intel_officer_reads(
    store: Store, coastwatch: Coastwatch
) -> None:
    add_lead(store)
    analyst, intel = add_user(store, "ann", "analyst"), add_user(store, "ivan", "intel")
    for user in (analyst, intel):
        url = _url(coastwatch, user.username)
        assert url.startswith(f"postgresql://{user.db_role}@") and PASSWORD not in url
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT current_user").fetchone() == (user.db_role,)
            if user is intel:
                assert conn.execute("SELECT count(*) FROM leads").fetchone() == (1,)
            else:
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    conn.execute("SELECT * FROM leads")
        if shutil.which("psql"):
            psql = subprocess.run(
                ["psql", url, "-Atc", "SELECT count(*) FROM leads"], capture_output=True, text=True
            )
            if user is intel:
                assert (psql.returncode, psql.stdout.strip()) == (0, "1"), psql.stderr
            else:
                assert psql.returncode != 0 and "permission denied" in psql.stderr


def test_a_user_without_a_database_role_or_disabled_is_a_clear_error(
    store: Store, coastwatch: Coastwatch
) -> None:
    add_user(store, "ann", "analyst")
    add_user(store, "bea", "analyst")
    store.set_disabled("bea", True, by="test")
    with store.engine.begin() as conn:  # as on a server where the owner may not create roles
        conn.exec_driver_sql("UPDATE users SET db_role = NULL WHERE username = 'ann'")
    for name, said in (("ann", "no database role"), ("bea", "disabled"), ("nobody", "no user")):
        ran = coastwatch("db", "url", "--user", name)
        assert ran.code == 2 and said in ran.stderr, ran.stderr
