"""The ``watchlist`` family: the flags, vessels and names analysts watch, values normalised
(:func:`surveillance.watchlist.normalise`) so that one entry matches however it is written."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import Engine, text

from surveillance.store.audit import record
from surveillance.store.inputs import actor_name, require_columns, text_or_none
from surveillance.watchlist import normalise

__all__ = ["WatchlistTables"]


class WatchlistTables:
    """Reading and editing the watchlist."""

    engine: Engine

    def watchlist(self) -> pd.DataFrame:
        """The watchlist (``kind, value, note, added_by, added_at``) by kind and value."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text(
                    "SELECT kind, value, note, added_by, added_at FROM watchlist "
                    "ORDER BY kind, value"
                ),
                conn,
            )

    def add_watchlist(self, entries: pd.DataFrame, actor: str) -> int:
        """Put ``kind, value`` (and an optional ``note``) on the watchlist, values normalised.
        An entry already there stays, taking the new note if one is given. Returns the
        entries added or changed."""
        require_columns(entries, ("kind", "value"), "watchlist")
        by = actor_name(actor)
        notes = entries["note"] if "note" in entries.columns else pd.Series(None, entries.index)
        latest: dict[tuple[str, str], str | None] = {}  # the last of duplicate entries wins
        for kind, value, note in zip(entries["kind"], entries["value"], notes, strict=True):
            key = str(kind).strip().lower()
            latest[key, normalise(key, value)] = text_or_none(note)
        if not latest:
            return 0
        with self.engine.begin() as conn:
            changed: int = conn.execute(
                text(
                    "INSERT INTO watchlist (kind, value, note, added_by) SELECT k, v, n, :by "
                    "FROM unnest(CAST(:k AS text[]), CAST(:v AS text[]), CAST(:n AS text[])) "
                    "AS e(k, v, n) ON CONFLICT (kind, value) DO UPDATE SET note = EXCLUDED.note "
                    "WHERE EXCLUDED.note IS NOT NULL AND watchlist.note IS DISTINCT FROM "
                    "EXCLUDED.note"
                ),
                {
                    "by": by,
                    "k": [kind for kind, _ in latest],
                    "v": [value for _, value in latest],
                    "n": list(latest.values()),
                },
            ).rowcount
            if changed:
                shown = [f"{kind}:{value}" for kind, value in latest][:100]
                record(conn, by, "watchlist.add", None, {"changed": changed, "entries": shown})
        return changed

    def remove_watchlist(self, kind: str, value: str, actor: str) -> bool:
        """Take an entry off the watchlist; False when it was not on it."""
        kind = kind.strip().lower()
        value = normalise(kind, value)
        with self.engine.begin() as conn:
            removed = conn.execute(
                text("DELETE FROM watchlist WHERE kind = :k AND value = :v"),
                {"k": kind, "v": value},
            ).rowcount
            if removed:
                record(conn, actor_name(actor), "watchlist.remove", f"{kind}:{value}")
        return removed > 0
