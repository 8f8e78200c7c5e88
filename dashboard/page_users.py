"""Users (admin): who may log in, with which role; add a user, change a role, disable or
enable, set a new password. The list is read under the admin's role; the changes go
through the service store's users admin, each audited with the admin as its actor.
Each change is a button's callback, which takes a typed password out of the session
before it is used."""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import streamlit as st

from dashboard import state, stores
from surveillance.access import ROLES
from surveillance.errors import CoastwatchError
from surveillance.store import Store, UserRecord

_FLASH = "users_flash"
_KEY_NAME, _KEY_DISPLAY, _KEY_ROLE = "user_add_name", "user_add_display", "user_add_role"
_KEY_NEW_PASSWORD, _KEY_PASSWORD = "user_add_password", "user_set_password"


def _taken(key: str) -> str:
    """The password typed under ``key``, taken out of the session."""
    password = str(st.session_state.get(key) or "")
    st.session_state[key] = ""
    return password


def _done(change: Callable[[Store], object], said: str) -> None:
    """Make ``change`` on the service store; say what happened, or the error, as text."""
    try:
        change(stores.service_store(stores.settings()))
    except CoastwatchError as error:
        hint = f" ({error.hint})" if error.hint else ""
        st.session_state[_FLASH] = ("error", f"{error}{hint}")
        return
    st.session_state[_FLASH] = ("success", said)


def _add(actor: str) -> None:
    s = st.session_state
    name, role, shown = str(s.get(_KEY_NAME, "")).strip(), str(s[_KEY_ROLE]), s.get(_KEY_DISPLAY)
    password = _taken(_KEY_NEW_PASSWORD)
    _done(
        lambda store: store.add_user(name, role, password, by=actor, display_name=shown or None),
        f"{name} added as {role}.",
    )


def _set_password(actor: str, name: str) -> None:
    password = _taken(_KEY_PASSWORD)
    _done(lambda s: s.set_password(name, password, by=actor), f"{name} has a new password.")


def _set_role(actor: str, name: str) -> None:
    role = str(st.session_state.get(f"user_role_{name}"))
    _done(lambda s: s.set_role(name, role, by=actor), f"{name} is now {role}.")


def _set_disabled(actor: str, name: str, disabled: bool) -> None:
    said = f"{name} is {'disabled' if disabled else 'enabled'}."
    _done(lambda s: s.set_disabled(name, disabled, by=actor), said)


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


def _add_form(actor: str) -> None:
    with st.form("user_add"):
        st.subheader("Add a user")
        left, middle, right = st.columns(3)
        left.text_input("User name", key=_KEY_NAME, help="a-z, 0-9, _ . - (not first)")
        middle.text_input("Full name (optional)", key=_KEY_DISPLAY)
        right.selectbox("Role", ROLES, key=_KEY_ROLE)
        st.text_input("Password (at least 10 characters)", type="password", key=_KEY_NEW_PASSWORD)
        st.form_submit_button("Add the user", on_click=_add, args=(actor,))


def _manage(actor: str, user: UserRecord) -> None:
    name = user.username
    left, right = st.columns(2)
    with left.form("user_role"):
        st.selectbox("Role", ROLES, index=ROLES.index(user.role), key=f"user_role_{name}")
        st.form_submit_button("Change the role", on_click=_set_role, args=(actor, name))
    with right.form("user_password"):
        st.text_input("New password", type="password", key=_KEY_PASSWORD)
        st.form_submit_button("Set the password", on_click=_set_password, args=(actor, name))
    if user.disabled:
        st.button("Enable", key="user_enable", on_click=_set_disabled, args=(actor, name, False))
    elif name == actor:
        st.caption("You cannot disable yourself.")
    else:
        st.button("Disable", key="user_disable", on_click=_set_disabled, args=(actor, name, True))


def render() -> None:
    current = state.view()
    st.header("Users")
    flash = st.session_state.pop(_FLASH, None)
    if flash:
        (st.error if flash[0] == "error" else st.success)(flash[1])
    users = current.store.users()
    _table(users)
    _add_form(current.actor)
    st.subheader("Change a user")
    names = [u.username for u in users]
    chosen = st.selectbox("User", names, key="user_chosen")
    if chosen is not None:
        _manage(current.actor, next(u for u in users if u.username == chosen))


if __name__ == "__main__":
    render()
