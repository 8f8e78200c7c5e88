"""``coastwatch users ...`` and ``--as`` through the real CLI on a real store: who may add,
change and list users, how passwords come in (and never go out), and what a refused login
leaves in the audit log."""

from __future__ import annotations

import json

from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.users import ADMIN, PASSWORD, add_user

NEW = "a-new-passphrase-for-bob"
AS_NEW = {"COASTWATCH_PASSWORD": NEW}
AS_KNOWN = {"COASTWATCH_PASSWORD": PASSWORD}


def _listed(coastwatch: Coastwatch) -> dict[str, dict[str, object]]:
    ran = coastwatch("users", "list", "--format", "json")
    assert ran.code == 0, ran.stderr
    return {user["name"]: user for user in json.loads(ran.stdout)}


def test_the_admin_adds_a_user_who_logs_in_with_the_password_given(
    store: Store, coastwatch: Coastwatch
) -> None:
    ran = coastwatch(
        "users", "add", "bob", "--role", "analyst", "--display-name", "Bob", env=AS_NEW
    )
    assert ran.code == 0, ran.stderr
    assert "user bob added as analyst" in ran.stderr and NEW not in ran.stdout + ran.stderr
    bob = _listed(coastwatch)["bob"]
    assert (bob["role"], bob["display_name"], bob["disabled"]) == ("analyst", "Bob", False)
    assert bob["db_role"] == f"{store.engine.url.database}.bob"
    assert store.login("bob", NEW, via="cli").role == "analyst"
    (added,) = store.audit_rows(action="user.add").to_dict("records")[:1]
    assert (added["actor"], added["subject"]) == (ADMIN, "bob")


def test_a_password_typed_at_the_prompt_is_asked_twice_and_must_match(
    store: Store, coastwatch: Coastwatch
) -> None:
    typed = coastwatch("users", "add", "carol", "--role", "monitor", input=f"{NEW}\n{NEW}\n")
    assert typed.code == 0, typed.stderr
    assert NEW not in typed.stdout + typed.stderr  # hidden, not echoed
    assert store.login("carol", NEW, via="cli").username == "carol"
    mistyped = coastwatch(
        "users", "add", "dave", "--role", "monitor", input=f"{NEW}\n{NEW}x\n{NEW}\n{NEW}\n"
    )
    assert mistyped.code == 0 and "do not match" in mistyped.stderr
    assert store.login("dave", NEW, via="cli").username == "dave"


def test_a_weak_password_a_bad_name_or_role_are_clear_errors(coastwatch: Coastwatch) -> None:
    weak = coastwatch("users", "add", "erin", "--role", "intel", env={"COASTWATCH_PASSWORD": "x"})
    assert weak.code == 2 and "error:" in weak.stderr
    bad_name = coastwatch("users", "add", "<b>Erin</b>", "--role", "intel", env=AS_NEW)
    assert bad_name.code == 2 and "not a user name" in bad_name.stderr
    bad_role = coastwatch("users", "add", "erin", "--role", "captain", env=AS_NEW)
    assert bad_role.code == 2 and "captain" in bad_role.stderr
    taken = coastwatch("users", "add", ADMIN, "--role", "intel", env=AS_NEW)
    assert taken.code == 2 and "already a user" in taken.stderr


def test_passwd_sets_a_new_password_and_clears_a_lock(store: Store, coastwatch: Coastwatch) -> None:
    add_user(store, "bob", "analyst")
    wrong = {"COASTWATCH_PASSWORD": "wrong!", "COASTWATCH_LOGIN_DELAY_S": "0"}
    for _ in range(5):  # locked after the fifth failure
        assert coastwatch("--as", "bob", "users", "list", env=wrong).code == 6
    assert _listed(coastwatch)["bob"]["locked_until"] is not None
    ran = coastwatch("users", "passwd", "bob", env=AS_NEW)
    assert ran.code == 0, ran.stderr
    assert _listed(coastwatch)["bob"]["locked_until"] is None
    assert store.login("bob", NEW, via="cli").username == "bob"
    assert store.audit_rows(action="user.passwd").iloc[0]["subject"] == "bob"


