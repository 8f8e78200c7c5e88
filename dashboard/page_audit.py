"""Audit (admin): the append-only log of logins, actions, exports and users changes, newest
first, filtered by user, action and time; and a check of its hash chain, which names the
first row edited or removed. Read under the admin's role; every cell is shown as text
(actors and subjects may be whatever someone typed into a login form)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, time, timedelta

import pandas as pd
import streamlit as st

from dashboard import state
from surveillance.store.audit import AUDIT_ACTIONS

_ANY = "(any)"
_LIMIT = 1000


def _as_text(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows with their detail as JSON text (a dict column is not a table cell)."""
    shown = rows.copy()
    shown["detail"] = [
        "" if detail is None else json.dumps(detail, sort_keys=True) for detail in shown["detail"]
    ]
    return shown


def render() -> None:
    current = state.view()
    st.header("Audit log")
    left, middle, right = st.columns(3)
    user = left.text_input("User", key="audit_user").strip()
    action = middle.selectbox("Action", [_ANY, *AUDIT_ACTIONS], key="audit_action")
    today = datetime.now(UTC).date()
    since_day = right.date_input("Since (UTC)", value=today - timedelta(days=7), key="audit_since")
    rows = current.store.audit_rows(
        user=user or None,
        action=None if action == _ANY else action,
        since=datetime.combine(since_day, time(), tzinfo=UTC),
        limit=_LIMIT,
    )
    st.caption(f"{len(rows):,} rows" + (f" (the newest {_LIMIT:,})" if len(rows) == _LIMIT else ""))
    st.dataframe(
        _as_text(rows),
        hide_index=True,
        width="stretch",
        column_config={
            "ts": st.column_config.DatetimeColumn("Time (UTC)", format="YYYY-MM-DD HH:mm:ss"),
            "hash": st.column_config.TextColumn("Hash", width="small"),
        },
    )

    st.subheader("The hash chain")
    st.caption(
        "Each row carries the hash of the one before: a row changed or removed by hand breaks "
        "the chain there."
    )
    if st.button("Verify the chain", key="audit_verify"):
        check = current.store.verify_audit()
        if check.ok:
            st.success(f"The chain holds: {check.rows:,} rows checked.")
            st.text(f"Head: {check.head}")
        else:
            st.error(f"The chain breaks at row {check.bad_id}: {check.reason}.")
            st.text(f"Rows checked up to it: {check.rows:,}; the last good hash: {check.head}")


if __name__ == "__main__":
    render()
