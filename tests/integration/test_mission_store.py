"""Missions in a real PostGIS: stored with their plan document, read back, their life recorded."""

from datetime import timedelta

import pandas as pd
import pytest
import shapely

from surveillance.errors import InputError
from surveillance.store import MissionRecord, Store
from tests.builders.clock import T0

PLAN = {"fileType": "Plan", "version": 1, "mission": {"items": []}}


def _mission(**changes: object) -> MissionRecord:
    fields: dict[str, object] = {
        "name": "survey off Tsushima",
        "kind": "survey",
        "plan": PLAN,
        "home": (129.30, 34.20),
        "route": [(129.30, 34.20, 0.0), (129.31, 34.21, 60.0), (129.32, 34.21, 60.0)],
        "min_alt_m": 60.0,
        "max_alt_m": 60.0,
        "area": shapely.box(129.305, 34.205, 129.325, 34.215),
        "stats": {"distance_m": 2100.0, "photo_count": 12},
        "planned_start": T0,
        "planned_end": T0 + timedelta(minutes=20),
    }
    return MissionRecord(**{**fields, **changes})  # type: ignore[arg-type]


def test_a_mission_is_stored_with_its_plan_and_read_back(store: Store) -> None:
    first = store.store_mission(_mission())
    store.store_mission(_mission(name="later", planned_start=T0 + timedelta(days=2)))
    assert store.mission_plan(first) == PLAN
    assert store.mission_plan(first + 99) is None
    found = store.missions(window=(T0 - timedelta(hours=1), T0 + timedelta(hours=1)))
    assert list(found["name"]) == ["survey off Tsushima"]
    row = found.iloc[0]
    assert (row.home_lon, row.home_lat) == pytest.approx((129.30, 34.20))
    assert row.stats == {"distance_m": 2100.0, "photo_count": 12}
    assert len(row.geom.coords) == 3 and row.geom.has_z


def test_an_upload_is_recorded_and_bad_states_refused(store: Store) -> None:
    mission_id = store.store_mission(_mission())
    store.set_mission_status(
        mission_id, "uploaded", uploaded_to="udpout:127.0.0.1:14550", system_id=1
    )
    row = store.missions(status="uploaded").iloc[0]
    assert (row.uploaded_to, row.system_id, row.status) == ("udpout:127.0.0.1:14550", 1, "uploaded")
    assert row.uploaded_at is not None
    with pytest.raises(InputError, match="status is one of"):
        store.set_mission_status(mission_id, "lost")
    with pytest.raises(InputError, match="no mission"):
        store.set_mission_status(mission_id + 1, "started")
    with pytest.raises(InputError, match="kind is one of"):
        store.store_mission(_mission(kind="joyride"))


def _samples(drone: str, start_s: int, n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "drone_id": drone,
            "ts": [T0 + timedelta(seconds=start_s + i) for i in range(n)],
            "lon": [129.30 + 0.0001 * i for i in range(n)],
            "lat": 34.20,
            "altitude_m": 60.0,
            "groundspeed_mps": 12.0,
            "heading_deg": 90.0,
            "battery_pct": [90.0 - i for i in range(n)],
            "system_id": 1,
            "mission_seq": list(range(n)),
            "reached_seq": pd.array([None] * n, dtype="Int64"),
            "mode": "AUTO",
            "armed": True,
            "link": "udpin:127.0.0.1:14550",
        }
    )


def test_telemetry_is_stored_once_and_read_by_drone_and_latest(store: Store) -> None:
    assert store.write_telemetry(_samples("mav1", 0, 5)) == 5
    assert store.write_telemetry(_samples("mav1", 0, 5)) == 0  # the same log again
    store.write_telemetry(_samples("mav2", 10, 3))
    track = store.telemetry(drone_id="mav1")
    assert list(track["mission_seq"]) == [0, 1, 2, 3, 4]
    latest = store.drone_states(since=T0)
    assert list(latest["drone_id"]) == ["mav1", "mav2"]
    assert list(latest["battery_pct"]) == [86.0, 88.0]
    assert store.drone_states(since=T0 + timedelta(seconds=11))["drone_id"].tolist() == ["mav2"]
