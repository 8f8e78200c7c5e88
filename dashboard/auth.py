"""Who is using the dashboard: the login form, the session and how it ends.

A session is three values in ``st.session_state``: the user's name, when they logged in and
when they last loaded a page. The user is read again from the store on every page load, so
a disabled user or a changed role takes effect on the next one. A session ends after
``session_idle_minutes`` without a page load or ``session_max_hours`` in any case (audited
as a ``logout`` with reason "expired"), or with the sidebar's Log out (reason "asked").
The password stays in ``st.session_state`` only until the form's callback takes it out,
before it is checked.

Tests that drive the app with Streamlit's AppTest start a session without the form:
``sign_in(at.session_state, name)``.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any, Protocol

import streamlit as st

from dashboard import stores
from surveillance.errors import LoginRefused
from surveillance.settings import Settings
from surveillance.store import LoginPolicy, UserRecord
from surveillance.times import people_utc

__all__ = ["current_user", "login_form", "logout_button", "session_user", "sign_in"]

_KEY_NAME, _KEY_SINCE, _KEY_SEEN = "auth_user", "auth_since", "auth_seen"
_KEY_USER = "auth_record"  # the user as read at the start of this page load
_KEY_SAID = "auth_said"  # why the last session ended, said above the form
_KEY_REFUSED = "auth_refused"  # the last login's refusal, said once
_KEY_FORM_NAME, _KEY_FORM_PASSWORD = "login_name", "login_password"  # emptied on submit
_VIA = "dashboard"


def policy(current: Settings) -> LoginPolicy:
    """How failed logins are slowed and locked (the ``login_*`` settings)."""
    return LoginPolicy(
        lock_after=current.login_lock_after,
        lock_minutes=current.login_lock_minutes,
        delay_s=current.login_delay_s,
    )


class _Session(Protocol):
    def __setitem__(self, key: str, value: Any) -> None: ...


def sign_in(session: _Session, name: str, now: datetime | None = None) -> None:
    """Start ``name``'s session in ``session`` (``st.session_state``, or an AppTest's): what a
    login through the form does once the store accepted the password."""
    now = now or datetime.now(UTC)
    session[_KEY_NAME] = name
    session[_KEY_SINCE] = now
    session[_KEY_SEEN] = now


def _end(reason: str, said: str) -> None:
    """End the session: audit it, forget everything the session held, say why."""
    state = st.session_state
    name = state.get(_KEY_NAME)
    if name is not None:
        stores.service_store(stores.settings()).logout(name, via=_VIA, reason=reason)
    for key in list(state.keys()):
        del state[key]
    state[_KEY_SAID] = said


def _expiry(current: Settings, now: datetime) -> str | None:
    """Why the session has run out (None: it has not)."""
    state = st.session_state
    if now - state[_KEY_SEEN] > timedelta(minutes=current.session_idle_minutes):
        return f"{current.session_idle_minutes:g} min without a page load"
    if now - state[_KEY_SINCE] > timedelta(hours=current.session_max_hours):
        return f"{current.session_max_hours:g} h since you logged in"
    return None


def current_user() -> UserRecord | None:
    """The logged-in user, read again from the store and their activity noted; None when
    nobody is logged in or the session has just ended (expired, user disabled or removed)."""
    state = st.session_state
    name = state.get(_KEY_NAME)
    if name is None:
        return None
    current = stores.settings()
    now = datetime.now(UTC)
    expired = _expiry(current, now)
    if expired is not None:
        _end("expired", f"Your session ended after {expired}: log in again.")
        return None
    user = stores.service_store(current).user(name)
    if user is None or user.disabled:
        _end("disabled", f"{name} may no longer log in: ask an admin.")
        return None
    state[_KEY_SEEN] = now
    state[_KEY_USER] = user
    return user


def session_user() -> UserRecord:
    """The user this page load started with, for pages and fragments (no store read);
    a fragment of a session that ran out reloads the app, which shows the form."""
    state = st.session_state
    user: UserRecord | None = state.get(_KEY_USER)
    if user is None:
        st.stop()
    if _expiry(stores.settings(), datetime.now(UTC)) is not None:
        st.rerun()
    return user


def _log_in() -> None:
    """The form's callback: the password is taken out of the session before the check,
    the user signed in or the refusal kept to be said above the form."""
    state = st.session_state
    name, password = str(state.get(_KEY_FORM_NAME, "")).strip(), state.get(_KEY_FORM_PASSWORD)
    state[_KEY_FORM_PASSWORD] = ""
    name = name.replace("\x00", "\N{REPLACEMENT CHARACTER}")  # no NUL in PostgreSQL text
    current = stores.settings()
    try:
        user = stores.service_store(current).login(
            name, str(password or ""), via=_VIA, policy=policy(current)
        )
    except LoginRefused as refused:
        state[_KEY_REFUSED] = refused
        return
    state.pop(_KEY_SAID, None)
    sign_in(state, user.username)


def _refusal(refused: LoginRefused) -> None:
    st.error(str(refused) + (f"\n\n{refused.hint}" if refused.hint else ""))
    if refused.retry_after > 0:
        until = datetime.now(UTC) + timedelta(seconds=refused.retry_after)
        st.caption(f"Logins for this user open again at {people_utc(until)} UTC.")


def login_form() -> None:
    """The login form, with why the last session ended or the last login was refused."""
    st.title("Coastwatch")
    said = st.session_state.get(_KEY_SAID)
    if said:
        st.info(said)
    refused = st.session_state.pop(_KEY_REFUSED, None)
    if refused is not None:
        _refusal(refused)
    with st.form("login"):
        st.subheader("Log in")
        st.text_input("User name", key=_KEY_FORM_NAME, autocomplete="username")
        st.text_input(
            "Password", key=_KEY_FORM_PASSWORD, type="password", autocomplete="current-password"
        )
        st.form_submit_button("Log in", type="primary", on_click=_log_in)


def _log_out() -> None:
    _end("asked", "You logged out.")


def logout_button(user: UserRecord) -> None:
    """Who is logged in, and the Log out button (in the sidebar)."""
    with st.sidebar:
        st.markdown(f"Logged in as `{user.username}` ({user.role.replace('_', ' ')})")
        st.button("Log out", key="auth_logout", on_click=_log_out)
