"""The store API against a real PostGIS: idempotent writes, windowed and boxed reads."""

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from sqlalchemy import text

from surveillance.errors import InputError
from surveillance.store import TABLES, Store
from tests.builders.clock import T0
from tests.builders.positions import load_positions, positions, report

WINDOW = (T0 - timedelta(hours=1), T0 + timedelta(days=2))


def test_positions_load_once_however_often_they_are_written(store: Store) -> None:
    batch = positions(report(minute=0), report(minute=1, sog_knots=1.5), report(mmsi=431000002))
    assert load_positions(store, batch) == 3
    assert load_positions(store, batch) == 0
    assert load_positions(store, pd.concat([batch, batch])) == 0
    assert len(store.positions(WINDOW)) == 3


def test_duplicates_within_one_batch_are_stored_once(store: Store) -> None:
    assert load_positions(store, positions(report(), report(), report(minute=1))) == 2


def test_distinct_reports_of_one_mmsi_in_one_second_are_all_kept(store: Store) -> None:
    # two transmitters on one MMSI, heard in the same second at two places
    batch = positions(report(lon=130.0), report(lon=131.0), report(lon=131.0, sog_knots=3.0))
    assert load_positions(store, batch) == 3
    assert load_positions(store, batch) == 0
    assert sorted(store.positions(WINDOW).geometry.x) == [130.0, 131.0, 131.0]
    assert len(store.position_arrays(WINDOW)) == 3
    assert len(store.latest_positions(WINDOW)) == 1


def test_each_position_keeps_the_station_that_heard_it(store: Store) -> None:
    load_positions(
        store,
        positions(report(minute=0, station="rx-north"), report(minute=1), report(minute=2)),
    )
    load_positions(store, positions(report(minute=3)))  # a frame without the column
    assert store.positions(WINDOW)["station"].fillna("-").tolist() == ["rx-north", *"---"]
    with store.engine.connect() as conn:
        unknown = conn.execute(text("SELECT count(*) FROM ais_positions WHERE station IS NULL"))
        assert unknown.scalar() == 3


def test_a_bulk_load_keeps_distinct_reports_and_stations_and_drops_repeats(
    store: Store,
) -> None:
    # the frame a decoder gives: payload hashes; the third row repeats the first's report
    batch = positions(
        report(key_hash=11, station="rx1"),
        report(key_hash=22, lon=131.0, station="rx1"),
        report(key_hash=11, station="rx2"),
    ).assign(ts=T0.timestamp())
    for column in ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type"):
        batch[column] = np.nan
    loader = store.position_loader("feed.nmea")
    loader.add(batch)
    loaded = loader.finish()
    assert (loaded.new_rows, loaded.partitions_built) == (2, ["ais_positions_20261126"])
    read = store.positions(WINDOW)
    assert read["report_hash"].tolist() == [11, 22]
    assert read["station"].iloc[1] == "rx1"


def test_messages_are_counted_per_station_hour_and_cell(store: Store) -> None:
    load_positions(
        store,
        positions(
            report(mmsi=431000001, minute=0, lon=130.01, lat=34.01, station="rx-north"),
            report(mmsi=431000002, minute=5, lon=130.05, lat=34.05, station="rx-north"),
            report(mmsi=431000001, minute=70, lon=130.25, lat=34.01, station="rx-north"),
            report(mmsi=431000003, minute=10, lon=130.01, lat=34.01, station="rx-south"),
            report(mmsi=431000004, minute=10, lon=130.01, lat=34.01),
        ),
    )
    cells = store.station_hours(WINDOW, cell_deg=0.1)
    hours = [h.strftime("%H") for h in cells["hour"]]
    rows = zip(
        cells["station"].fillna("-"),
        hours,
        cells["cell_x"],
        cells["cell_y"],
        cells["messages"],
        cells["vessels"],
        strict=True,
    )
    assert list(rows) == [
        ("-", "22", 1300, 340, 1, 1),  # heard by a station not named
        ("rx-north", "22", 1300, 340, 2, 2),
        ("rx-north", "23", 1302, 340, 1, 1),
        ("rx-south", "22", 1300, 340, 1, 1),
    ]