def test_anyone_may_change_their_own_password_but_only_an_admin_another_s(
    store: Store, coastwatch: Coastwatch
) -> None:
    add_user(store, "bob", "analyst")
    add_user(store, "carol", "intel")
    own = coastwatch("--as", "bob", "users", "passwd", env=AS_KNOWN, input=f"{NEW}\n{NEW}\n")
    assert own.code == 0, own.stderr
    assert store.login("bob", NEW, via="cli").username == "bob"
    other = coastwatch(
        "--as", "carol", "users", "passwd", "bob", env=AS_KNOWN, input=f"{NEW}\n{NEW}\n"
    )
    assert other.code == 6 and "carol" in other.stderr
    for refused in (("users", "list"), ("users", "add", "x1", "--role", "admin")):
        ran = coastwatch("--as", "bob", *refused, env=AS_KNOWN)
        assert ran.code == 6, (refused, ran.stderr)


def test_disable_enable_and_role_change(store: Store, coastwatch: Coastwatch) -> None:
    add_user(store, "bob", "analyst")
    assert coastwatch("users", "disable", "bob").code == 0
    assert _listed(coastwatch)["bob"]["disabled"] is True
    refused = coastwatch("--as", "bob", "users", "passwd", env=AS_KNOWN, input=f"{NEW}\n{NEW}\n")
    assert refused.code == 6 and "disabled" in refused.stderr
    assert coastwatch("users", "enable", "bob").code == 0
    assert coastwatch("users", "role", "bob", "intel").code == 0
    assert _listed(coastwatch)["bob"]["role"] == "intel"
    again = coastwatch("--as", "bob", "users", "passwd", env=AS_KNOWN, input=f"{NEW}\n{NEW}\n")
    assert again.code == 0, again.stderr
    changed = store.audit_rows(action="user.role").to_dict("records")[0]
    assert changed["detail"] == {"from": "analyst", "to": "intel"}
    assert coastwatch("users", "disable", ADMIN).code == 2  # not oneself
    missing = coastwatch("users", "role", "nobody", "intel")
    assert missing.code == 2 and "no user 'nobody'" in missing.stderr


def test_a_wrong_password_with_as_is_refused_and_audited(
    store: Store, coastwatch: Coastwatch
) -> None:
    add_user(store, "bob", "analyst")
    ran = coastwatch("--as", "bob", "users", "passwd", env={"COASTWATCH_PASSWORD": "not-his-own"})
    assert ran.code == 6 and "wrong user name or password" in ran.stderr
    failed = store.audit_rows(action="login.failed").to_dict("records")[0]
    assert (failed["actor"], failed["detail"]["via"]) == ("bob", "cli")
    assert failed["detail"]["reason"] == "wrong password"
    assert "not-his-own" not in json.dumps(store.audit_rows().to_dict("records"), default=str)


def test_an_os_user_who_is_not_a_coastwatch_user_is_refused_with_a_hint(
    store: Store, coastwatch: Coastwatch
) -> None:
    with store.engine.begin() as conn:  # a store whose only admin is someone else
        conn.exec_driver_sql(f"UPDATE users SET username = 'someone' WHERE username = '{ADMIN}'")
    ran = coastwatch("users", "list")
    assert ran.code == 6
    assert f"{ADMIN} is not a Coastwatch user" in ran.stderr and "--as NAME" in ran.stderr


def test_the_password_never_shows_in_config_or_verbose_output(
    store: Store, coastwatch: Coastwatch
) -> None:
    secret = "a-secret-no-log-may-hold"
    env = {"COASTWATCH_PASSWORD": secret}
    add_user(store, "bob", "admin", secret)
    for args in (
        ("config",),
        ("-v", "config"),
        ("-v", "--as", "bob", "users", "list"),
        ("-v", "users", "add", "carol", "--role", "intel"),
        ("-v", "--as", "bob", "users", "passwd", "carol"),
    ):
        ran = coastwatch(*args, env=env, input="another-passphrase\n" * 2)
        assert ran.code == 0, (args, ran.stderr)
        assert secret not in ran.stdout + ran.stderr, args
