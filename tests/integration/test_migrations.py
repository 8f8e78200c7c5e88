"""Alembic owns the schema: up from empty, down to nothing, and the models agree with it."""

from datetime import date, timedelta

import geopandas as gpd
import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.config import Config
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import Connection, Engine, create_engine, inspect, text

from surveillance import schema
from surveillance.errors import InputError
from surveillance.models import Base
from surveillance.store import Store

EXPECTED = {
    "vessels",
    "vessel_identities",
    "ais_positions",
    "scenes",
    "detections",
    "drone_telemetry",
    "missions",
    "leads",
    "ports",
    "zones",
    "alerts",
    "alert_events",
    "users",
    "quarantine",
    "reference_datasets",
    "watchlist",
    "exports",
}


def test_upgrade_from_empty_then_downgrade_to_base(database_url: str) -> None:
    engine = create_engine(database_url)
    assert schema.current_revision(engine) is None
    schema.upgrade(engine)
    assert schema.current_revision(engine) == schema.head_revision()
    assert EXPECTED <= set(inspect(engine).get_table_names())
    schema.downgrade_base(engine)
    assert schema.current_revision(engine) is None
    left = set(inspect(engine).get_table_names()) - {"spatial_ref_sys", "alembic_version"}
    assert left == set()
    schema.upgrade(engine)  # and up again after a full downgrade
    assert EXPECTED <= set(inspect(engine).get_table_names())
    engine.dispose()


def test_models_match_the_migrated_schema(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(
            conn, opts={"include_object": alembic_helpers.include_object}
        )
        assert compare_metadata(context, Base.metadata) == []


def test_positions_are_partitioned_by_time(store: Store) -> None:
    with store.engine.connect() as conn:
        strategy = conn.execute(
            text(
                "SELECT partstrat FROM pg_partitioned_table "
                "WHERE partrelid = 'ais_positions'::regclass"
            )
        ).scalar_one()
        indexes = set(
            conn.execute(
                text("SELECT indexname FROM pg_indexes WHERE tablename = 'ais_positions'")
            ).scalars()
        )
    assert strategy == "r"
    assert {"ix_ais_positions_geom", "ix_ais_positions_ts"} <= indexes


def test_each_day_holds_the_key_of_its_positions(store: Store) -> None:
    """The key is a day's, not the table's (0013): a day may then be a foreign table."""
    with store.engine.begin() as conn:
        schema.lock_partitions(conn)
        day = schema.create_position_partition(conn, date(2026, 11, 26))
        keyed = {
            table: key["constrained_columns"]
            for table in ("ais_positions", day)
            if (key := inspect(conn).get_pk_constraint(table))["name"]
        }
    assert keyed == {day: ["mmsi", "ts", "report_hash"]}


def _alert_checks(engine: Engine) -> set[str | None]:
    return {c["name"] for c in inspect(engine).get_check_constraints("alerts")}


def test_a_new_rule_needs_no_migration(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine, "0004")
    assert "ck_alerts_type" in _alert_checks(engine)
    schema.upgrade(engine)
    assert "ck_alerts_type" not in _alert_checks(engine)
    assert {"ck_alerts_status", "ck_alerts_score"} <= _alert_checks(engine)
    engine.dispose()


def test_the_store_writes_alerts_of_registered_rules_only(store: Store) -> None:
    with pytest.raises(InputError, match="not an alert type: no_such_rule"):
        store.write_alerts(gpd.GeoDataFrame({"type": ["loitering", "no_such_rule"]}))


def _downgrade(engine: Engine, revision: str) -> None:
    config = Config()
    config.set_main_option("script_location", "surveillance:migrations")
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, revision)


def _key_columns(engine: Engine, table: str) -> list[str]:
    key = inspect(engine).get_pk_constraint(table)["constrained_columns"]
    return list(key)


def _insert_position(engine: Engine, sog_knots: float | None, **key: int) -> None:
    """A report of one vessel at T0 (with ``report_hash=...`` once 0006 is in)."""
    columns = "".join(f", {k}" for k in key)
    with engine.begin() as conn:
        conn.execute(
            text(
                f"INSERT INTO ais_positions (mmsi, ts, geom, sog_knots{columns}) VALUES "
                "(431000001, '2026-11-26 22:00+00', ST_SetSRID(ST_MakePoint(130, 34), 4326), "
                f":sog{''.join(f', :{k}' for k in key)})"
            ),
            {"sog": sog_knots, **key},
        )


def _day_as_of_old(conn: Connection, day: date) -> str:
    """A day partition as the code before 0013 made it: keyed by the table's key."""
    name = schema.position_partition_name(day)
    conn.execute(
        text(
            f"CREATE TABLE {name} PARTITION OF ais_positions FOR VALUES FROM "
            f"('{day} 00:00+00') TO ('{day + timedelta(days=1)} 00:00+00')"
        )
    )
    return name


def test_0013_moves_the_key_to_each_day_and_back(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine, "0012")
    with engine.begin() as conn:
        made = _day_as_of_old(conn, date(2026, 11, 26))
    _insert_position(engine, 8.5, report_hash=7)
    schema.upgrade(engine)
    key = ["mmsi", "ts", "report_hash"]
    assert [_key_columns(engine, t) for t in ("ais_positions", made)] == [[], key]
    _downgrade(engine, "0012")
    assert [_key_columns(engine, t) for t in ("ais_positions", made)] == [key, key]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM ais_positions")).scalar_one() == 1
    engine.dispose()


def test_0006_keys_a_populated_store_by_report_and_back(database_url: str) -> None:
    engine = create_engine(database_url)
    schema.upgrade(engine, "0005")
    with engine.begin() as conn:
        made = _day_as_of_old(conn, date(2026, 11, 26))
        # a day as the bulk loader of 0005 built it: its own key index, then attached
        conn.execute(text("CREATE TABLE built (LIKE ais_positions INCLUDING DEFAULTS)"))
        conn.execute(
            text(
                "INSERT INTO built (mmsi, ts, geom) VALUES (431000001, '2026-11-27 03:00+00', "
                "ST_SetSRID(ST_MakePoint(130, 34), 4326))"
            )
        )
        conn.execute(text("CREATE UNIQUE INDEX built_pkey ON built (mmsi, ts)"))
        conn.execute(text("ALTER TABLE built ADD PRIMARY KEY USING INDEX built_pkey"))
        conn.execute(
            text(
                "ALTER TABLE ais_positions ATTACH PARTITION built "
                "FOR VALUES FROM ('2026-11-27 00:00+00') TO ('2026-11-28 00:00+00')"
            )
        )
    _insert_position(engine, 8.5)
    schema.upgrade(engine, "0006")
    key = ["mmsi", "ts", "report_hash"]
    assert [_key_columns(engine, t) for t in ("ais_positions", made, "built")] == [key] * 3
    with engine.connect() as conn:
        hashes = conn.execute(text("SELECT report_hash FROM ais_positions")).scalars().all()
    assert len(hashes) == 2 and None not in hashes
    lowest = min(hashes) - 1
    _insert_position(engine, None, report_hash=lowest)  # another report in that second: kept
    _downgrade(engine, "0005")
    key = ["mmsi", "ts"]
    assert [_key_columns(engine, t) for t in ("ais_positions", made, "built")] == [key] * 3
    with engine.connect() as conn:
        kept = conn.execute(text("SELECT count(*), min(sog_knots) FROM ais_positions")).one()
    assert tuple(kept) == (2, None)  # one row per (mmsi, ts); of the pair, the smaller hash
    engine.dispose()
