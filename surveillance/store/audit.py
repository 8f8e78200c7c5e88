"""The audit log: append a row (in the caller's transaction when it has one), read it, and
verify its hash chain.

The database fills each row's id, time, database user and hashes (migration 0011), so a
writer says only who acted, what it did, to what, and the detail. :meth:`AuditTables.verify_audit`
recomputes every hash in the database with the same function the trigger used: a row edited
by hand no longer matches its hash, and a removed row breaks the next row's link.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, text

__all__ = ["AUDIT_ACTIONS", "AuditCheck", "AuditTables", "record"]

#: What the log records, as ``action``.
AUDIT_ACTIONS = (
    "login",
    "login.failed",
    "login.locked",
    "logout",
    "alert.ack",
    "alert.escalate",
    "alert.dismiss",
    "alert.close",
    "alert.note",
    "export",
    "user.add",
    "user.passwd",
    "user.role",
    "user.disable",
    "user.enable",
    "watchlist.add",
    "watchlist.remove",
    "mission.upload",
    "sighting",
    "settings.change",
)

_INSERT = text(
    "INSERT INTO audit_log (actor, action, subject, detail) "
    "VALUES (:actor, :action, :subject, CAST(:detail AS jsonb))"
)


def record(
    conn: Connection,
    actor: str,
    action: str,
    subject: str | None = None,
    detail: dict[str, Any] | None = None,
) -> None:
    """Append one row in ``conn``'s transaction (so it commits or rolls back with the act)."""
    if action not in AUDIT_ACTIONS:
        raise ValueError(f"not an audit action: {action!r}")
    conn.execute(
        _INSERT,
        {
            "actor": actor,
            "action": action,
            "subject": subject,
            "detail": None if detail is None else json.dumps(detail, default=str),
        },
    )


@dataclass(frozen=True)
class AuditCheck:
    """What ``audit verify`` found: how many rows it checked, and the first bad one."""

    rows: int
    head: str | None  # the last row's hash: write it down to detect a rewritten chain
    bad_id: int | None = None
    reason: str | None = None

    @property
    def ok(self) -> bool:
        return self.bad_id is None


class AuditTables:
    engine: Engine

    def audit(
        self,
        actor: str,
        action: str,
        subject: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Append one row to the audit log, in a transaction of its own."""
        with self.engine.begin() as conn:
            record(conn, actor, action, subject, detail)

    def audit_rows(
        self,
        *,
        user: str | None = None,
        since: datetime | None = None,
        action: str | None = None,
        limit: int = 1000,
    ) -> pd.DataFrame:
        """The log's rows, newest first: id, ts, actor, db_user, action, subject, detail."""
        where, bind = ["true"], {"limit": int(limit)}
        if user is not None:
            where.append("actor = :user")
            bind["user"] = user  # type: ignore[assignment]
        if since is not None:
            where.append("ts >= :since")
            bind["since"] = since  # type: ignore[assignment]
        if action is not None:
            where.append("action = :action")
            bind["action"] = action  # type: ignore[assignment]
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT id, ts, actor, db_user, action, subject, detail, hash FROM audit_log "
                    f"WHERE {' AND '.join(where)} ORDER BY id DESC LIMIT :limit"
                ),
                conn,
                params=bind,
            )

    def verify_audit(self) -> AuditCheck:
        """Walk the chain in id order: each row's link to the one before and its own hash."""
        query = text(
            "SELECT id, prev_hash, hash, audit_row_hash(prev_hash, id, ts, actor, db_user, "
            "action, subject, detail) AS expected FROM audit_log ORDER BY id"
        )
        rows, before = 0, None
        with self.engine.connect() as conn:
            for row in conn.execution_options(stream_results=True, yield_per=5000).execute(query):
                rows += 1
                if row.prev_hash != before:
                    reason = (
                        "its link to the row before does not match: a row before it was "
                        "removed or changed"
                        if rows > 1
                        else "it links to a row that is not there: the rows before it were removed"
                    )
                    return AuditCheck(rows, before, row.id, reason)
                if row.hash != row.expected:
                    return AuditCheck(rows, before, row.id, "its content does not match its hash")
                before = row.hash
        return AuditCheck(rows, before)

    def audit_row_of_hash(self, row_hash: str) -> int | None:
        """The id of the row whose hash is ``row_hash`` (a head noted earlier), or None:
        a chain rewritten whole since that head was noted no longer holds it."""
        with self.engine.connect() as conn:
            found = conn.execute(
                text("SELECT id FROM audit_log WHERE hash = :h ORDER BY id LIMIT 1"),
                {"h": row_hash},
            ).scalar()
        return None if found is None else int(found)
