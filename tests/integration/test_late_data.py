"""Late data on a real store: reports that arrive after ``detect`` ran change the alerts it
stored, and each alert's history says what changed and when; nothing is removed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pandas as pd
import pytest

from alerts.engine import Engine
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders.cli import Ran, as_user
from tests.builders.clock import T0
from tests.builders.positions import drifting, load_positions
from tests.builders.users import add_user

PAIR = (431000011, 431000012)
DARK = 431000021
DAY = (T0, T0 + timedelta(hours=24))
_EAST_DEG = 0.3  # the dark vessel lies 30 km east of the pair: no encounter with it
#: ships heard all day 60 km west: the feed is up while the dark vessel is silent (were
#: everyone silent, that would be an outage of the feed, not a vessel going dark)
OTHERS = (431000031, 431000032, 431000033)


@pytest.fixture
def settings(store: Store) -> Settings:
    return load_settings(database_url=store.engine.url.render_as_string(hide_password=False))


def dark_vessel(start_h: float, hours: float) -> pd.DataFrame:
    """The vessel that goes silent, drifting on its own east of the pair."""
    frame = drifting(DARK, T0 + timedelta(hours=start_h), hours)
    return frame.assign(lon=frame["lon"] + _EAST_DEG)


def encounter(start_h: float, hours: float) -> pd.DataFrame:
    """Both vessels of the pair lying side by side."""
    return pd.concat([drifting(m, T0 + timedelta(hours=start_h), hours) for m in PAIR])


def one(store: Store, kind: str) -> pd.Series:
    (found,) = [a for _, a in store.alerts(types=[kind]).iterrows()]
    return found


@pytest.fixture
def detected(store: Store, settings: Settings) -> dict[str, pd.Series]:
    """A day detected once: a 3 h encounter, and a vessel silent for 8 h."""
    heard = [
        drifting(m, T0, 24).assign(lon=lambda f, k=k: f["lon"] - 0.6 - 0.05 * k)
        for k, m in enumerate(OTHERS)
    ]
    load_positions(store, pd.concat(heard))
    load_positions(store, encounter(1, 3))
    load_positions(store, pd.concat([dark_vessel(1, 2), dark_vessel(11, 2)]))
    Engine(settings, store).run(*DAY)
    return {"sts": one(store, "sts_transfer"), "gap": one(store, "ais_gap")}


def test_late_reports_that_extend_an_encounter_revise_its_end(
    store: Store, settings: Settings, detected: dict[str, pd.Series]
) -> None:
    load_positions(store, encounter(4, 2))  # the pair stayed together two more hours
    Engine(settings, store).run(*DAY)
    sts = one(store, "sts_transfer")
    assert sts["id"] == detected["sts"]["id"]
    assert sts["end"] - detected["sts"]["end"] >= timedelta(hours=1, minutes=50)
    (event,) = store.alert_events(sts["id"]).itertuples()
    assert event.action == "revised" and event.actor == "rules"
    assert "end" in event.note and "->" in event.note
    assert event.from_status == event.to_status == "new"  # the lifecycle is untouched


def test_late_reports_that_break_a_gap_withdraw_it_and_keep_it(
    store: Store, settings: Settings, detected: dict[str, pd.Series]
) -> None:
    load_positions(store, dark_vessel(6, 1))  # heard mid-way: two silences under 6 h
    stats = Engine(settings, store).run(*DAY)
    assert stats.withdrawn == 1
    gap = one(store, "ais_gap")  # still there, with its status
    assert gap["id"] == detected["gap"]["id"] and gap["status"] == "new"
    assert store.alert(gap["id"])["withdrawn_at"] is not None
    (event,) = store.alert_events(gap["id"]).itertuples()
    assert event.action == "withdrawn" and "late reports" in event.note


def test_alerts_show_prints_what_the_rules_revised(
    store: Store, settings: Settings, detected: dict[str, pd.Series], coastwatch: Callable[..., Ran]
) -> None:
    load_positions(store, encounter(4, 2))
    load_positions(store, dark_vessel(6, 1))
    Engine(settings, store).run(*DAY)
    intel = as_user(coastwatch, add_user(store, "ines", "intel").username)
    sts = intel("alerts", "show", detected["sts"]["id"])
    assert sts.code == 0 and "revised" in sts.stdout and "rules" in sts.stdout
    gap = intel("alerts", "show", detected["gap"]["id"])
    assert gap.code == 0 and "withdrawn" in gap.stdout
