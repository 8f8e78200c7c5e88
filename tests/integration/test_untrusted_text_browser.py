"""Untrusted text stays text on every page, in Debian's headless chromium: vessels whose
AIS names, call signs and destinations are markup come in through the real ingester, an
alert on them carries notes and a drone sighting written the same way, and each page (the
map's tooltips on hover too) shows the characters, makes no element of them and runs none
of their script (``window.X`` stays undefined).

Without chromium the test skips locally and fails under CI (``scripts/test-deps.sh``).
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

from ais_ingest.pipeline import ingest_files
from dashboard.layers import view_for_bbox
from surveillance.settings import load_settings
from surveillance.store import SightingRecord, Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0, T0_S
from tests.builders.dashboard_server import (
    FLAGS,
    READY_S,
    chromium_or_skip,
    dashboard_on,
    login,
)
from tests.builders.deck_map import hover, pixel_offset
from tests.builders.hostile import CALL_SIGN, DESTINATION, ELEMENTS_MADE, NAMES, NOTES
from tests.builders.nmea import position, static, tagged
from tests.builders.users import ADMIN, PASSWORD, ROLE_USERS, add_user

FIRST_MMSI = 431000021
ALERT_ID = "sts-hostile-0001"
INTEL = "intel.hostile"  # may read and note alerts, and open the map and vessels
#: The vessels in a row north of the map's centre, this far apart; the alert south of it.
SPACING_DEG, ROW_DEG = 1.5, 1.0


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


def _places(store: Store) -> tuple[dict[int, tuple[float, float]], tuple[float, float]]:
    """Where each hostile vessel is (lon, lat) by MMSI, and where the alert is."""
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    west = view.longitude - SPACING_DEG * (len(NAMES) - 1) / 2
    vessels = {
        FIRST_MMSI + i: (west + SPACING_DEG * i, view.latitude + ROW_DEG) for i in range(len(NAMES))
    }
    return vessels, (view.longitude, view.latitude - ROW_DEG)


@pytest.fixture
def hostile(store: Store, tmp_path: Path) -> Iterator[tuple[str, int]]:
    """The dashboard on the hostile vessels (ingested from type 5 and position messages),
    an alert on two of them with an analyst's note, and a drone sighting that answers it.
    Yields the address and the sighting's id."""
    vessels, alert_at = _places(store)
    lines = []
    for (mmsi, (lon, lat)), name in zip(vessels.items(), NAMES, strict=True):
        sentences = static(mmsi=mmsi, name=name, callsign=CALL_SIGN, destination=DESTINATION)
        lines += [tagged(s, T0_S - 60) for s in sentences]
        lines.append(tagged(position(mmsi=mmsi, lon=lon, lat=lat), T0_S))
    feed = tmp_path / "hostile.nmea"
    feed.write_text("\n".join(lines) + "\n")
    stats = ingest_files([feed], store, now_s=T0_S + 3600)
    assert stats.positions == len(NAMES)
    insert_alert(
        store,
        id=ALERT_ID,
        mmsi=tuple(vessels)[:2],
        score=70,
        start=T0 - timedelta(hours=1),
        end=T0,
        lon=alert_at[0],
        lat=alert_at[1],
    )
    add_user(store, INTEL, "intel")
    add_user(store, ROLE_USERS["analyst"], "analyst")  # the Reports page
    store.act_on_alert(ALERT_ID, "note", INTEL, NOTES[1])
    sighting = SightingRecord(
        lon=alert_at[0] + 2 * SPACING_DEG,  # apart from the alert, whose tooltip is hovered
        lat=alert_at[1],
        ts=T0,
        key="sighting-hostile-1",
        note=NOTES[0],
        alert_id=ALERT_ID,
        reported_by=INTEL,
    )
    sighting_id, _ = store.store_sighting(sighting)
    with dashboard_on(_url(store), tmp_path) as base:
        yield base, sighting_id


def _visit(page: Any, address: str, name: str) -> None:
    """Open ``address`` as ``name``: each load is a new session, which logs in first."""
    page.goto(address)
    login(page, name, PASSWORD)


def _ran_nothing(page: Any, dialogs: list[str], where: str) -> None:
    """The page made no element of the hostile text and ran none of its script."""
    assert page.locator(ELEMENTS_MADE).count() == 0, where
    assert page.locator(".katex").count() == 0, f"{where}: a name was typeset as mathematics"
    assert page.evaluate("typeof window.X") == "undefined", where
    assert not dialogs, where


