"""The alerts engine on a real store: idempotent runs, alerts that grow, broken rules,
``detect --follow`` picking up new data, and the JSON that outside tools read."""

from __future__ import annotations

import json
import os
import signal
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest

from alerts import engine as engine_module
from alerts.engine import Engine
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders.cli import Ran, as_user, start
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, drifting, load_positions
from tests.builders.users import add_user

LOITERER, OTHER = 431000001, 431000002


@pytest.fixture
def settings(store: Store) -> Settings:
    url = store.engine.url.render_as_string(hide_password=False)
    return load_settings(database_url=url)


def loiter_alerts(store: Store) -> pd.DataFrame:
    return store.alerts(types=["loitering"])


def test_rerunning_a_window_changes_nothing(store: Store, settings: Settings) -> None:
    load_positions(store, drifting(LOITERER, T0, 6))
    first = Engine(settings, store).run(T0, T0 + timedelta(hours=7))
    before = loiter_alerts(store)
    again = Engine(settings, store).run(T0, T0 + timedelta(hours=7))
    after = loiter_alerts(store)
    assert first.written == 1 and again.written == 0
    assert before[["id", "start", "end", "updated_at"]].equals(
        after[["id", "start", "end", "updated_at"]]
    )


def test_an_event_seen_over_several_runs_stays_one_alert_that_grows(
    store: Store, settings: Settings
) -> None:
    engine = Engine(settings, store)
    load_positions(store, drifting(LOITERER, T0, 5))
    engine.run(T0, T0 + timedelta(hours=5))
    (early,) = loiter_alerts(store).itertuples()
    load_positions(store, drifting(LOITERER, T0 + timedelta(hours=5), 4))
    engine.run(T0 + timedelta(hours=4), T0 + timedelta(hours=9))  # a later, shorter window
    (late,) = loiter_alerts(store).itertuples()
    assert late.id == early.id and late.start == early.start
    assert late.end - early.end >= timedelta(hours=3)


def test_a_broken_rule_is_reported_and_the_others_still_run(
    store: Store, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(tracks: object, ctx: object) -> list[object]:
        raise ValueError("this rule is broken")

    monkeypatch.setitem(engine_module.RULES, "broken", broken)
    load_positions(store, drifting(LOITERER, T0, 6))
    stats = Engine(settings, store).run(T0, T0 + timedelta(hours=7))
    assert stats.failed == {"broken": "ValueError: this rule is broken"}
    assert stats.found["loitering"] == 1 and len(loiter_alerts(store)) == 1


def test_detect_then_alerts_list_prints_the_json_design_fixes(
    store: Store, coastwatch: Callable[..., Ran]
) -> None:
    load_positions(store, drifting(LOITERER, T0, 6))
    ran = coastwatch("detect", "--since", "2026-11-26T22:00Z", "--until", "2026-11-27T05:00Z")
    assert ran.code == 0, ran.stderr
    assert "loitering" in ran.stdout
    monitor = as_user(coastwatch, add_user(store, "mona", "monitor").username)
    (alert,) = json.loads(monitor("alerts", "list", "--format", "json").stdout)
    assert alert["type"] == "loitering" and alert["status"] == "new"
    assert alert["mmsi"] == [LOITERER] and 40 <= alert["score"] <= 100
    assert alert["start"].startswith("2026-11-26T22:") and alert["end"].endswith("Z")
    assert abs(alert["lon"] - OPEN_SEA[0]) < 0.01 and abs(alert["lat"] - OPEN_SEA[1]) < 0.01
    assert alert["score_reasons"][0]["points"] == 40


def test_detect_refuses_a_window_that_ends_before_it_starts(
    coastwatch: Callable[..., Ran],
) -> None:
    ran = coastwatch("detect", "--since", "2026-11-28T00:00Z", "--until", "2026-11-27T00:00Z")
    assert ran.code == 2 and "since before until" in ran.stderr


def test_follow_raises_an_alert_within_a_minute_of_new_data(store: Store) -> None:
    url = store.engine.url.render_as_string(hide_password=False)
    env = {**os.environ, "COASTWATCH_RULES__DETECT_FOLLOW_INTERVAL_S": "2"}
    follower = start("--database-url", url, "detect", "--follow", env=env)
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        load_positions(store, drifting(LOITERER, now - timedelta(hours=5), 5))
        written = time.monotonic()
        while loiter_alerts(store).empty and time.monotonic() - written < 60:
            time.sleep(0.5)
        assert len(loiter_alerts(store)) == 1, follower.stderr
    finally:
        follower.send_signal(signal.SIGINT)
        _, err = follower.communicate(timeout=60)
    assert follower.returncode == 0, err


def test_a_window_without_positions_runs_every_rule_and_raises_nothing(
    store: Store, settings: Settings
) -> None:
    stats = Engine(settings, store).run(T0, T0 + timedelta(hours=24))
    assert stats.positions == 0 and not stats.failed
    assert set(stats.found) == set(engine_module.RULES) and sum(stats.found.values()) == 0
