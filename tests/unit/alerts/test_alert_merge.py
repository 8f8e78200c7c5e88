"""How new findings meet the alerts already stored: same id, growing, closing, never
shrinking, and never reviving an alert an analyst has dismissed."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely

from alerts.engine import _Stored, alert_id
from alerts.rules.base import AlertRecord
from tests.builders.alerts import finding
from tests.builders.clock import HOUR_S, at, at_s

A = 431000001
NOW = at_s(hours=100)


def stored(*rows: dict[str, object]) -> _Stored:
    frame = gpd.GeoDataFrame(
        [
            {
                "id": "x",
                "type": "loitering",
                "status": "new",
                "mmsi": [A],
                "key": "",
                "start": pd.Timestamp(at(hours=10)),
                "end": pd.Timestamp(at(hours=15)),
                **row,
            }
            for row in rows
        ],
        geometry=[shapely.Point(135, 30)] * len(rows),
        crs=4326,
    ).rename_geometry("geom")
    return _Stored(frame, NOW)


def found(kind: str = "loitering", start_h: float = 12, end_h: float | None = 18) -> AlertRecord:
    """A loitering finding by A, by the stored alert's point."""
    return finding(kind, (A,), start_h, end_h, lon=135.0, lat=30.0, why="slow")


def test_a_finding_that_continues_a_stored_alert_takes_its_id_and_grows_it() -> None:
    (row_id,), (alert,) = stored({}).place([found()], slack_s=2 * HOUR_S)
    assert row_id == "x" and (alert.start_s, alert.end_s) == (at_s(hours=10), at_s(hours=18))


def test_an_earlier_window_never_shortens_a_stored_alert() -> None:
    _, (alert,) = stored({}).place([found(start_h=10, end_h=12)], slack_s=2 * HOUR_S)
    assert alert.end_s == at_s(hours=15)


def test_a_stored_open_gap_closes_when_a_finding_closes_it() -> None:
    gap = {"type": "ais_gap", "end": pd.NaT}
    _, (alert,) = stored(gap).place([found("ais_gap", 10, 30)], slack_s=0)
    assert alert.end_s == at_s(hours=30)


def test_a_closed_gap_is_not_reopened_by_a_window_that_ends_in_it() -> None:
    _, (alert,) = stored({"type": "ais_gap"}).place([found("ais_gap", 10, None)], slack_s=0)
    assert alert.end_s == at_s(hours=15)


def test_a_dismissed_alert_is_not_continued_by_a_new_episode() -> None:
    (row_id,), _ = stored({"status": "dismissed"}).place([found(start_h=16)], slack_s=2 * HOUR_S)
    assert row_id == alert_id("loitering", (A,), at_s(hours=16))


def test_two_findings_of_one_stored_alert_become_one() -> None:
    ids, alerts = stored({}).place(
        [found(start_h=11, end_h=13), found(start_h=14, end_h=20)], slack_s=2 * HOUR_S
    )
    assert ids == ["x"] and (alerts[0].start_s, alerts[0].end_s) == (at_s(hours=10), at_s(hours=20))
