"""Each role in the real browser (Debian's headless chromium, one browser, a context per
user): the pages in its navigation, one thing it may do and one it may not; a wrong
password told in words; Log out back to the form. The store's audit log shows what was
done, by whom.

Without chromium the test skips locally and fails under CI (``scripts/test-deps.sh``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.dashboard_server import (
    FLAGS,
    READY_S,
    chromium_or_skip,
    dashboard_on,
    login,
)
from tests.builders.positions import drifting, load_positions
from tests.builders.users import ADMIN, PASSWORD, ROLE_USERS, add_role_users

ALERT_ID = "loi-roles-0001"
PAGES = ("Operations map", "Alerts", "Alert", "Vessel", "Leads", "Missions", "Reports", "Sources")
ADMIN_PAGES = ("Users", "Audit")
#: What each role finds in its navigation (the rest is not there).
NAVIGATION = {
    "monitor": {"Operations map", "Alerts", "Alert", "Vessel", "Missions"},
    "intel": {"Operations map", "Alerts", "Alert", "Vessel", "Leads", "Missions"},
    "drone_operator": {"Operations map", "Alerts", "Alert", "Vessel", "Missions"},
    "analyst": {"Operations map", "Alerts", "Alert", "Vessel", "Reports"},
    "admin": {"Sources", "Users", "Audit"},
}


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[str]:
    """The dashboard on a store with a loitering alert, a vessel's positions, and a user
    of each role."""
    load_positions(store, drifting(431000001, T0 - timedelta(hours=1), 1))
    insert_alert(
        store,
        id=ALERT_ID,
        type="loitering",
        mmsi=(431000001,),
        score=40,
        start=T0 - timedelta(hours=1),
        end=T0,
    )
    add_role_users(store)
    with dashboard_on(store.engine.url.render_as_string(hide_password=False), tmp_path) as base:
        yield base


def _navigation(page: Any) -> set[str]:
    """The page titles in the sidebar's navigation."""
    nav = page.locator("[data-testid='stSidebarNav']")
    nav.wait_for()
    return {t for t in (*PAGES, *ADMIN_PAGES) if nav.get_by_text(t, exact=True).count()}


def _open_as(browser: Any, base: str, path: str, role: str) -> Any:
    """A fresh context (no session) at ``base + path``, logged in as the user of ``role``."""
    page = browser.new_context(viewport={"width": 1400, "height": 900}).new_page()
    page.set_default_timeout(60_000)
    page.goto(base + path)
    login(page, {**ROLE_USERS, "admin": ADMIN}[role], PASSWORD)
    return page


def _alert_page(browser: Any, base: str, role: str) -> Any:
    page = _open_as(browser, base, f"/alert?alert={ALERT_ID}", role)
    page.get_by_role("heading", name="loitering · score 40").wait_for()
    page.get_by_text("Why it scored").wait_for()  # the page drawn past its actions
    return page


def _buttons(page: Any, *labels: str) -> dict[str, int]:
    return {label: page.get_by_role("button", name=label, exact=True).count() for label in labels}


def _refused(page: Any, what: str) -> str:
    said = page.locator("[data-testid='stAlertContentError']").filter(has_text=what).first
    said.wait_for()
    return str(said.inner_text())


def _audited(store: Store, user: str, action: str) -> list[str]:
    """The subjects of ``user``'s ``action`` rows, once there are some (the click's run
    ends on the server after the browser saw the button pressed)."""
    deadline = time.monotonic() + READY_S
    while True:
        rows = store.audit_rows(user=user, action=action)
        if not rows.empty or time.monotonic() > deadline:
            return list(rows["subject"])
        time.sleep(0.5)


