"""The running dashboard in Debian's headless chromium, each page load logged in through
the form as a user of the role it needs: the map draws and its tooltips read
as text, an alert opens and is acknowledged, a report downloads; a SAR scene's quicklook,
footprint and detections are drawn, a detection picked or clicked on the map shows its
chip, and so does a dark-vessel alert's page; a vessel clicked on the map joins the replay.
``coastwatch dashboard`` serves the app as a user starts it, and stops on Ctrl-C, SIGTERM
and SIGHUP.

Without chromium the browser tests skip locally and fail under CI (``scripts/test-deps.sh``
installs it). The browser runs with no sandbox (root) and without background networking:
the machine has no internet, and nothing may be fetched from it.
"""

from __future__ import annotations

import io
import json
import signal
import socket
import time
import urllib.request
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import shapely
from PIL import Image

from alerts.engine import Engine
from dashboard.cli import INTERRUPTED
from dashboard.layers import view_for_bbox
from surveillance.settings import load_settings
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.dashboard_server import (
    FLAGS,
    READY_S,
    chromium_or_skip,
    dashboard_on,
    end,
    login,
    serve,
)
from tests.builders.deck_map import hover, pixel_offset
from tests.builders.positions import drifting, load_positions
from tests.builders.stored_scenes import Ship, StoredScene, match, solid_png, stored_scene
from tests.builders.users import PASSWORD, ROLE_USERS, add_role_users

LOITERER = 431000001
STOP_S = 60.0
HOSTILE = "<img src=x onerror=alert(1)>"  # a name as AIS may carry it: text, never markup
STAR, STRANGER = 431000001, 431000009
OFFSET_DEG = 2.0  # between the vessels and the alert on the map of the whole area
MAGENTA = (255, 0, 255)  # the quicklook: nothing else on the map has that colour
SCENE_SOUTH_DEG = 3.5  # the scene lies this far south of the map's centre, offshore
DARK_ID = "dark-tip-0001"
MONITOR, INTEL, ANALYST = ROLE_USERS["monitor"], ROLE_USERS["intel"], ROLE_USERS["analyst"]


@pytest.fixture(scope="module")
def chromium() -> str:
    return chromium_or_skip()


def _url(store: Store) -> str:
    return store.engine.url.render_as_string(hide_password=False)


