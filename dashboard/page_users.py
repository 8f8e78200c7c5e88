"""Users (admin): who may log in, with which role; add a user, change a role, disable or
enable, set a new password. The list is read under the admin's role; the changes go
through the service store's users admin, each audited with the admin as its actor.
Passwords are typed into forms that forget them on submit."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state, stores
from surveillance.access import ROLES
from surveillance.errors import CoastwatchError
from surveillance.store import Store, UserRecord

_FLASH = "users_flash"


def _done(change: Callable[[Store], object], said: str) -> None:
    """Make ``change`` on the service store; say what happened, or the error, as text."""
    try:
        change(stores.service_store(stores.settings()))
    except CoastwatchError as error:
        hint = f" ({error.hint})" if error.hint else ""
        st.session_state[_FLASH] = ("error", f"{error}{hint}")
        return
    st.session_state[_FLASH] = ("success", said)


def _table(users: list[UserRecord]) -> None:
    frame = pd.DataFrame(
        [
            {
                "user": u.username,
                "name": u.display_name or "",
                "role": u.role,
                "disabled": u.disabled,
                "last_login": u.last_login_at,
                "failed_logins": u.failed_logins,
                "locked_until": u.locked_until,
                "db_role": u.db_role or "",
            }
            for u in users
        ]
    )
    st.dataframe(
        frame,
        hide_index=True,
        width="stretch",
        column_config={
            "last_login": st.column_config.DatetimeColumn("Last login (UTC)"),
            "locked_until": st.column_config.DatetimeColumn("Locked until (UTC)"),
        },
    )


def _add(actor: str) -> None:
    with st.form("user_add", clear_on_submit=True):
        st.subheader("Add a user")
        left, middle, right = st.columns(3)
        name = left.text_input("User name", help="lower-case letters, digits, _ . -")
        shown = middle.text_input("Full name (optional)")
        role = right.selectbox("Role", ROLES)
        password = st.text_input("Password (at least 10 characters)", type="password")
        sent = st.form_submit_button("Add the user")
    if sent:
        typed = name.strip()
        _done(
            lambda s: s.add_user(typed, role, password, by=actor, display_name=shown or None),
            f"{typed} added as {role}.",
        )
        st.rerun()


def _manage(actor: str, user: UserRecord) -> None:
    name = user.username
    left, right = st.columns(2)
    with left.form("user_role"):
        role = st.selectbox("Role", ROLES, index=ROLES.index(user.role))
        if st.form_submit_button("Change the role"):
            _done(lambda s: s.set_role(name, role, by=actor), f"{name} is now {role}.")
            st.rerun()
    with right.form("user_password", clear_on_submit=True):
        password = st.text_input("New password", type="password")
        if st.form_submit_button("Set the password"):
            _done(lambda s: s.set_password(name, password, by=actor), f"{name} has a new password.")
            st.rerun()
    if user.disabled:
        if st.button("Enable", key="user_enable"):
            _done(lambda s: s.set_disabled(name, False, by=actor), f"{name} is enabled.")
            st.rerun()
    elif name == actor:
        st.caption("You cannot disable yourself.")
    elif st.button("Disable", key="user_disable"):
        _done(lambda s: s.set_disabled(name, True, by=actor), f"{name} is disabled.")
        st.rerun()


def render() -> None:
    current = state.view()
    st.header("Users")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    users = current.store.users()
    _table(users)
    _add(current.actor)
    st.subheader("Change a user")
    names = [u.username for u in users]
    chosen = st.selectbox("User", names, key="user_chosen")
    if chosen is not None:
        _manage(current.actor, next(u for u in users if u.username == chosen))


if __name__ == "__main__":
    render()
