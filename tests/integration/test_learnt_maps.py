"""The learnt maps on a real store: the reception map kept by each ``detect`` and judged by
``ais_gap`` (coverage unknown, known holes, outages, the end of the feed), and anchorages
learnt from stopped vessels, exempt from STS like ports."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import text

from alerts.engine import Engine, RunStats
from surveillance.settings import Settings, load_settings
from surveillance.store import Store
from surveillance.store.learnt import WHOLE_FEED
from tests.builders.clock import T0
from tests.builders.positions import OPEN_SEA, load_positions

DARK = 431000001
FAR_SEA = (OPEN_SEA[0] + 0.6, OPEN_SEA[1])  # 57 km further east, as far from any shore


@pytest.fixture
def settings(store: Store) -> Settings:
    url = store.engine.url.render_as_string(hide_password=False)
    return load_settings(database_url=url)


def _heard(
    mmsi: int,
    start_h: float,
    hours: float,
    where: tuple[float, float],
    sog_knots: float = 6.0,
    every_s: float = 60.0,
) -> pd.DataFrame:
    """A vessel heard every ``every_s`` at one place from ``start_h`` hours after T0."""
    start = T0 + timedelta(hours=start_h)
    ts = pd.date_range(start, start + timedelta(hours=hours), freq=f"{int(every_s)}s")
    return pd.DataFrame(
        {"mmsi": mmsi, "ts": ts, "lon": where[0], "lat": where[1], "sog_knots": sog_knots}
    )


def _neighbours(
    first: int, around: tuple[float, float], start_h: float, hours: float, step_deg: float
) -> list[pd.DataFrame]:
    """Vessels heard on a lattice ``step_deg`` apart around a place (3 either way)."""
    offsets = np.arange(-3, 4) * step_deg
    return [
        _heard(first + k, start_h, hours, (around[0] + dx, around[1] + dy), every_s=300)
        for k, (dx, dy) in enumerate((dx, dy) for dx in offsets for dy in offsets)
    ]


def _run(
    store: Store, settings: Settings, *frames: pd.DataFrame, since_h: float, until_h: float
) -> RunStats:
    load_positions(store, pd.concat(frames, ignore_index=True))
    since, until = T0 + timedelta(hours=since_h), T0 + timedelta(hours=until_h)
    return Engine(settings, store).run(since, until)


def _gaps(store: Store) -> pd.DataFrame:
    return store.alerts(types=["ais_gap"])


def test_dark_14_hours_far_offshore_with_sparse_neighbours_is_a_gap_of_unknown_coverage(
    store: Store, settings: Settings
) -> None:
    # neighbours near where it fell silent and where it came back, nobody along the way
    sparse = [
        *_neighbours(431100000, OPEN_SEA, 0, 20, 0.03),
        *_neighbours(431200000, FAR_SEA, 0, 20, 0.03),
    ]
    dark = [_heard(DARK, 0, 2, OPEN_SEA), _heard(DARK, 16, 2, FAR_SEA)]
    _run(store, settings, *dark, *sparse, since_h=0, until_h=20)
    (gap,) = _gaps(store).itertuples()
    assert list(gap.mmsi) == [DARK] and gap.evidence["coverage"] == "unknown"
    assert "coverage unknown" in gap.score_reasons[0]["reason"]
    assert gap.evidence["gap_h"] >= 13.9


def test_a_gap_through_a_known_coverage_hole_raises_none(store: Store, settings: Settings) -> None:
    # a day and a half of steady traffic in the cell: the map knows it as busy
    _run(store, settings, _heard(431300000, -36, 36, OPEN_SEA), since_h=-36, until_h=0)
    # then the vessel falls silent there and nobody at all is heard in that cell for 13 h
    dark = [_heard(DARK, 0, 2, OPEN_SEA), _heard(DARK, 15, 2, OPEN_SEA)]
    elsewhere = _heard(431300001, 0, 20, (OPEN_SEA[0] - 1.0, OPEN_SEA[1]))  # the feed is up
    _run(store, settings, *dark, elsewhere, since_h=0, until_h=20)
    assert _gaps(store).empty


def test_the_same_gap_without_the_map_history_is_a_gap(store: Store, settings: Settings) -> None:
    dark = [_heard(DARK, 0, 2, OPEN_SEA), _heard(DARK, 15, 2, OPEN_SEA)]
    elsewhere = _heard(431300001, 0, 20, (OPEN_SEA[0] - 1.0, OPEN_SEA[1]))
    _run(store, settings, *dark, elsewhere, since_h=0, until_h=20)
    (gap,) = _gaps(store).itertuples()
    assert list(gap.mmsi) == [DARK] and gap.evidence["coverage"] == "covered"


def test_a_whole_feed_outage_raises_no_gaps(store: Store, settings: Settings) -> None:
    fleet = [
        _heard(431400000 + k, h, 2, (OPEN_SEA[0] + 0.01 * k, OPEN_SEA[1]))
        for k in range(5)
        for h in (0, 15)
    ]
    _run(store, settings, *fleet, since_h=0, until_h=20)
    assert _gaps(store).empty
    outages = store.station_outages((T0, T0 + timedelta(hours=20)))
    feed = outages[outages["station"] == WHOLE_FEED]
    hour = [pd.Timestamp(T0 + timedelta(hours=h)) for h in (3, 15, 18)]
    # newest first: since the last report (hour 17, ongoing), and the 12 h of silence
    assert [(r.start, r.end) for r in feed.itertuples()] == [(hour[2], pd.NaT), (hour[0], hour[1])]


def test_the_end_of_the_feed_raises_no_open_gaps(store: Store, settings: Settings) -> None:
    # everyone heard all around for ten hours, then the file ends; detect runs to hour 24
    crowd = _neighbours(431500000, OPEN_SEA, 0, 10, 0.02)
    _run(store, settings, _heard(DARK, 0, 10, OPEN_SEA), *crowd, since_h=0, until_h=24)
    assert _gaps(store).empty
    outages = store.station_outages((T0, T0 + timedelta(hours=24)))
    (ongoing,) = outages[outages["station"] == WHOLE_FEED].itertuples()
    assert ongoing.start == pd.Timestamp(T0 + timedelta(hours=11)) and pd.isna(ongoing.end)


def test_detect_twice_over_one_window_counts_each_message_once(
    store: Store, settings: Settings
) -> None:
    frames = [_heard(DARK, 0, 5, OPEN_SEA), _heard(431600000, 1, 3, FAR_SEA)]
    first = _run(store, settings, *frames, since_h=0, until_h=6)
    window = (T0 - timedelta(days=1), T0 + timedelta(days=1))
    counted = store.reception_cells(window)
    Engine(settings, store).run(T0, T0 + timedelta(hours=6))
    assert store.reception_cells(window).equals(counted)
    assert int(counted["messages"].sum()) == first.positions == 301 + 181
    assert len(counted) == 2 and set(counted["heard_hours"]) == {6, 4}


def _anchored(first: int, start_h: float, count: int) -> list[pd.DataFrame]:
    """``count`` vessels at anchor for 3 h, about 1 km apart, in one cell of the grid."""
    return [
        _heard(
            first + k,
            start_h + k,
            3,
            (OPEN_SEA[0] + 0.002 + 0.009 * (k % 5), OPEN_SEA[1] + 0.002 + 0.009 * (k // 5)),
            0.1,
        )
        for k in range(count)
    ]


def test_anchorages_are_learnt_where_many_vessels_stop_and_exempt_sts(
    store: Store, settings: Settings
) -> None:
    _run(store, settings, *_anchored(431700000, -24, 5), since_h=-24, until_h=-12)
    (anchorage,) = store.anchorages().itertuples()
    assert anchorage.vessels == 5
    assert abs(anchorage.lon - OPEN_SEA[0]) < 0.05 and abs(anchorage.lat - OPEN_SEA[1]) < 0.05
    inside = (OPEN_SEA[0] + 0.02, OPEN_SEA[1] + 0.02)
    outside = (OPEN_SEA[0] - 0.5, OPEN_SEA[1])
    pairs = [
        _heard(m, 0, 3, (where[0] + dx, where[1]), 0.3)
        for m, where, dx in (
            (431800001, inside, 0.0),
            (431800002, inside, 0.002),
            (431800003, outside, 0.0),
            (431800004, outside, 0.002),
        )
    ]
    _run(store, settings, *pairs, since_h=0, until_h=4)
    (sts,) = store.alerts(types=["sts_transfer"]).itertuples()
    assert sorted(sts.mmsi) == [431800003, 431800004]  # the pair at anchor is not one


def test_vessels_heard_only_by_a_station_that_goes_quiet_wait_for_it(
    store: Store, settings: Settings
) -> None:
    centre = (OPEN_SEA[0] + 0.025, OPEN_SEA[1] + 0.025)  # the middle of one cell
    near = [_heard(DARK + k, 0, 2, (centre[0] + 0.004 * k, centre[1])) for k in range(3)]
    around = [
        f
        for f in _neighbours(431900000, centre, 0, 24, 0.04)
        if (abs(f["lon"].iloc[0] - centre[0]) > 0.025 or abs(f["lat"].iloc[0] - centre[1]) > 0.025)
    ]
    frames = [*(f.assign(source="rx-b") for f in near), *(f.assign(source="rx-a") for f in around)]
    load_positions(store, pd.concat(frames, ignore_index=True))
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE ais_positions SET station = source"))
    Engine(settings, store).run(T0, T0 + timedelta(hours=24))
    assert _gaps(store).empty  # rx-b went quiet with its three vessels: they wait
    outages = store.station_outages((T0, T0 + timedelta(hours=24)), min_vessels=3)
    (quiet,) = outages.itertuples()
    assert quiet.station == "rx-b" and pd.isna(quiet.end)
    assert quiet.start == pd.Timestamp(T0 + timedelta(hours=3))
    busier = store.station_outages((T0, T0 + timedelta(hours=24)), min_vessels=4)
    assert busier.empty, "a station that heard fewer vessels than that only lost them"


def test_without_the_station_outage_those_vessels_have_open_gaps(
    store: Store, settings: Settings
) -> None:
    centre = (OPEN_SEA[0] + 0.025, OPEN_SEA[1] + 0.025)
    near = [_heard(DARK + k, 0, 2, (centre[0] + 0.004 * k, centre[1])) for k in range(3)]
    around = _neighbours(431900000, centre, 0, 24, 0.04)  # heard in the same cell too
    _run(store, settings, *near, *around, since_h=0, until_h=24)
    assert sorted(m for ms in _gaps(store)["mmsi"] for m in ms) == [DARK, DARK + 1, DARK + 2]