@pytest.fixture
def served(store: Store, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """The dashboard on a store holding a loitering vessel and its alert: (url, alert id)."""
    load_positions(store, drifting(LOITERER, T0, 6))
    Engine(load_settings(database_url=_url(store)), store).run(T0, T0 + timedelta(hours=7))
    (alert_id,) = store.alerts()["id"]
    add_role_users(store)
    with dashboard_on(_url(store), tmp_path) as base:
        yield base, alert_id


@pytest.fixture
def sea(store: Store, tmp_path: Path) -> Iterator[tuple[str, dict[str, tuple[float, float]]]]:
    """The dashboard on three things far apart on the map of the whole area: a vessel with
    a hostile name at the map's centre, SEA STAR east of it, SEA STAR's alert west of it.
    Yields the address and where each is (lon, lat)."""
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    at = {
        "stranger": centre,
        "star": (centre[0] + OFFSET_DEG, centre[1]),
        "alert": (centre[0] - OFFSET_DEG, centre[1]),
    }
    vessels = pd.DataFrame(
        {"mmsi": [STRANGER, STAR], "name": [HOSTILE, "SEA STAR"], "ship_type": [30, 80]}
    ).assign(ts=T0, flag="JP")
    store.write_identities(vessels)
    lon, lat = zip(at["stranger"], at["star"], strict=True)
    load_positions(store, vessels[["mmsi", "ts"]].assign(lon=lon, lat=lat, sog_knots=11.5))
    start = T0 - timedelta(hours=1)
    lon_lat = {"lon": at["alert"][0], "lat": at["alert"][1]}
    insert_alert(store, id="sts-tip-0001", mmsi=(STAR,), score=62, start=start, end=T0, **lon_lat)
    add_role_users(store)
    with dashboard_on(_url(store), tmp_path) as base:
        yield base, at


@pytest.fixture
def imaged(
    store: Store, tmp_path: Path
) -> Iterator[tuple[str, StoredScene, dict[str, tuple[float, float]]]]:
    """The dashboard on a SAR scene south of the map's centre (a magenta quicklook), with
    SEA STAR matched west of its middle and a dark ship east of it, a dark_vessel alert on
    that ship. Yields the address, the scene and where things are (lon, lat)."""
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    lon, lat = view.longitude, view.latitude - SCENE_SOUTH_DEG
    at = {"matched": (lon - 0.5, lat), "dark": (lon + 0.5, lat), "plain": (lon - 0.4, lat + 0.5)}
    scene = stored_scene(
        store,
        shapely.box(lon - 1.0, lat - 0.8, lon + 1.0, lat + 0.8),
        [Ship(*at["matched"], 180.0), Ship(*at["dark"], 45.0, 0.93)],
        quicklook=solid_png(MAGENTA),
    )
    matched, dark = scene.detection_ids
    store.write_identities(pd.DataFrame({"mmsi": [STAR], "name": ["SEA STAR"], "ts": [T0]}))
    load_positions(
        store,
        pd.DataFrame({"mmsi": [STAR], "ts": [T0], "lon": [at["matched"][0]], "lat": [lat]}),
    )
    match(store, matched, mmsi=STAR, distance_m=30.0, near=[{"mmsi": STAR, "distance_m": 30}])
    match(store, dark, dark=True, near=[{"mmsi": STAR, "distance_m": 90_000.0}])
    insert_alert(
        store,
        id=DARK_ID,
        type="dark_vessel",
        mmsi=(),
        score=74,
        start=T0,
        end=T0,
        lon=at["dark"][0],
        lat=at["dark"][1],
        evidence={"detection_id": dark, "scene_id": scene.id},
    )
    add_role_users(store)
    with dashboard_on(_url(store), tmp_path) as base:
        yield base, scene, at


def _canvas_colour(page: Any, offset: tuple[float, float], wanted: tuple[int, int, int]) -> None:
    """Wait until the map's pixel at ``offset`` from its centre is near ``wanted`` (the
    quicklook blends a little with the sea under it)."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for()
    deadline = time.monotonic() + READY_S
    while True:
        box = canvas.bounding_box()
        x = round(box["x"] + box["width"] / 2 + offset[0])
        y = round(box["y"] + box["height"] / 2 + offset[1])
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        seen = shot.getpixel((x, y))
        if all(abs(a - b) < 60 for a, b in zip(seen, wanted, strict=True)):
            return
        assert time.monotonic() < deadline, f"the map shows {seen} at {offset}, not {wanted}"
        page.wait_for_timeout(500)


def _click(page: Any, offset: tuple[float, float], expected: str) -> None:
    """Click the map at ``offset`` from its centre, once its tooltip there shows
    ``expected`` (so the data is drawn and picks the object), as a person aims and clicks."""
    hover(page, offset, expected)
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    box = canvas.bounding_box()
    page.mouse.click(
        box["x"] + box["width"] / 2 + offset[0], box["y"] + box["height"] / 2 + offset[1]
    )


def _pick(page: Any, label: str, option_text: str) -> None:
    """Choose the option holding ``option_text`` in the select box ``label``, as a person
    does: click the box (again, until its list opens), type, click the option."""
    box = page.locator("[data-testid='stSelectbox']").filter(has_text=label).locator("input")
    option = page.get_by_role("option", name=option_text)
    deadline = time.monotonic() + READY_S
    while not option.first.is_visible():
        assert time.monotonic() < deadline, f"no option {option_text!r} in {label!r}"
        box.click()
        box.fill(option_text)
        page.wait_for_timeout(500)
    option.first.click()


def _shown_image(page: Any, base: str, caption: str) -> bytes:
    """The bytes of the image the page shows above ``caption``, fetched as the browser
    does from its ``src``."""
    figure = page.locator("[data-testid='stImage']").filter(has_text=caption).first
    figure.wait_for()
    src = figure.locator("img").get_attribute("src")
    assert src is not None and src.endswith(".png"), src
    with urllib.request.urlopen(src if src.startswith("http") else base + src) as answer:
        return bytes(answer.read())


def test_the_app_works_in_a_real_browser(
    chromium: str, served: tuple[str, str], store: Store, tmp_path: Path
) -> None:
    from playwright.sync_api import sync_playwright

    base, alert_id = served
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, accept_downloads=True)
        page.set_default_timeout(60_000)
        # the map: Streamlit draws after load; deck.gl draws into a canvas
        page.goto(base)
        login(page, INTEL, PASSWORD)
        page.get_by_text("Operations map").first.wait_for()
        page.locator("canvas").first.wait_for()
        # an alert, opened by its link (a new session: the login again), acknowledged
        page.goto(f"{base}/alert?alert={alert_id}")
        login(page, INTEL, PASSWORD)
        page.get_by_text("loitering").first.wait_for()
        page.get_by_role("button", name="Acknowledge").click()
        deadline = time.monotonic() + 30
        while store.alert_events(alert_id).empty and time.monotonic() < deadline:
            time.sleep(0.5)
        events = store.alert_events(alert_id)
        assert events["action"].tolist() == ["ack"]
        assert events["to_status"].tolist() == ["acknowledged"]
        # a report, downloaded as a user would
        page.goto(f"{base}/reports")
        login(page, ANALYST, PASSWORD)
        with page.expect_download() as download:
            page.get_by_role("button", name="GeoJSON").click()
        saved = tmp_path / "report.geojson"
        download.value.save_as(saved)
        collection = json.loads(saved.read_text())
        assert collection["type"] == "FeatureCollection"
        assert [f["properties"]["id"] for f in collection["features"]] == [alert_id]
        browser.close()


def test_map_tooltips_show_names_as_text(
    chromium: str, sea: tuple[str, dict[str, tuple[float, float]]], store: Store
) -> None:
    from playwright.sync_api import sync_playwright

    base, at = sea
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})  # the whole map
        page.set_default_timeout(60_000)
        dialogs: list[str] = []
        page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
        page.goto(base)
        login(page, MONITOR, PASSWORD)
        page.get_by_text("Operations map").first.wait_for()

        star = hover(page, pixel_offset(at["star"], centre, view.zoom), "SEA STAR")
        assert f"MMSI {STAR}" in star and "in an alert" in star
        alert = hover(page, pixel_offset(at["alert"], centre, view.zoom), "sts_transfer")
        assert "score 62" in alert
        stranger = hover(page, (0.0, 0.0), f"MMSI {STRANGER}")
        assert HOSTILE in stranger  # shown as its characters
        assert page.locator(".deck-tooltip img").count() == 0  # no element made of it
        assert not dialogs
        for shown in (star, alert, stranger):
            assert "<b>" not in shown and "<br" not in shown and "{" not in shown
        browser.close()


def test_a_scene_its_quicklook_and_detections_are_drawn_and_a_pick_shows_the_chip(
    chromium: str,
    imaged: tuple[str, StoredScene, dict[str, tuple[float, float]]],
    store: Store,
) -> None:
    from playwright.sync_api import sync_playwright

    base, scene, at = imaged
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    where = {k: pixel_offset(v, centre, view.zoom) for k, v in at.items()}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})  # the whole map
        page.set_default_timeout(60_000)
        page.goto(base)
        login(page, INTEL, PASSWORD)
        page.get_by_text("Operations map").first.wait_for()

        _canvas_colour(page, where["plain"], MAGENTA)  # the quicklook, drawn from its data URL
        footprint = hover(page, where["plain"], f"Scene {scene.id}")
        assert "mode IW" in footprint and "S1A_IW_GRDH_1SDV_TEST" in footprint
        matched = hover(page, where["matched"], "SAR detection, AIS vessel")
        assert f"MMSI {STAR} · SEA STAR" in matched
        dark = hover(page, where["dark"], "Dark vessel (no AIS)")
        assert "0.93 confidence" in dark and "SEA STAR" in dark

        dark_id = scene.detection_ids[1]
        _pick(page, "Satellite detection", f"(#{dark_id})")
        chip = _shown_image(page, base, f"SAR chip of detection {dark_id}")
        assert chip == scene.chips[1]  # the stored PNG itself

        page.goto(f"{base}/alert?alert={DARK_ID}")
        login(page, INTEL, PASSWORD)
        page.get_by_text("dark vessel").first.wait_for()
        assert _shown_image(page, base, f"SAR chip of detection {dark_id}") == scene.chips[1]
        browser.close()


def test_a_click_on_a_detection_shows_its_chip(
    chromium: str,
    imaged: tuple[str, StoredScene, dict[str, tuple[float, float]]],
    store: Store,
) -> None:
    """The click reaches the server: the chip (the stored PNG) and its figures as text."""
    from playwright.sync_api import sync_playwright

    base, scene, at = imaged
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})  # the whole map
        page.set_default_timeout(60_000)
        page.goto(base)
        login(page, MONITOR, PASSWORD)
        page.get_by_text("Operations map").first.wait_for()

        dark_id = scene.detection_ids[1]
        _click(page, pixel_offset(at["dark"], centre, view.zoom), "Dark vessel (no AIS)")
        chip = _shown_image(page, base, f"SAR chip of detection {dark_id}")
        assert chip == scene.chips[1]  # the stored PNG itself
        caption = page.get_by_text(f"scene {scene.id} · at").first.inner_text()
        assert "confidence 0.93" in caption and "45 x" in caption
        assert f"at {at['dark'][1]:.4f}, {at['dark'][0]:.4f}" in caption
        browser.close()


def test_a_click_on_a_vessel_joins_the_replay_and_links_its_page(
    chromium: str, sea: tuple[str, dict[str, tuple[float, float]]], store: Store
) -> None:
    """What the map promises on a vessel: it joins "Replay the tracks of" and its vessel
    page is one link away."""
    from playwright.sync_api import sync_playwright

    base, at = sea
    view = view_for_bbox(load_settings(database_url=_url(store)).aoi_bbox_deg)
    centre = (view.longitude, view.latitude)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(60_000)
        page.goto(base)
        login(page, MONITOR, PASSWORD)
        page.get_by_text("Operations map").first.wait_for()

        _click(page, pixel_offset(at["star"], centre, view.zoom), "SEA STAR")
        link = page.get_by_role("link", name=f"Vessel page: SEA STAR ({STAR})")
        link.wait_for()
        replay = page.locator("[data-testid='stMultiSelect']").filter(has_text="Replay")
        assert f"SEA STAR ({STAR})" in replay.inner_text()
        link.click()
        page.wait_for_url(f"**/vessel?mmsi={STAR}")  # the link's text is on the map page too
        browser.close()


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_stop_signal_stops_the_server_and_frees_its_port(
    store: Store, tmp_path: Path, stop: signal.Signals
) -> None:
    server, base = serve(_url(store), tmp_path)
    port = int(base.rsplit(":", 1)[1])
    try:
        server.send_signal(stop)
        assert server.wait(timeout=STOP_S) == INTERRUPTED
        with pytest.raises(ConnectionRefusedError):  # nothing answers on the port
            socket.create_connection(("127.0.0.1", port), timeout=5).close()
        with socket.socket() as again:  # and a new server may listen on it
            again.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            again.bind(("127.0.0.1", port))
            again.listen()
    finally:
        end(server)
