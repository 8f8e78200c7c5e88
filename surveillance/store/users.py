"""Users: who they are, their role, their password, their logins; each change and each
login (failed ones too) in the audit log, in the same transaction.

Each user also gets a PostgreSQL login role (``<database>.<name>``, a member of its group
role ``coastwatch_<role>``) whose password verifier matches the Coastwatch password, so
``coastwatch db url --user NAME`` opens the store with exactly the user's rights. Where the
store's owner may not create roles (an external server without CREATEROLE), the user is
still added, without a login role. The store's own connections never log in as a user:
they run the user's queries under the group role (:meth:`RoleStores.as_role`).
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

from surveillance.access import ROLES, group_role
from surveillance.errors import InputError, LoginRefused
from surveillance.passwords import (
    check_strength,
    hash_password,
    needs_rehash,
    scram_verifier,
    verify_password,
)
from surveillance.store.audit import record

__all__ = ["LoginPolicy", "UserRecord", "UserTables", "check_username"]

_NAME = re.compile(r"[a-z_][a-z0-9_.\-]{0,47}")
_COLUMNS = (
    "username, role, disabled, display_name, db_role, created_at, last_login_at, "
    "locked_until, failed_logins"
)
_WRONG = "wrong user name or password"


def check_username(name: str) -> str:
    """``name`` if it makes a user name (lower-case letters, digits, ``_.-``), else InputError."""
    if not _NAME.fullmatch(name):
        raise InputError(
            f"not a user name: {name!r}",
            hint="1 to 48 characters: lower-case letters, digits, _ . - (not first)",
        )
    return name


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"no role {role!r}", hint=f"roles: {', '.join(ROLES)}")
    return role


@dataclass(frozen=True)
class UserRecord:
    """A user as the store knows them (never their password hash)."""

    username: str
    role: str
    disabled: bool = False
    display_name: str | None = None
    db_role: str | None = None
    created_at: datetime | None = None
    last_login_at: datetime | None = None
    locked_until: datetime | None = None
    failed_logins: int = 0


@dataclass(frozen=True)
class LoginPolicy:
    """How failed logins are slowed and then locked (the ``login_*`` settings)."""

    lock_after: int = 5
    lock_minutes: float = 15.0
    delay_s: float = 0.5

    def delay(self, failures: int) -> float:
        """The pause after the ``failures``-th failure in a row: doubled each time, <= 8 s."""
        return min(self.delay_s * 2 ** max(failures - 1, 0), 8.0)


def _quoted(identifier: str) -> str:
    if '"' in identifier or "\x00" in identifier:
        raise InputError(f"not a role name: {identifier!r}")
    return f'"{identifier}"'


class UserTables:
    engine: Engine

    def user(self, name: str) -> UserRecord | None:
        """The user called ``name``, or None."""
        with self.engine.connect() as conn:
            row = conn.execute(
                text(f"SELECT {_COLUMNS} FROM users WHERE username = :n"), {"n": name}
            ).one_or_none()
        return None if row is None else UserRecord(**row._mapping)

    def users(self) -> list[UserRecord]:
        """Every user, by name."""
        with self.engine.connect() as conn:
            rows = conn.execute(text(f"SELECT {_COLUMNS} FROM users ORDER BY username"))
            return [UserRecord(**row._mapping) for row in rows]

    def add_user(
        self,
        name: str,
        role: str,
        password: str,
        *,
        by: str,
        display_name: str | None = None,
    ) -> UserRecord:
        """Add a user with ``role`` and ``password`` (InputError if the name is taken)."""
        check_username(name)
        _check_role(role)
        check_strength(password)
        with self.engine.begin() as conn:
            taken = conn.execute(
                text("SELECT 1 FROM users WHERE username = :n"), {"n": name}
            ).scalar()
            if taken:
                raise InputError(f"there is already a user {name!r}")
            db_role = _login_role(conn, name, role, password)
            conn.execute(
                text(
                    "INSERT INTO users (username, display_name, role, password_hash, db_role, "
                    "password_set_at) VALUES (:n, :d, :r, :h, :db, now())"
                ),
                {
                    "n": name,
                    "d": display_name,
                    "r": role,
                    "h": hash_password(password),
                    "db": db_role,
                },
            )
            record(conn, by, "user.add", name, {"role": role, "db_role": db_role})
        found = self.user(name)
        assert found is not None
        return found

    def first_admin(self, name: str, password: str) -> bool:
        """Add ``name`` as admin if the store has no user yet; whether it did."""
        with self.engine.connect() as conn:
            if conn.execute(text("SELECT EXISTS (SELECT FROM users)")).scalar():
                return False
        self.add_user(name, "admin", password, by=name)
        return True

    def set_password(self, name: str, password: str, *, by: str) -> None:
        """Give ``name`` a new password (and clear a lock)."""
        check_strength(password)
        with self.engine.begin() as conn:
            db_role = self._locked_row(conn, name)["db_role"]
            conn.execute(
                text(
                    "UPDATE users SET password_hash = :h, password_set_at = now(), "
                    "failed_logins = 0, locked_until = NULL WHERE username = :n"
                ),
                {"h": hash_password(password), "n": name},
            )
            if db_role is not None:
                verifier = scram_verifier(password)
                conn.exec_driver_sql(f"ALTER ROLE {_quoted(db_role)} PASSWORD '{verifier}'")
            record(conn, by, "user.passwd", name)

    def set_role(self, name: str, role: str, *, by: str) -> None:
        """Move ``name`` to ``role``."""
        _check_role(role)
        with self.engine.begin() as conn:
            row = self._locked_row(conn, name)
            conn.execute(
                text("UPDATE users SET role = :r WHERE username = :n"), {"r": role, "n": name}
            )
            if row["db_role"] is not None:
                db_role = _quoted(row["db_role"])
                conn.exec_driver_sql(f"REVOKE {group_role(row['role'])} FROM {db_role}")
                conn.exec_driver_sql(f"GRANT {group_role(role)} TO {db_role}")
            record(conn, by, "user.role", name, {"from": row["role"], "to": role})

    def set_disabled(self, name: str, disabled: bool, *, by: str) -> None:
        """Disable ``name`` (no more logins, by dashboard, CLI or database) or enable again."""
        with self.engine.begin() as conn:
            row = self._locked_row(conn, name)
            conn.execute(
                text("UPDATE users SET disabled = :d WHERE username = :n"),
                {"d": disabled, "n": name},
            )
            if row["db_role"] is not None:
                login = "NOLOGIN" if disabled else "LOGIN"
                conn.exec_driver_sql(f"ALTER ROLE {_quoted(row['db_role'])} {login}")
            record(conn, by, "user.disable" if disabled else "user.enable", name)

    def login(
        self,
        name: str,
        password: str,
        *,
        via: str,
        policy: LoginPolicy | None = None,
        now: datetime | None = None,
    ) -> UserRecord:
        """Check ``name``'s password and record the login (``via``: dashboard, cli); raises
        LoginRefused after recording the failure, slowed as ``policy`` says."""
        policy = policy or LoginPolicy()
        now = now or datetime.now(UTC)
        refused: LoginRefused | None = None
        failures = 0
        with self.engine.begin() as conn:
            row = conn.execute(
                text(
                    "SELECT username, password_hash, disabled, locked_until, failed_logins "
                    "FROM users WHERE username = :n FOR UPDATE"
                ),
                {"n": name},
            ).one_or_none()
            stored = None if row is None else row.password_hash
            matches = verify_password(stored, password)  # timed alike for unknown users
            detail: dict[str, Any] = {"via": via}
            if row is None:
                failures = 1
                record(conn, name[:64], "login.failed", name, {**detail, "reason": "unknown"})
                refused = LoginRefused(_WRONG)
            elif row.locked_until is not None and row.locked_until > now:
                left = (row.locked_until - now).total_seconds()
                record(conn, name, "login.locked", name, {**detail, "reason": "still locked"})
                refused = LoginRefused(
                    f"{name} is locked after repeated failed logins; "
                    f"try again in {max(1, round(left / 60))} min",
                    hint="an admin can unlock it now with `coastwatch users passwd`",
                    retry_after=left,
                )
            elif not matches:
                failures = row.failed_logins + 1
                locks = failures >= policy.lock_after
                until = now + timedelta(minutes=policy.lock_minutes) if locks else None
                conn.execute(
                    text(
                        "UPDATE users SET failed_logins = :f, locked_until = :u WHERE username = :n"
                    ),
                    {"f": failures, "u": until, "n": name},
                )
                record(
                    conn,
                    name,
                    "login.locked" if locks else "login.failed",
                    name,
                    {**detail, "reason": "wrong password", "failures": failures},
                )
                refused = LoginRefused(
                    _WRONG
                    if not locks
                    else f"{_WRONG}; {name} is now locked for {policy.lock_minutes:g} min",
                    retry_after=0.0 if until is None else (until - now).total_seconds(),
                )
            elif row.disabled:
                record(conn, name, "login.failed", name, {**detail, "reason": "disabled"})
                refused = LoginRefused(f"{name} is disabled", hint="ask an admin")
            else:
                rehash = needs_rehash(stored or "")
                conn.execute(
                    text(
                        "UPDATE users SET failed_logins = 0, locked_until = NULL, "
                        "last_login_at = :t, password_hash = "
                        "CASE WHEN :rehash THEN :h ELSE password_hash END WHERE username = :n"
                    ),
                    {
                        "t": now,
                        "rehash": rehash,
                        "h": hash_password(password) if rehash else None,
                        "n": name,
                    },
                )
                record(conn, name, "login", name, detail)
        if refused is not None:
            if failures:
                time.sleep(policy.delay(failures))
            raise refused
        found = self.user(name)
        assert found is not None
        return found

    def logout(self, name: str, *, via: str, reason: str = "asked") -> None:
        """Record that ``name``'s session ended (asked, expired)."""
        with self.engine.begin() as conn:
            record(conn, name, "logout", name, {"via": via, "reason": reason})

    def _locked_row(self, conn: Connection, name: str) -> dict[str, Any]:
        row = conn.execute(
            text("SELECT role, db_role FROM users WHERE username = :n FOR UPDATE"), {"n": name}
        ).one_or_none()
        if row is None:
            raise InputError(f"no user {name!r}", hint="`coastwatch users list` shows them")
        return dict(row._mapping)


def _login_role(conn: Connection, name: str, role: str, password: str) -> str | None:
    """Create (or take over) the PostgreSQL login role of user ``name``; None when the
    store's owner may not create roles."""
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    db_role = f"{database}.{name}"[:63]
    quoted = _quoted(db_role)
    verifier = scram_verifier(password)
    savepoint = conn.begin_nested()
    try:
        exists = conn.execute(
            text("SELECT 1 FROM pg_roles WHERE rolname = :r"), {"r": db_role}
        ).scalar()
        if exists:  # left from an earlier user of that name: start it afresh
            conn.exec_driver_sql(f"ALTER ROLE {quoted} LOGIN PASSWORD '{verifier}'")
            for other in ROLES:
                conn.exec_driver_sql(f"REVOKE {group_role(other)} FROM {quoted}")
        else:
            conn.exec_driver_sql(f"CREATE ROLE {quoted} LOGIN PASSWORD '{verifier}'")
        conn.exec_driver_sql(f"GRANT {group_role(role)} TO {quoted}")
    except DBAPIError:
        savepoint.rollback()
        return None
    savepoint.commit()
    return db_role