def test_each_role_sees_its_pages_does_what_it_may_and_not_what_it_may_not(
    chromium: str, served: str, store: Store
) -> None:
    from playwright.sync_api import sync_playwright

    base = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)

        # the monitor acknowledges the alert; it may not dismiss it
        monitor = _alert_page(browser, base, "monitor")
        assert _navigation(monitor) == NAVIGATION["monitor"]
        assert _buttons(monitor, "Acknowledge", "Dismiss", "Escalate") == {
            "Acknowledge": 1,
            "Dismiss": 0,
            "Escalate": 0,
        }
        monitor.get_by_role("button", name="Acknowledge").click()
        monitor.get_by_text("Ack recorded by monitor.test").wait_for()
        assert _audited(store, ROLE_USERS["monitor"], "alert.ack") == [ALERT_ID]
        assert store.alert(ALERT_ID)["status"] == "acknowledged"  # type: ignore[index]

        # the intelligence officer decides (dismiss); no reports
        intel = _alert_page(browser, base, "intel")
        assert _navigation(intel) == NAVIGATION["intel"]
        assert _buttons(intel, "Escalate", "Dismiss", "Add note", "Send a drone") == {
            "Escalate": 1,
            "Dismiss": 1,
            "Add note": 1,
            "Send a drone": 0,
        }

        # the drone operator sends a drone; it does not triage
        pilot = _alert_page(browser, base, "drone_operator")
        assert _navigation(pilot) == NAVIGATION["drone_operator"]
        assert _buttons(pilot, "Send a drone", "Acknowledge", "Dismiss") == {
            "Send a drone": 1,
            "Acknowledge": 0,
            "Dismiss": 0,
        }

        # the analyst has Reports but no Missions, and its address is refused in words
        analyst = _alert_page(browser, base, "analyst")
        assert _navigation(analyst) == NAVIGATION["analyst"]
        analyst.get_by_text("Your role (analyst) reads alerts").wait_for()
        assert _buttons(analyst, "Acknowledge", "Add note") == {"Acknowledge": 0, "Add note": 0}
        missions = _open_as(browser, base, "/missions", "analyst")
        said = _refused(missions, "may not see drone missions")
        assert said.startswith(f"{ROLE_USERS['analyst']} (analyst) may not see drone missions")
        assert missions.get_by_role("heading", name="Missions").count() == 0

        # the admin: users and the audit log, not the picture
        admin = _open_as(browser, base, "/audit", "admin")
        assert _navigation(admin) == NAVIGATION["admin"]
        admin.get_by_role("button", name="Verify the chain").click()
        admin.get_by_text("The chain holds").wait_for()
        refused = _open_as(browser, base, "/alerts", "admin")  # (the map is the bare address)
        assert "may not see the map" in _refused(refused, "may not see the map")
        assert refused.locator("[data-testid='stDeckGlJsonChart']").count() == 0
        browser.close()


def test_a_wrong_password_is_told_and_log_out_returns_to_the_form(
    chromium: str, served: str, store: Store
) -> None:
    from playwright.sync_api import expect, sync_playwright

    monitor = ROLE_USERS["monitor"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.set_default_timeout(60_000)
        page.goto(served)
        page.get_by_label("User name").fill(monitor)
        page.get_by_label("Password", exact=True).fill("not-the-password")
        page.get_by_role("button", name="Log in").click()
        assert "wrong user name or password" in _refused(page, "wrong user name")
        assert page.get_by_role("button", name="Log out").count() == 0
        # forgotten: the refusal can be drawn a moment before the emptied field, so wait for it
        expect(page.get_by_label("Password", exact=True)).to_have_value("", timeout=30_000)
        assert _audited(store, monitor, "login.failed") == [monitor]

        page.goto(served)  # a new session: the form without the refusal
        login(page, monitor, PASSWORD)
        page.get_by_role("button", name="Log out").click()
        page.get_by_text("You logged out.").wait_for()
        page.get_by_role("button", name="Log in").wait_for()
        assert page.locator("[data-testid='stDeckGlJsonChart']").count() == 0
        detail = store.audit_rows(user=monitor, action="logout")["detail"].tolist()
        assert detail == [{"via": "dashboard", "reason": "asked"}]
        browser.close()
