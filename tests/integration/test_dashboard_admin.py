"""The admin's pages through Streamlit's AppTest, on a real store: Users (the list; add,
role change, disable and enable, a new password: each audited as the admin's, refusals in
words) and Audit (filters, the table as text, the chain verified, a row changed by hand
named)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from sqlalchemy import text
from streamlit.testing.v1 import AppTest

from dashboard import auth
from surveillance.store import Store
from tests.builders.users import ADMIN, PASSWORD, ROLE_USERS, add_role_users

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
HOSTILE = "<img src=x onerror=alert(1)>"


@pytest.fixture
def admin(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """The app on a store with a user of each role, the admin logged in."""
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(False))
    add_role_users(store)
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, ADMIN)
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


def _open(at: AppTest, page: str) -> AppTest:
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _press(at: AppTest, label: str) -> AppTest:
    (button,) = [b for b in at.button if b.label == label]
    button.click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _password(at: AppTest, label: str) -> Any:
    (field,) = [t for t in at.text_input if t.label == label]
    return field


def _users(at: AppTest) -> dict[str, Any]:
    (table,) = [t.value for t in at.dataframe if "role" in t.value.columns]
    return table.set_index("user").to_dict("index")


def test_the_users_page_lists_and_adds_a_user(admin: AppTest, store: Store) -> None:
    _open(admin, "page_users.py")
    listed = _users(admin)
    assert listed[ROLE_USERS["intel"]]["role"] == "intel" and listed[ADMIN]["role"] == "admin"
    admin.text_input(key="user_add_name").input("ines")
    admin.text_input(key="user_add_display").input(HOSTILE)
    admin.selectbox(key="user_add_role").set_value("intel")
    _password(admin, "Password (at least 10 characters)").input("tide-tables-at-noon")
    _press(admin, "Add the user")
    assert [s.value for s in admin.success] == ["ines added as intel."]
    assert _users(admin)["ines"]["name"] == HOSTILE  # a table cell: text
    added = store.user("ines")
    assert added is not None and added.role == "intel" and added.display_name == HOSTILE
    assert store.login("ines", "tide-tables-at-noon", via="test").username == "ines"
    added_by = store.audit_rows(action="user.add", user=ADMIN)
    assert added_by["subject"].iloc[0] == "ines"  # the newest
    assert _password(admin, "Password (at least 10 characters)").value == ""  # forgotten


def test_a_bad_new_user_is_refused_in_words(admin: AppTest, store: Store) -> None:
    _open(admin, "page_users.py")
    admin.text_input(key="user_add_name").input("Robert'); DROP TABLE users;--")
    _password(admin, "Password (at least 10 characters)").input("tide-tables-at-noon")
    _press(admin, "Add the user")
    (said,) = [e.value for e in admin.error]
    assert said.startswith("not a user name:")
    admin.text_input(key="user_add_name").input("short")
    _password(admin, "Password (at least 10 characters)").input("short")
    _press(admin, "Add the user")
    assert "10" in admin.error[0].value and store.user("short") is None
    assert len(store.users()) == len(ROLE_USERS) + 1


def test_the_admin_changes_a_role_disables_enables_and_sets_a_password(
    admin: AppTest, store: Store
) -> None:
    analyst = ROLE_USERS["analyst"]
    _open(admin, "page_users.py")
    admin.selectbox(key="user_chosen").set_value(analyst).run()
    admin.selectbox(key=f"user_role_{analyst}").set_value("monitor")
    _press(admin, "Change the role")
    assert store.user(analyst).role == "monitor"  # type: ignore[union-attr]
    _press(admin, "Disable")
    assert store.user(analyst).disabled  # type: ignore[union-attr]
    assert [s.value for s in admin.success] == [f"{analyst} is disabled."]
    _press(admin, "Enable")
    assert not store.user(analyst).disabled  # type: ignore[union-attr]
    _password(admin, "New password").input("a-brand-new-passphrase")
    _press(admin, "Set the password")
    assert store.login(analyst, "a-brand-new-passphrase", via="test").username == analyst
    actions = store.audit_rows(user=ADMIN)["action"].tolist()
    assert actions[:4] == ["user.passwd", "user.enable", "user.disable", "user.role"]


def test_the_admin_may_not_disable_themself(admin: AppTest) -> None:
    _open(admin, "page_users.py")
    admin.selectbox(key="user_chosen").set_value(ADMIN).run()
    assert not [b for b in admin.button if b.label == "Disable"]
    assert "You cannot disable yourself." in [c.value for c in admin.caption]


def test_the_audit_page_filters_verifies_and_names_a_row_changed_by_hand(
    admin: AppTest, store: Store
) -> None:
    store.login(ROLE_USERS["monitor"], PASSWORD, via="test")
    store.audit(HOSTILE[:20], "login.failed", HOSTILE, {"via": "test", "typed": HOSTILE})
    _open(admin, "page_audit.py")
    (table,) = [t.value for t in admin.dataframe]
    assert {"login", "login.failed", "user.add"} <= set(table["action"])
    assert all(isinstance(detail, str) for detail in table["detail"])  # JSON as text
    admin.text_input(key="audit_user").input(ROLE_USERS["monitor"]).run()
    (table,) = [t.value for t in admin.dataframe]
    assert set(table["actor"]) == {ROLE_USERS["monitor"]}
    admin.text_input(key="audit_user").input("")
    admin.selectbox(key="audit_action").set_value("login.failed").run()
    (table,) = [t.value for t in admin.dataframe]
    assert table["subject"].tolist() == [HOSTILE]

    _press(admin, "Verify the chain")
    assert admin.success[0].value.startswith("The chain holds:")
    with store.engine.begin() as conn:  # a superuser at a psql prompt: triggers off
        conn.execute(text("SET LOCAL session_replication_role = replica"))
        bad = conn.execute(
            text("UPDATE audit_log SET actor = 'someone.else' WHERE action = 'login' RETURNING id")
        ).scalar_one()
    _press(admin, "Verify the chain")
    assert admin.error[0].value == (
        f"The chain breaks at row {bad}: its content does not match its hash."
    )