def _shows(page: Any, text: str) -> None:
    """Wait until the page shows ``text``, character for character."""
    page.get_by_text(text, exact=False).first.wait_for(state="visible")


def _in_table(page: Any, text: str) -> None:
    """Wait until a table's cell holds ``text`` (tables draw on a canvas, and keep
    their cells' text in a hidden grid for screen readers)."""
    page.locator("[role='gridcell']").filter(has_text=text).first.wait_for(state="attached")


def _settled(page: Any) -> None:
    """Wait until Streamlit has finished drawing the page (its running indicator gone)."""
    deadline = time.monotonic() + READY_S
    page.wait_for_timeout(500)
    while page.locator("[data-testid='stStatusWidget']").count():
        assert time.monotonic() < deadline, "the page kept running"
        page.wait_for_timeout(300)


def test_every_page_shows_hostile_text_as_text(
    chromium: str, hostile: tuple[str, int], store: Store
) -> None:
    from playwright.sync_api import sync_playwright

    base, sighting_id = hostile
    vessels, alert_at = _places(store)
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})  # the whole map
        page.set_default_timeout(60_000)
        dialogs: list[str] = []  # an alert() run by markup would open one
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

        # the map: each vessel's tooltip holds its name as text, the alert's its type
        _visit(page, base, INTEL)
        _shows(page, "Operations map")
        for (mmsi, lon_lat), name in zip(vessels.items(), NAMES, strict=True):
            tip = hover(page, pixel_offset(lon_lat, centre, view.zoom), f"MMSI {mmsi}")
            assert tip.splitlines()[0] == name
            assert page.locator(".deck-tooltip *").count() == 5  # the template's divs alone
            _ran_nothing(page, dialogs, f"the tooltip of {name}")
        hover(page, pixel_offset(alert_at, centre, view.zoom), "sts_transfer")
        _ran_nothing(page, dialogs, "the map")

        # each vessel's page: the name in its header, call sign and destination as typed
        for mmsi, name in zip(vessels, NAMES, strict=True):
            _visit(page, f"{base}/vessel?mmsi={mmsi}", INTEL)
            header = page.locator("h2").filter(has_text=f"MMSI {mmsi:09d}")
            header.wait_for()
            assert header.inner_text().startswith(f"{name} · MMSI")
            _shows(page, f"Destination {DESTINATION} · draught")
            metric = page.locator("[data-testid='stMetric']").filter(has_text="Call sign")
            assert metric.inner_text().splitlines()[-1] == CALL_SIGN
            _settled(page)
            _ran_nothing(page, dialogs, f"the page of {name}")

        # the alert: the sighting's note as text; a note typed in the page is stored as typed
        _visit(page, f"{base}/alert?alert={ALERT_ID}", INTEL)
        _shows(page, f"Sighting {sighting_id}: {NOTES[0]}")
        page.locator("input[aria-label='Note']").fill(NOTES[2])  # not the sighting's
        page.get_by_role("button", name="Add note").click()
        _shows(page, "Note added by")
        notes = store.alert_events(ALERT_ID)["note"].tolist()  # the sighting's is one too
        assert notes[0] == NOTES[1] and notes[-1] == NOTES[2]
        for note in NOTES[1:]:
            _in_table(page, note)  # the history
        _settled(page)
        _ran_nothing(page, dialogs, "the alert's page")

        # what a user types into the address comes back as text
        _visit(page, f"{base}/vessel?mmsi={quote(NAMES[3])}", INTEL)  # the box holds 9
        _shows(page, f"Not an MMSI: '{NAMES[3]}'")
        _ran_nothing(page, dialogs, "a hostile MMSI")
        _visit(page, f"{base}/alert?alert={quote(NAMES[1])}", INTEL)
        _shows(page, f"No alert '{NAMES[1]}'")
        _ran_nothing(page, dialogs, "a hostile alert id")

        # the pages that list them, each as a user who may open it
        pages = (
            (INTEL, "alerts", "Alerts", True),
            (ROLE_USERS["analyst"], "reports", "Reports", True),
            (ADMIN, "sources", "Sources", False),
            (ADMIN, "audit", "Audit log", False),
        )
        for user, path, title, lists_vessels in pages:
            _visit(page, f"{base}/{path}", user)
            page.get_by_role("heading", name=title).first.wait_for()
            for name in NAMES[:2] if lists_vessels else ():
                _in_table(page, name)  # the alert's vessels
            _settled(page)
            _ran_nothing(page, dialogs, f"the {title} page")
        browser.close()


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()
