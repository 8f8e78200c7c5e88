"""The Leads page, the leads of an alert and the leads on the map, through Streamlit's
AppTest on a real store: intel reads them; the other roles are refused in words or told
that leads are for intelligence officers; a hostile page's text stays text."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from dashboard import auth, tooltip
from surveillance.store import Store
from tests.builders.alerts import insert_alert
from tests.builders.clock import T0
from tests.builders.lead_texts import MARKUP, StoredLeads, store_leads
from tests.builders.markdown import as_read
from tests.builders.positions import OPEN_SEA, drifting, load_positions
from tests.builders.users import ROLE_USERS, add_role_users

APP = Path(__file__).resolve().parents[2] / "dashboard" / "app.py"
TANKER = 431000001
ALERT_ID = "sts-leads-0001"


@pytest.fixture
def leads(store: Store) -> StoredLeads:
    """The tanker SEA STAR drifting for an hour, the two leads, an alert citing the
    hostile one."""
    load_positions(store, drifting(TANKER, T0 - timedelta(minutes=30), 1))
    store.write_identities(
        pd.DataFrame({"mmsi": [TANKER], "ts": [T0], "name": ["SEA STAR"], "flag": ["JP"]})
    )
    stored = store_leads(store, T0 - timedelta(minutes=10), *OPEN_SEA)
    insert_alert(
        store,
        id=ALERT_ID,
        mmsi=(TANKER, 431000002),
        score=66,
        start=T0 - timedelta(minutes=20),
        end=T0,
        lon=OPEN_SEA[0],
        lat=OPEN_SEA[1],
        evidence={"leads": [stored.hostile]},
        score_reasons=[{"points": 15, "reason": "a lead names SEA STAR"}],
    )
    return stored


@pytest.fixture
def app(store: Store, leads: StoredLeads, monkeypatch: pytest.MonkeyPatch) -> Iterator[AppTest]:
    monkeypatch.setenv(
        "COASTWATCH_DATABASE_URL", store.engine.url.render_as_string(hide_password=False)
    )
    add_role_users(store)
    at = AppTest.from_file(str(APP), default_timeout=60)
    auth.sign_in(at.session_state, ROLE_USERS["intel"])
    yield at
    st.cache_resource.clear()
    st.cache_data.clear()


def _as(at: AppTest, role: str) -> AppTest:
    auth.sign_in(at.session_state, ROLE_USERS[role])
    return at


def _open(at: AppTest, page: str, **query: str) -> AppTest:
    at.run()
    at.query_params.update(query)
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _table(at: AppTest, *columns: str) -> pd.DataFrame:
    """The one table on the page that has these columns."""
    (found,) = [t.value for t in at.dataframe if set(columns) <= set(t.value.columns)]
    return found


def _leads_table(at: AppTest) -> pd.DataFrame:
    for table in at.dataframe:
        if "sightings" in table.value.columns and "title" in table.value.columns:
            return table.value
    raise AssertionError("no table of leads")


def _texts(at: AppTest) -> list[str]:
    """What the page says in Markdown, errors, warnings, infos and captions, as read."""
    said = [*at.markdown, *at.error, *at.warning, *at.info, *at.caption, *at.subheader]
    return [as_read(str(element.value)) for element in said]


class _Tags(HTMLParser):
    """The elements and attributes an HTML body makes."""

    def __init__(self) -> None:
        super().__init__()
        self.made: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.made.append((tag, attrs))


def _made(body: str) -> list[tuple[str, list[tuple[str, str | None]]]]:
    parser = _Tags()
    parser.feed(body)
    return parser.made


def _lead_html(at: AppTest) -> str:
    (body,) = [h.proto.body for h in at.get("html") if "cw-lead-text" in h.proto.body]
    return str(body)


def test_the_leads_page_is_intels_and_refused_in_words_to_the_others(app: AppTest) -> None:
    at = _open(app, "page_leads.py")
    assert [h.value for h in at.header] == ["Leads"]
    assert len(_leads_table(at)) == 2
    for role in ("monitor", "analyst", "drone_operator"):
        refused = _open(_as(app, role), "page_leads.py")
        said = [as_read(str(e.value)) for e in refused.error]
        assert any(s.startswith(f"{ROLE_USERS[role]} ({role}) may not read leads") for s in said)
        assert not [h.value for h in refused.header if h.value == "Leads"]
        assert not any("SEA STAR" in t for t in _texts(refused))


@pytest.mark.parametrize(
    ("widget", "value", "kept"),
    [
        ("leads_search", "sea star", ["hostile"]),
        ("leads_search", "PICKUP AT KOCHI", ["quiet"]),
        ("leads_search", "%", []),  # a LIKE wildcard is a character like the others
        ("leads_source", "market", ["quiet"]),
        ("leads_kind", "place", ["quiet"]),
        ("leads_kind", "mmsi", ["hostile"]),
        ("leads_value", "4310000", ["hostile"]),
        ("leads_min_score", 50, ["hostile"]),
        ("leads_from", (T0 - timedelta(days=1)).date(), ["hostile"]),
        ("leads_to", (T0 - timedelta(days=2)).date(), ["quiet"]),
    ],
)
def test_the_filters_keep_the_leads_they_say(
    app: AppTest, leads: StoredLeads, widget: str, value: Any, kept: list[str]
) -> None:
    at = _open(app, "page_leads.py")
    for kind in ("text_input", "selectbox", "slider", "date_input"):
        for element in at.get(kind):
            if getattr(element, "key", None) == widget:
                element.set_value(value)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _leads_table(at)["id"].tolist() == [getattr(leads, k) for k in kept]


def test_a_hostile_leads_text_stays_text_with_only_our_marks(
    app: AppTest, leads: StoredLeads
) -> None:
    at = _open(app, "page_leads.py", lead=str(leads.hostile))
    body = _lead_html(at)
    made = _made(body)
    assert {tag for tag, _ in made} <= {"style", "div", "mark", "code"}, made
    marks = [dict(attrs) for tag, attrs in made if tag == "mark"]
    assert [m["title"] for m in marks if m.get("title")] == [
        "vessel: SEA STAR",
        "mmsi: 431000001",
        "position: 33.5000,133.6667",
        f"time: {(T0 - timedelta(minutes=10)).isoformat()}",
    ]
    for markup in MARKUP:  # as characters, escaped for HTML only (no Markdown in st.html)
        assert markup.replace("<", "&lt;").replace(">", "&gt;") in body, markup
    assert "<script" not in body and "<img" not in body
    assert '<mark class="cw-mmsi" title="mmsi: 431000001">431000001</mark>' in body


def test_a_lead_shows_its_entities_sightings_vessels_and_alerts(
    app: AppTest, leads: StoredLeads
) -> None:
    at = _open(app, "page_leads.py", lead=str(leads.hostile))
    entities = _table(at, "confidence")
    assert entities["kind"].tolist() == ["vessel", "mmsi", "position", "time"]
    sightings = _table(at, "near")
    assert sightings["url"].tolist() == [
        "http://forum.example/t/7?p=1",
        "http://mirror.example/copy/7",
    ]
    vessels = _table(at, "page", "flag")
    assert vessels[["page", "mmsi", "name"]].values.tolist() == [
        ["vessel?mmsi=431000001", TANKER, "SEA STAR"]
    ]
    alerts = _table(at, "link", "status")
    assert alerts["link"].tolist() == [f"alert?alert={ALERT_ID}"]
    quiet = _open(app, "page_leads.py", lead=str(leads.quiet))
    assert any("cites this lead" in t for t in _texts(quiet)), _texts(quiet)
    assert any(t == "Fuel <b>at cost</b>" for t in _texts(quiet))  # the title, as typed


def test_the_alert_page_lists_its_leads_for_intel_only(app: AppTest, leads: StoredLeads) -> None:
    at = _open(app, "page_alert.py", alert=ALERT_ID)
    cited = _table(at, "page", "title")
    assert cited["id"].tolist() == [leads.hostile]
    assert cited["page"].tolist() == [f"leads?lead={leads.hostile}"]
    assert cited["title"].tolist() == [MARKUP[0]]  # the first line, as text
    monitor = _open(_as(app, "monitor"), "page_alert.py", alert=ALERT_ID)
    assert not monitor.exception
    said = _texts(monitor)
    assert any("Leads are for intelligence officers" in t for t in said), said
    assert not any("window.X" in t for t in said)
    assert not [t for t in monitor.dataframe if "title" in t.value.columns]


def _deck_layers(at: AppTest) -> dict[str, dict[str, Any]]:
    deck = json.loads(at.get("deck_gl_json_chart")[0].proto.json)
    return {layer["id"]: layer for layer in deck["layers"]}


def test_the_map_draws_the_leads_with_plain_text_tooltips_for_intel_only(
    app: AppTest, leads: StoredLeads
) -> None:
    at = _open(app, "page_map.py")
    layer = _deck_layers(at)["leads"]
    (point,) = layer["data"]
    assert (point["lon"], point["lat"]) == OPEN_SEA
    texts = [point[name] for name in tooltip.FIELDS]
    assert all(isinstance(t, str) for t in texts)
    assert texts[0].startswith("<script>window.X=1</script>")  # plain: Streamlit escapes it
    assert "score 70" in texts[1]
    monitor = _open(_as(app, "monitor"), "page_map.py")
    assert "leads" not in _deck_layers(monitor)
    assert not [c for c in monitor.checkbox if c.key == "layer_leads"]
