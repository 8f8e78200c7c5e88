"""Users for tests: the password every test user has, and a user of each role.

The test template already holds the first admin, named after the OS user (what ``db up``
does on a new store), so the CLI run by a test acts as that admin unless ``--as`` says
otherwise (with :data:`PASSWORD` in ``COASTWATCH_PASSWORD``).
"""

from __future__ import annotations

import getpass

from surveillance.access import ROLES
from surveillance.store import Store, UserRecord

__all__ = ["ADMIN", "PASSWORD", "ROLE_USERS", "add_role_users", "add_user"]

PASSWORD = "harbour-lights-at-dusk"
ADMIN = getpass.getuser()
#: One user per role, named for it.
ROLE_USERS = {role: f"{role.replace('_', '')}.test" for role in ROLES if role != "admin"}


def add_user(store: Store, name: str, role: str, password: str = PASSWORD) -> UserRecord:
    """Add ``name`` with ``role`` (by the admin)."""
    return store.add_user(name, role, password, by=ADMIN)


def add_role_users(store: Store) -> dict[str, str]:
    """A user of each role but admin: role -> user name (and the admin: the OS user)."""
    for role, name in ROLE_USERS.items():
        add_user(store, name, role)
    return {**ROLE_USERS, "admin": ADMIN}
