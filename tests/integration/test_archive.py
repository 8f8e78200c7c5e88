"""Retention: `coastwatch db archive` moves old days into GeoParquet, `ingest ais` brings
them back; on a real store, through the real CLI."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from surveillance.store import Store
from tests.builders.cli import Coastwatch
from tests.builders.clock import T0
from tests.builders.positions import drifting, load_positions

DAY_FILE = "ais_positions_2026-11-26.parquet"
TRICKY_NAME = 'rx "Hakata", mast 2\nnorth'  # quotes, a comma and a newline survive


@pytest.fixture
def two_days(store: Store) -> pd.DataFrame:
    """Two ships drifting from T0 (22:00) for four hours: two hours on each side of
    midnight, so in two day partitions; one ship heard by two sources."""
    first = drifting(431000001, T0, hours=4).assign(source="feed-a.nmea", heading_deg=90)
    second = drifting(431000002, T0, hours=4, every_s=120).assign(source="feed-b.nmea")
    frame = pd.concat([first, second], ignore_index=True)
    assert load_positions(store, frame) == len(frame)
    return frame


def partitions(store: Store) -> list[str]:
    with store.engine.connect() as conn:
        return sorted(
            conn.execute(
                text(
                    "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
                    "WHERE i.inhparent = 'ais_positions'::regclass"
                )
            ).scalars()
        )


COLUMNS = [
    "mmsi",
    "ts",
    "lon",
    "lat",
    "sog_knots",
    "cog_deg",
    "heading_deg",
    "source",
    "report_hash",
]


def plain(frame: gpd.GeoDataFrame) -> pd.DataFrame:
    """Positions as plain columns (numbers as floats, NaN for none) in a fixed order."""
    frame = frame.assign(lon=frame.geometry.x, lat=frame.geometry.y)[COLUMNS]
    numbers = ["sog_knots", "cog_deg", "heading_deg"]
    frame[numbers] = frame[numbers].astype(float)
    return frame.sort_values(["mmsi", "ts", "report_hash"]).reset_index(drop=True)


def stored(store: Store) -> pd.DataFrame:
    """Every stored position, to compare stores by."""
    return plain(store.positions())


def test_a_day_goes_to_geoparquet_and_leaves_the_store(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    before = stored(store)
    on_the_26th = before[before["ts"] < pd.Timestamp("2026-11-27", tz="UTC")]
    ran = coastwatch("db", "archive", "--before", "2026-11-27", "--out", str(tmp_path))
    assert ran.code == 0, ran.stderr
    assert f"archived 1 day, {len(on_the_26th):,} rows" in ran.stderr
    assert partitions(store) == ["ais_positions_20261127"]
    assert len(stored(store)) == len(before) - len(on_the_26th)

    archived = gpd.read_parquet(tmp_path / DAY_FILE)
    assert archived.crs.to_epsg() == 4326
    assert archived.geometry.geom_type.unique().tolist() == ["Point"]
    assert list(archived.columns) == [
        "mmsi",
        "ts",
        "geom",
        "sog_knots",
        "cog_deg",
        "heading_deg",
        "nav_status",
        "msg_type",
        "source",
        "report_hash",
        "station",
    ]
    pd.testing.assert_frame_equal(
        plain(archived), on_the_26th.reset_index(drop=True), check_dtype=False
    )
    assert not list(tmp_path.glob(".*partial")), "no temporary file is left behind"


def test_the_archive_loads_back_the_same_rows_once(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    before = stored(store)
    assert coastwatch("db", "archive", "--before", "2026-11-28", "--out", str(tmp_path)).code == 0
    assert partitions(store) == [] and stored(store).empty
    files = sorted(str(p) for p in tmp_path.glob("*.parquet"))
    assert [Path(f).name for f in files] == [DAY_FILE, "ais_positions_2026-11-27.parquet"]

    loaded = coastwatch("ingest", "ais", *files)
    assert loaded.code == 0, loaded.stderr
    pd.testing.assert_frame_equal(stored(store), before)
    assert partitions(store) == ["ais_positions_20261126", "ais_positions_20261127"]

    again = coastwatch("ingest", "ais", *files)
    assert again.code == 0, again.stderr
    assert len(stored(store)) == len(before)


def test_an_interrupted_run_is_finished_by_the_next(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    rows = len(stored(store))
    store.detach_day(T0.date())  # where a run that died after the first step left it
    due = store.days_to_archive(T0)
    assert [(d.table, d.detached) for d in due] == [("ais_archiving_20261126", True)]
    assert "2026-11-26: detached, not yet archived" in coastwatch("db", "status").stdout
    ran = coastwatch("db", "archive", "--before", "2026-11-27", "--out", str(tmp_path))
    assert ran.code == 0, ran.stderr
    archived = pq.read_table(tmp_path / DAY_FILE)
    assert archived.num_rows + len(stored(store)) == rows
    assert store.days_to_archive(T0) == []


def test_a_dry_run_changes_nothing_and_nothing_to_do_says_so(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    dry = coastwatch("db", "archive", "--before", "2026-11-28", "--out", str(tmp_path), "--dry-run")
    assert dry.code == 0, dry.stderr
    assert "2026-11-26" in dry.stdout and "2026-11-27" in dry.stdout
    assert "would archive 2 days" in dry.stderr
    assert len(partitions(store)) == 2 and not tmp_path.joinpath(DAY_FILE).exists()

    idle = coastwatch("db", "archive", "--older-than", "3650", "--out", str(tmp_path))
    assert idle.code == 0, idle.stderr
    assert "nothing to archive" in idle.stderr


def test_without_retention_or_option_archive_says_what_to_give(
    store: Store, coastwatch: Coastwatch
) -> None:
    ran = coastwatch("db", "archive")
    assert ran.code == 2
    assert "retention_days is not set" in ran.stderr


def test_an_unwritable_directory_is_a_clear_error_and_keeps_the_day(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    ran = coastwatch("db", "archive", "--before", "2026-11-27", "--out", str(blocker / "sub"))
    assert ran.code == 2
    assert "cannot write the archive to" in ran.stderr
    assert len(partitions(store)) == 2


def test_status_lists_the_archive(
    store: Store,
    coastwatch: Coastwatch,
    two_days: pd.DataFrame,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("COASTWATCH_ARCHIVE_DIR", str(tmp_path))
    monkeypatch.setenv("COASTWATCH_RETENTION_DAYS", "30")
    status = coastwatch("db", "status").stdout
    assert "retention   30 days" in status and f"{tmp_path}: no days archived" in status
    assert coastwatch("db", "archive", "--before", "2026-11-28").code == 0
    status = coastwatch("db", "status").stdout
    assert f"{tmp_path}: 2 days (2026-11-26 .. 2026-11-27, 0.0 MB)" in status


def test_a_parquet_file_that_is_no_archive_is_refused(
    store: Store, coastwatch: Coastwatch, tmp_path: Path
) -> None:
    other = tmp_path / "trips.parquet"
    pq.write_table(pa.table({"trip": [1, 2], "fare_usd": [9.5, 12.0]}), other)
    ran = coastwatch("ingest", "ais", str(other))
    assert ran.code == 2
    assert "not a Coastwatch positions archive" in ran.stderr
    assert "mmsi" in ran.stderr
    assert stored(store).empty


def test_columns_the_table_gains_come_along(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    with store.engine.begin() as conn:  # as a later migration may add one
        conn.execute(text("ALTER TABLE ais_positions ADD COLUMN remark text"))
        conn.execute(
            text(
                "UPDATE ais_positions SET remark = :t, station = CAST(:t AS text) "
                "WHERE mmsi = 431000001"
            ),
            {"t": TRICKY_NAME[:64]},
        )
    assert coastwatch("db", "archive", "--before", "2026-11-27", "--out", str(tmp_path)).code == 0
    archived = pq.read_table(tmp_path / DAY_FILE)
    assert archived.column_names[-1] == "remark"
    heard = set(zip(archived["mmsi"].to_pylist(), archived["remark"].to_pylist(), strict=True))
    assert heard == {(431000001, TRICKY_NAME[:64]), (431000002, None)}

    loaded = coastwatch("ingest", "ais", str(tmp_path / DAY_FILE))
    assert loaded.code == 0, loaded.stderr
    assert store.table_counts()["ais_positions"] == len(two_days)
    back = store.positions()
    stations = set(zip(back["mmsi"], back["station"].where(back["station"].notna()), strict=True))
    assert (431000001, TRICKY_NAME[:64]) in stations, "the receiving station comes back"


def test_rows_of_an_archive_the_store_cannot_hold_are_quarantined(
    store: Store, coastwatch: Coastwatch, tmp_path: Path
) -> None:
    """A file from elsewhere, in the archive's shape, with one good row among bad ones."""
    import shapely

    points = shapely.points([130.0, 200.0, 130.1], [34.0, 34.0, 34.1])
    table = pa.table(
        {
            "mmsi": pa.array([431000001, 431000001, None], pa.int64()),
            "ts": pa.array([T0, T0, T0], pa.timestamp("us", tz="UTC")),
            "geom": pa.array(shapely.to_wkb(points).tolist(), pa.binary()),
        }
    )
    path = tmp_path / "elsewhere.parquet"
    pq.write_table(table, path)
    ran = coastwatch("ingest", "ais", str(path))
    assert ran.code == 0, ran.stderr
    assert "position_out_of_range" in ran.stdout and "invalid_mmsi" in ran.stdout
    counts = store.table_counts()
    assert (counts["ais_positions"], counts["quarantine"]) == (1, 2)


@pytest.mark.skipif(importlib.util.find_spec("duckdb") is None, reason="duckdb not installed")
def test_duckdb_reads_the_archive(
    store: Store, coastwatch: Coastwatch, two_days: pd.DataFrame, tmp_path: Path
) -> None:
    import duckdb

    assert coastwatch("db", "archive", "--before", "2026-11-27", "--out", str(tmp_path)).code == 0
    rows = duckdb.sql(f"SELECT count(*) FROM '{tmp_path / DAY_FILE}'").fetchone()
    assert rows is not None and rows[0] == pq.read_metadata(tmp_path / DAY_FILE).num_rows
