"""``detect --follow`` made incremental, on a real store: a simulated day ingested in
slices, one cycle after each, stores the alerts one batch run over the day stores."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import text

from ais_ingest.pipeline import ingest_files
from alerts.cli_watchlist import read_entries
from alerts.engine import Engine
from alerts.follow import Follower
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from tests.builders import cli

SLICE = timedelta(minutes=30)
RESOLUTION = timedelta(minutes=10)  # the rules' time step (resample_minutes)
_TAG_TIME = re.compile(rb"c:(\d+)")


@pytest.fixture(scope="module")
def day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("day")
    made = cli.run(
        "simulate", "--out", str(out), "--seed", "21", "--vessels", "40", "--hours", "24"
    )
    assert made.returncode == 0, made.stderr
    return out


@pytest.fixture
def settings(store: Store, monkeypatch: pytest.MonkeyPatch) -> Settings:
    # each slice brings half an hour at once: the lateness allowance covers it; no refresh
    monkeypatch.setenv("COASTWATCH_RULES__DETECT_FOLLOW_LATENESS_MINUTES", "35")
    monkeypatch.setenv("COASTWATCH_RULES__DETECT_FOLLOW_REFRESH_HOURS", "1000")
    # coverage learnt from the window's own traffic: a batch run over the day sees the
    # traffic after a gap too, a cycle cannot; with 40 vessels that decides the gap
    monkeypatch.setenv("COASTWATCH_RULES__GAP_MIN_COVERED_FRACTION", "0")
    return load_settings(database_url=store.engine.url.render_as_string(hide_password=False))


def slices(feed: Path, start: datetime, out: Path) -> list[tuple[datetime, Path]]:
    """The feed cut by its tag-block times into files of ``SLICE``, with each one's end."""
    parts: dict[int, list[bytes]] = {}
    for line in feed.read_bytes().splitlines(keepends=True):
        found = _TAG_TIME.search(line)
        if found:
            parts.setdefault(int((int(found[1]) - start.timestamp()) // SLICE.seconds), []).append(
                line
            )
    made = []
    for k, lines in sorted(parts.items()):
        path = out / f"slice-{k:03d}.nmea"
        path.write_bytes(b"".join(lines))
        made.append((start + SLICE * (k + 1), path))
    return made


def stored_alerts(store: Store) -> pd.DataFrame:
    found = store.alerts()
    return found.assign(mmsi=found["mmsi"].map(tuple)).set_index("id").sort_index()


def test_following_a_day_in_slices_stores_what_a_batch_run_stores(
    day: Path, store: Store, settings: Settings, tmp_path: Path
) -> None:
    truth = json.loads((day / "truth.json").read_text())
    start, end = pd.Timestamp(truth["start"]).to_pydatetime(), pd.Timestamp(truth["end"])
    listed, _ = read_entries(day / "watchlist.csv")
    store.add_watchlist(listed, "test")
    follower = Follower(Engine(settings, store))
    for until, path in slices(day / "feed.nmea", start, tmp_path):
        ingest_files([path], store)
        follower.cycle(min(until, end.to_pydatetime()))
    followed = stored_alerts(store)
    with store.engine.begin() as conn:
        conn.execute(text("DELETE FROM alerts"))
    Engine(settings, store).run(start, end.to_pydatetime())
    batch = stored_alerts(store)
    assert set(batch["type"]) >= {"sts_transfer", "loitering", "ais_gap", "identity_anomaly"}
    assert followed.index.tolist() == batch.index.tolist()
    assert (followed["type"] == batch["type"]).all()
    assert (followed["mmsi"] == batch["mmsi"]).all()
    assert ((followed["start"] - batch["start"]).abs() <= RESOLUTION).all()
    ends = (followed["end"] - batch["end"]).abs()
    assert ((ends <= RESOLUTION) | (followed["end"].isna() & batch["end"].isna())).all()
