"""The Leads page in Debian's headless chromium: the intelligence officer logs in, opens a
hostile lead and reads its text as the characters it is (the page's ``<script>``, ``<img
onerror>`` and Markdown link make no element and run nothing: ``window.X`` stays
undefined), with only our marks around the entities, and on the map
its tooltip says the same; the monitor has no Leads page, and
its address is refused in words.

Screenshots go to ``SCREENSHOTS_DIR`` when it is set (to look at the page).
Without chromium the test skips locally and fails under CI (``scripts/test-deps.sh``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from dashboard.layers import view_for_bbox
from surveillance.settings import load_settings
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.dashboard_server import FLAGS, chromium_or_skip, dashboard_on, login
from tests.builders.deck_map import hover, pixel_offset
from tests.builders.hostile import ELEMENTS_MADE
from tests.builders.lead_texts import HOSTILE_TEXT, MARKUP, StoredLeads, store_leads
from tests.builders.positions import drifting, load_positions
from tests.builders.users import PASSWORD, ROLE_USERS, add_role_users

ALERT_ID = "sts-leads-browser-1"
#: What the page's markup would make if it ran as markup.
MADE = f"{ELEMENTS_MADE}, .cw-lead script, .cw-lead img, .cw-lead a"


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[tuple[str, StoredLeads]]:
    load_positions(store, drifting(431000001, T0 - timedelta(minutes=30), 1))
    leads = store_leads(store, T0 - timedelta(minutes=10), *_lead_at(store)[0])
    insert_alert(store, id=ALERT_ID, score=66, evidence={"leads": [leads.hostile]})
    add_role_users(store)
    with dashboard_on(store.engine.url.render_as_string(hide_password=False), tmp_path) as base:
        yield base, leads


def _lead_at(store: Store) -> tuple[tuple[float, float], Any]:
    """Where the hostile lead speaks of (south-east of the map's centre, clear of the
    vessel and the alert), and the map's opening view."""
    url = store.engine.url.render_as_string(hide_password=False)
    view = view_for_bbox(load_settings(database_url=url).aoi_bbox_deg)
    return (view.longitude + 1.5, view.latitude - 1.0), view


def _shot(page: Any, name: str) -> None:
    where = os.environ.get("SCREENSHOTS_DIR")
    if where:
        Path(where).mkdir(parents=True, exist_ok=True)
        page.wait_for_timeout(1000)  # the tables drawn
        page.screenshot(path=str(Path(where) / f"{name}.png"))


def _open_as(browser: Any, base: str, path: str, role: str) -> Any:
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(60_000)
    page.goto(base + path)
    login(page, ROLE_USERS[role], PASSWORD)
    return page


def test_intel_reads_a_hostile_lead_as_text_and_the_monitor_has_no_leads(
    chromium: str, served: tuple[str, StoredLeads], store: Store
) -> None:
    from playwright.sync_api import sync_playwright

    base, leads = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        intel = _open_as(browser, base, f"/leads?lead={leads.hostile}", "intel")
        shown = intel.locator(".cw-lead-text")
        shown.wait_for()
        assert shown.inner_text() == HOSTILE_TEXT  # every character, as written
        marks = shown.locator("mark")
        assert marks.all_inner_texts() == [
            "SEA STAR",
            "431000001",
            "33°30'N 133°40'E",
            "tomorrow night",
        ]
        assert shown.locator("*").count() == marks.count()  # no element but our marks
        assert intel.locator(MADE).count() == 0
        assert intel.evaluate("typeof window.X") == "undefined"
        nav = intel.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_text("Leads", exact=True).count() == 1
        _shot(intel, "leads-intel-top")
        intel.get_by_text("Where it was read").scroll_into_view_if_needed()
        _shot(intel, "leads-intel")

        lead_at, view = _lead_at(store)
        on_map = _open_as(browser, base, "/", "intel")  # the map: the bare address
        offset = pixel_offset(lead_at, (view.longitude, view.latitude), view.zoom)
        tip = hover(on_map, offset, f"web lead #{leads.hostile}")
        assert tip.splitlines()[0] == MARKUP[0]  # the lead's first line, as characters
        assert on_map.locator(".deck-tooltip *").count() == 5  # the template's divs alone
        assert on_map.evaluate("typeof window.X") == "undefined"
        _shot(on_map, "leads-map-intel")

        alert = _open_as(browser, base, f"/alert?alert={ALERT_ID}", "intel")
        alert.get_by_text("Web leads").wait_for()
        alert.get_by_text("Web leads").scroll_into_view_if_needed()
        _shot(alert, "alert-leads-intel")

        monitor = _open_as(browser, base, f"/leads?lead={leads.hostile}", "monitor")
        refused = monitor.locator("[data-testid='stAlertContentError']").first
        refused.wait_for()
        assert "may not read leads" in refused.inner_text()
        assert monitor.locator(".cw-lead-text").count() == 0
        nav = monitor.locator("[data-testid='stSidebarNav']")
        assert nav.get_by_text("Alerts", exact=True).count() == 1
        assert nav.get_by_text("Leads", exact=True).count() == 0
        _shot(monitor, "leads-monitor")
        browser.close()
