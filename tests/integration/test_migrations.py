"""Alembic owns the schema: up from empty, down to nothing, and the models agree with it."""

import geopandas as gpd
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from geoalchemy2 import alembic_helpers
from sqlalchemy import Engine, create_engine, inspect, text

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
    assert {"ix_ais_positions_geom", "ix_ais_positions_ts", "ais_positions_pkey"} <= indexes


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
