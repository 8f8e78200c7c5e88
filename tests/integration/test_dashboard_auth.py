"""The dashboard's login and sessions through Streamlit's AppTest, on a real store: the
form before any page, a refusal in words, the password forgotten, a session that runs out
or whose user was disabled, a changed role on the next page load, the Log out button, a
page opened without the right refused in words; each end of a session audited."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import auth
from surveillance.store import Store
from tests.builders.markdown import as_read
from tests.builders.users import ADMIN, PASSWORD, ROLE_USERS, add_role_users

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
MONITOR = ROLE_USERS["monitor"]


@pytest.fixture
def app(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on a store with a user of each role; nobody logged in; failed logins not
    slowed (the store's own tests time the pause)."""
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(False))
    monkeypatch.setenv("COASTWATCH_LOGIN_DELAY_S", "0")
    add_role_users(store)
    yield AppTest.from_file(str(APP), default_timeout=60)
    st.cache_resource.clear()
    st.cache_data.clear()


def _field(at: AppTest, label: str) -> Any:
    (field,) = [t for t in at.text_input if t.label == label]
    return field


def _log_in(at: AppTest, name: str, password: str) -> AppTest:
    _field(at, "User name").input(name)
    _field(at, "Password").input(password)
    (button,) = [b for b in at.button if b.label == "Log in"]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _last(store: Store, user: str, action: str) -> dict[str, Any]:
    rows = store.audit_rows(user=user, action=action)
    assert not rows.empty, f"no {action} of {user}"
    return dict(rows.iloc[0])


def test_the_form_comes_before_any_page_and_a_wrong_password_is_said(
    app: AppTest, store: Store
) -> None:
    app.run()
    assert [t.value for t in app.title] == ["Coastwatch"]
    assert not app.get("deck_gl_json_chart") and not app.sidebar.button
    _log_in(app, MONITOR, "not-the-password")
    assert [e.value for e in app.error] == ["wrong user name or password"]
    assert _last(store, MONITOR, "login.failed")["detail"]["reason"] == "wrong password"
    assert not app.get("deck_gl_json_chart")


def test_a_login_opens_the_app_and_forgets_the_password(app: AppTest, store: Store) -> None:
    app.run()
    _log_in(app, MONITOR, PASSWORD)
    assert app.get("deck_gl_json_chart")  # the map
    assert any(m.value.startswith(f"Logged in as `{MONITOR}`") for m in app.sidebar.markdown)
    assert _last(store, MONITOR, "login")["detail"] == {"via": "dashboard"}
    kept = app.session_state.to_dict()
    assert kept["auth_user"] == MONITOR
    assert all(PASSWORD not in repr(value) for value in kept.values())


def test_a_lock_is_said_with_its_wait(
    app: AppTest, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COASTWATCH_LOGIN_LOCK_AFTER", "2")
    app.run()
    _log_in(app, MONITOR, "not-the-password")
    _log_in(app, MONITOR, "not-the-password-again")
    (said,) = [e.value for e in app.error]
    assert said == f"wrong user name or password; {MONITOR} is now locked for 15 min"
    assert any("open again at" in c.value for c in app.caption)
    _log_in(app, MONITOR, PASSWORD)  # the right one, while locked
    assert app.error[0].value.startswith(f"{MONITOR} is locked after repeated failed logins")
    assert not app.get("deck_gl_json_chart")


def test_an_idle_session_ends_with_an_audited_logout(app: AppTest, store: Store) -> None:
    long_ago = datetime.now(UTC) - timedelta(minutes=31)  # idle past the 30 min default
    auth.sign_in(app.session_state, MONITOR, long_ago)
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    assert "Your session ended after 30 min without a page load" in app.info[0].value
    assert [t.value for t in app.title] == ["Coastwatch"]
    assert _last(store, MONITOR, "logout")["detail"] == {"via": "dashboard", "reason": "expired"}
    assert "auth_user" not in app.session_state


def test_a_long_session_ends_even_when_busy(app: AppTest, store: Store) -> None:
    auth.sign_in(app.session_state, MONITOR, datetime.now(UTC) - timedelta(hours=13))
    app.session_state["auth_seen"] = datetime.now(UTC)  # busy a moment ago
    app.run()
    assert "12 h since you logged in" in app.info[0].value
    assert _last(store, MONITOR, "logout")["detail"]["reason"] == "expired"


def test_a_disabled_user_or_a_new_role_takes_effect_on_the_next_page_load(
    app: AppTest, store: Store
) -> None:
    analyst = ROLE_USERS["analyst"]
    auth.sign_in(app.session_state, analyst)
    app.run()
    app.switch_page("page_reports.py").run()
    assert [h.value for h in app.header] == ["Reports"]
    store.set_role(analyst, "drone_operator", by=ADMIN)
    app.run()
    assert not app.header and "may not make reports" in as_read(app.error[0].value)
    store.set_disabled(analyst, True, by=ADMIN)
    app.run()
    assert f"{analyst} may no longer log in" in app.info[0].value
    assert [t.value for t in app.title] == ["Coastwatch"]


def test_log_out_ends_the_session_and_forgets_what_it_held(app: AppTest, store: Store) -> None:
    auth.sign_in(app.session_state, MONITOR)
    app.run()
    app.session_state["alert_note_text"] = "half a note"
    app.sidebar.button(key="auth_logout").click().run()
    assert [i.value for i in app.info] == ["You logged out."]
    assert "alert_note_text" not in app.session_state and "auth_user" not in app.session_state
    assert _last(store, MONITOR, "logout")["detail"] == {"via": "dashboard", "reason": "asked"}


@pytest.mark.parametrize(
    ("role", "page", "said"),
    [
        ("monitor", "page_reports.py", "may not make reports and exports"),
        ("analyst", "page_missions.py", "may not see drone missions"),
        ("intel", "page_users.py", "may not manage users"),
        ("admin", "page_map.py", "may not see the map"),
    ],
)
def test_a_page_without_the_right_is_refused_in_words(
    app: AppTest, role: str, page: str, said: str
) -> None:
    auth.sign_in(app.session_state, {**ROLE_USERS, "admin": ADMIN}[role])
    app.run()
    app.switch_page(page).run()
    assert not app.exception, [e.value for e in app.exception]
    (refusal,) = [as_read(e.value) for e in app.error]
    assert said in refusal and "that needs the role" in refusal
    assert not app.header  # nothing of the page drawn


@pytest.mark.parametrize(
    "typed",
    ["<img src=x onerror=alert(1)>", "a\x00b", "x" * 5000, "monitor.test' OR '1'='1"],
    ids=["markup", "nul", "long", "quote"],
)
def test_a_hostile_user_name_is_a_refusal_not_a_crash(app: AppTest, typed: str) -> None:
    app.run()
    _log_in(app, typed, PASSWORD)
    assert [e.value for e in app.error] == ["wrong user name or password"]
    assert "auth_user" not in app.session_state