def test_positions_land_in_daily_partitions_made_on_demand(store: Store) -> None:
    load_positions(store, positions(report(minute=0), report(minute=180)))  # 22:00 and 01:00
    with store.engine.connect() as conn:
        partitions = set(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'ais_positions'::regclass"
                )
            ).scalars()
        )
    assert partitions == {"ais_positions_20261126", "ais_positions_20261127"}


def test_positions_read_by_window_box_and_vessel(store: Store) -> None:
    load_positions(
        store,
        positions(
            report(mmsi=431000001, minute=0, lon=130.0, lat=34.0),
            report(mmsi=431000001, minute=90, lon=131.5, lat=34.0),
            report(mmsi=431000002, minute=10, lon=130.2, lat=34.1, sog_knots=12.5, heading_deg=90),
        ),
    )
    first_hour = (T0, T0 + timedelta(hours=1))
    read = store.positions(first_hour, bbox=(129.5, 33.5, 130.5, 34.5))
    assert list(read["mmsi"]) == [431000001, 431000002]
    assert read.crs.to_epsg() == 4326
    assert read.geometry.iloc[1].equals(shapely.Point(130.2, 34.1))
    assert read["sog_knots"].iloc[1] == pytest.approx(12.5)
    assert len(store.positions(WINDOW, mmsi=[431000001])) == 2


@pytest.mark.parametrize(
    "read",
    [
        Store.positions,
        Store.position_arrays,
        Store.identities,
        Store.alerts,
        Store.alerts_overlapping,
        Store.export_alerts,
        Store.rejections,
        Store.source_minutes,
        Store.station_hours,
    ],
)
def test_a_naive_window_is_refused_by_every_family(store: Store, read: Callable[..., Any]) -> None:
    with pytest.raises(InputError, match="timezone-aware"):
        naive = T0.replace(tzinfo=None)
        read(store, (naive, naive + timedelta(days=1)))


def test_a_frame_without_the_key_columns_is_refused(store: Store) -> None:
    with pytest.raises(InputError, match="identities frame lacks columns: ts"):
        store.write_identities(pd.DataFrame({"mmsi": [431000001], "name": ["SEA STAR"]}))


def test_identity_history_is_kept_and_the_latest_wins(store: Store) -> None:
    sent = pd.DataFrame(
        {
            "mmsi": [445123456, 445123456, 445123456],
            "ts": [T0, T0 + timedelta(hours=2), T0 + timedelta(hours=1)],
            "name": ["SEA STAR", "OCEAN PEARL", "SEA STAR"],
            "callsign": ["HMAB1", "HMAB2", "HMAB1"],
            "flag": ["KP", "KP", "KP"],
        }
    )
    assert store.write_identities(sent) == 2  # the repeat of SEA STAR is no change
    assert store.write_identities(sent) == 0
    vessel = store.vessels([445123456]).iloc[0]
    assert (vessel["name"], vessel["callsign"], vessel["flag"]) == ("OCEAN PEARL", "HMAB2", "KP")
    # an older identity arriving late does not overwrite the newer one
    store.write_identities(sent.iloc[[0]].assign(ts=T0 - timedelta(days=1), name="OLD NAME"))
    assert store.vessels([445123456]).iloc[0]["name"] == "OCEAN PEARL"
    assert list(store.identity_history(445123456)["name"]) == [
        "OLD NAME",
        "SEA STAR",
        "OCEAN PEARL",
    ]


def test_the_two_halves_of_a_class_b_identity_in_one_second_make_one(store: Store) -> None:
    # type 24: part B (call sign, type) and part A (name), in one second
    halves = pd.DataFrame(
        {
            "mmsi": [431000074] * 2,
            "ts": [T0, T0],
            "name": [None, "OCEAN 0074"],
            "callsign": ["JD74", None],
            "ship_type": [37, None],
        }
    )
    assert store.write_identities(halves) == 1
    vessel = store.vessels([431000074]).iloc[0]
    assert (vessel["name"], vessel["callsign"], vessel["ship_type"]) == ("OCEAN 0074", "JD74", 37)


