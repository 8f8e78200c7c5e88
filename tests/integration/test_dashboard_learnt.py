"""The learnt maps on the dashboard (AppTest, real store): the coverage layer (off until
switched on), the learnt anchorages on the map, and the outages on the sources page."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from alerts.engine import Engine
from dashboard import auth, tooltip
from surveillance.settings import load_settings
from surveillance.store import Store
from surveillance.store.learnt import WHOLE_FEED
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, load_positions
from tests.builders.users import ADMIN, ROLE_USERS, add_user

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"


def _stopped(mmsi: int, start_h: float, hours: float, dlon: float) -> pd.DataFrame:
    """A vessel at anchor in the open sea (0.1 kn), reporting once a minute."""
    start = T0 + timedelta(hours=start_h)
    ts = pd.date_range(start, start + timedelta(hours=hours), freq="60s")
    return pd.DataFrame(
        {"mmsi": mmsi, "ts": ts, "lon": OPEN_SEA[0] + dlon, "lat": OPEN_SEA[1], "sog_knots": 0.1}
    )


@pytest.fixture
def app(store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    """Five vessels at anchor in one cell for two hours, ten hours of silence of the whole
    feed, then two more hours; ``detect`` over it all keeps the maps. A monitor logged in."""
    url = store.engine.url.render_as_string(hide_password=False)
    anchored = [_stopped(431000001 + k, h, 2, 0.009 * k) for k in range(5) for h in (-12, 0)]
    load_positions(store, pd.concat(anchored, ignore_index=True))
    Engine(load_settings(database_url=url), store).run(
        T0 - timedelta(hours=12), T0 + timedelta(hours=2)
    )
    monkeypatch.setenv("COASTWATCH_DATABASE_URL", url)
    add_user(store, ROLE_USERS["monitor"], "monitor")
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, ROLE_USERS["monitor"])
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


def _layers(at: AppTest) -> dict[str, dict[str, Any]]:
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return {layer["id"]: layer for layer in deck["layers"]}


def test_the_map_shows_anchorages_and_on_request_the_coverage(app: AppTest) -> None:
    app.run()
    assert not app.exception, [e.value for e in app.exception]
    layers = _layers(app)
    assert "coverage" not in layers  # off by default
    (anchorage,) = layers["anchorages"]["data"]
    assert anchorage["line1"] == "5 vessels stopped here"
    app.checkbox(key="layer_coverage").check().run()
    cells = _layers(app)["coverage"]["data"]
    assert cells and all(len(c["polygon"]) == 4 for c in cells)
    for cell in cells:
        texts = [cell[name] for name in tooltip.FIELDS]
        assert all(isinstance(t, str) and "<" not in t for t in texts)
    assert any("messages / hour" in c["line1"] for c in cells)


def test_the_sources_page_shows_the_outage_of_the_whole_feed(app: AppTest) -> None:
    auth.sign_in(app.session_state, ADMIN)  # the sources are the admin's
    app.run()
    app.switch_page("page_sources.py").run()
    assert not app.exception, [e.value for e in app.exception]
    (table,) = [t.value for t in app.dataframe if "ongoing" in t.value.columns]
    feed = table[table["station"] == WHOLE_FEED]
    assert pd.Timestamp(T0 - timedelta(hours=9)) in set(pd.to_datetime(feed["start"], utc=True))
    assert 9.0 in set(feed["hours"])  # from hour -9 (the last report at -10) until hour 0