def test_quarantine_keeps_the_record_and_its_reason_once(store: Store) -> None:
    rejected = pd.DataFrame(
        {
            "source": ["feed.nmea"] * 2,
            "reason": ["bad_checksum", "invalid_mmsi"],
            "raw": ["!AIVDM,1,1,,A,13aEOK?P00PD2wVMdLDRhgvL289?,0*27", "!AIVDM,..."],
            "received_at": [T0, T0],
        }
    )
    assert store.quarantine(rejected) == 2
    assert store.quarantine(rejected) == 0
    assert store.table_counts()["quarantine"] == 2


def test_geometries_of_other_sources_round_trip(store: Store) -> None:
    detections = gpd.GeoDataFrame(
        {
            "source": ["sar", "drone"],
            "ts": [T0, T0 + timedelta(hours=3)],
            "length_m": [45.0, None],
            "key": ["s1:a", "d1:b"],
        },
        geometry=[shapely.Point(130.1, 34.2), shapely.Point(140.0, 40.0)],
        crs=4326,
    )
    assert store.write_geometries("detections", detections, key=("key",)) == 2
    assert store.write_geometries("detections", detections, key=("key",)) == 0
    near = store.detections((T0, T0 + timedelta(hours=1)), bbox=(129.0, 33.0, 131.0, 35.0))
    assert list(near["key"]) == ["s1:a"] and near.geometry.iloc[0].x == pytest.approx(130.1)


def test_alerts_read_highest_score_first_with_filters(store: Store) -> None:
    alerts = gpd.GeoDataFrame(
        {
            "id": ["a1", "a2", "a3"],
            "type": ["sts_transfer", "ais_gap", "sts_transfer"],
            "score": [40, 90, 70],
            "start": [T0, T0, T0 + timedelta(days=5)],
            "mmsi": [[431000001, 431000002], [431000003], [431000004]],
            "evidence": [{"positions": 42}, {}, {}],
            "rule_version": ["1"] * 3,
        },
        geometry=[shapely.Point(130, 34)] * 3,
        crs=4326,
    )
    store.write_geometries("alerts", alerts, key=("id",))
    found = store.alerts(WINDOW)
    assert list(found["id"]) == ["a2", "a1"]
    assert found.set_index("id").loc["a1", "mmsi"] == [431000001, 431000002]
    assert found.set_index("id").loc["a1", "evidence"] == {"positions": 42}
    assert list(store.alerts(WINDOW, types=["sts_transfer"])["id"]) == ["a1"]
    assert list(store.alerts(statuses=["new"])["id"]) == ["a2", "a3", "a1"]


def test_only_store_tables_take_geometries(store: Store) -> None:
    frame = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(0, 0)], crs=4326)
    with pytest.raises(InputError, match="not a geometry table"):
        store.write_geometries("pg_class", frame, key=("x",))


def test_table_counts_cover_every_table(store: Store) -> None:
    counts = store.table_counts()
    assert set(counts) == set(TABLES)  # empty, but for the first admin and its audit row
    assert {t: n for t, n in counts.items() if n} == {"users": 1, "audit_log": 1}
    assert store.server_versions()["postgis"].startswith("3.")


def test_a_refused_batch_leaves_nothing_behind(store: Store) -> None:
    # the history row is fine, the vessel row breaks the MMSI check: neither is kept
    with pytest.raises(InputError, match="violates check constraint .ck_vessels_mmsi"):
        store.write_identities(pd.DataFrame({"mmsi": [1234567890], "ts": [T0], "name": ["X"]}))
    counts = store.table_counts()
    assert (counts["vessel_identities"], counts["vessels"]) == (0, 0)
