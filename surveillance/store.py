"""The store API: the one way into PostGIS for ingesters, rules and the dashboard.

Writes stage a batch with COPY and merge it with one ``INSERT .. ON CONFLICT`` (see
:mod:`surveillance.bulk`), so loading the same data twice stores it once. Reads take a time
window and a bounding box and return GeoDataFrames in EPSG:4326.

>>> with Store.open(load_settings()) as store:                                # doctest: +SKIP
...     store.positions(window=(since, until), bbox=(129, 33, 131, 35))
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Connection, Engine, create_engine, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError

from surveillance import schema
from surveillance.bulk import check_columns, merge_frame, stage_frame, store_errors
from surveillance.embedded import Cluster
from surveillance.errors import InputError, StoreError
from surveillance.models import Base
from surveillance.position_load import PositionLoader
from surveillance.settings import Settings

__all__ = ["Store", "database_url", "libpq_url", "Window", "BBox", "TABLES", "REFERENCE_KINDS"]

log = logging.getLogger(__name__)

Window = tuple[datetime, datetime]
BBox = tuple[float, float, float, float]

#: The tables of DESIGN.md "Store" (and the few the core adds), as ``db status`` lists them.
TABLES = tuple(sorted(Base.metadata.tables))
#: Zone kinds that reference geography loads (and replaces on reload).
REFERENCE_KINDS = ("land", "territorial_sea", "contiguous_zone", "port_area")

_IDENTITY_COLUMNS = (
    "imo", "name", "callsign", "ship_type", "length_m", "beam_m", "draught_m", "destination",
)  # fmt: skip


def libpq_url(settings: Settings) -> str:
    """The store's address as a libpq URI (``postgresql://``); starts the embedded cluster."""
    if settings.database_url is None:
        return Cluster(settings).up()
    raw = settings.database_url.get_secret_value()
    try:
        url = make_url(raw)
    except ArgumentError:
        raise StoreError(f"COASTWATCH_DATABASE_URL is not a database URL: {raw!r}") from None
    if url.get_backend_name() != "postgresql":
        raise StoreError(f"the store must be PostgreSQL with PostGIS, not {url.drivername}")
    return "postgresql://" + raw.split("://", 1)[1]  # as given, less a +driver suffix


def database_url(settings: Settings) -> str:
    """The SQLAlchemy URL of the store (psycopg 3 driver)."""
    return "postgresql+psycopg://" + libpq_url(settings).split("://", 1)[1]


def _utc_times(values: pd.Series, what: str) -> pd.Series:
    times = pd.to_datetime(values, utc=True, errors="coerce")
    if times.isna().any():
        raise InputError(f"{int(times.isna().sum())} {what} have no valid time")
    return times


def _identity_changes(data: pd.DataFrame) -> pd.DataFrame:
    """Per vessel, in time order: fill fields a message lacks from the one before, and
    keep only the rows where something changed."""
    ordered = data.sort_values(["mmsi", "valid_from"], kind="stable").reset_index(drop=True)
    fields = list(_IDENTITY_COLUMNS)
    ordered[fields] = ordered.groupby("mmsi")[fields].ffill()
    previous = ordered.groupby("mmsi")[fields].shift()
    same_vessel = ordered["mmsi"].eq(ordered["mmsi"].shift())
    unchanged = same_vessel & (
        ordered[fields].eq(previous) | (ordered[fields].isna() & previous.isna())
    ).all(axis=1)
    return ordered[~unchanged]


def _hex_ewkb(geometries: Any) -> np.ndarray:
    geoms = shapely.set_srid(np.asarray(geometries, dtype=object), 4326)
    return shapely.to_wkb(geoms, hex=True, include_srid=True)


class Store:
    """Typed reads and batched, idempotent writes over the Coastwatch schema."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @classmethod
    def open(cls, settings: Settings, *, migrate: bool = True) -> Store:
        """Connect (bringing the embedded cluster up if needed), migrating to the head."""
        engine = create_engine(database_url(settings), pool_pre_ping=True)
        try:
            with engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            if migrate:
                schema.upgrade(engine)
        except DBAPIError as exc:
            engine.dispose()
            raise StoreError(
                f"cannot reach the store: {str(exc.orig).strip()}",
                hint="check COASTWATCH_DATABASE_URL (server, credentials, PostGIS installed), "
                "or unset it to use the embedded store",
            ) from None
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    # -- writing -----------------------------------------------------------------------

    @staticmethod
    def _require(frame: pd.DataFrame, columns: Sequence[str], what: str) -> None:
        missing = [c for c in columns if c not in frame.columns]
        if missing:
            raise InputError(f"{what} frame lacks columns: {', '.join(missing)}")

    def write_positions(self, frame: pd.DataFrame) -> int:
        """Store position reports (``mmsi, ts, lon, lat`` and optional report fields, a
        ``source`` among them) at once; the ingesters use :meth:`position_loader`.

        Returns the number of new rows; reports already stored are skipped.
        """
        self._require(frame, ("mmsi", "ts", "lon", "lat"), "positions")
        if frame.empty:
            return 0
        data = frame.copy()
        times = _utc_times(data["ts"], "positions")
        data["ts"] = (times - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
        bad = ~(data["lon"].between(-180, 180) & data["lat"].between(-90, 90))
        if bad.any():
            raise InputError(
                f"{int(bad.sum())} positions have no valid coordinates (NaN or out of range); "
                "validate and quarantine them before writing"
            )
        for column in ("sog_knots", "cog_deg", "heading_deg", "nav_status", "msg_type"):
            given = data[column] if column in data.columns else pd.Series(np.nan, data.index)
            data[column] = pd.to_numeric(given, errors="coerce")
        if "source" not in data.columns:
            data["source"] = ""
        sources = data["source"].fillna("")
        stored = 0
        for source, part in data.groupby(sources, sort=False):
            loader = self.position_loader(str(source), bulk=False)
            loader.add(part)
            stored += loader.finish().new_rows
        return stored

    def write_identities(self, frame: pd.DataFrame) -> int:
        """Store broadcast identities (``mmsi, ts`` and identity fields, ``flag`` optional).

        Only changes are kept in ``vessel_identities`` (a vessel repeating its static data
        every few minutes adds nothing); fields a message does not carry (type 24 sends
        name and dimensions apart) are taken from the vessel's identity before it.
        ``vessels`` holds the latest identity per MMSI. Returns the history rows added.
        """
        self._require(frame, ("mmsi", "ts"), "identities")
        if frame.empty:
            return 0
        data = frame.rename(columns={"ts": "valid_from"}).copy()
        data["valid_from"] = _utc_times(data["valid_from"], "identities")
        for column in (*_IDENTITY_COLUMNS, "flag"):
            if column not in data.columns:
                data[column] = None
        data = _identity_changes(data)
        cols = ("mmsi", "valid_from", *_IDENTITY_COLUMNS)
        fill = ", ".join(f"{c} = COALESCE(s.{c}, v.{c})" for c in _IDENTITY_COLUMNS)
        same = " AND ".join(f"v.{c} IS NOT DISTINCT FROM s.{c}" for c in _IDENTITY_COLUMNS)
        latest_cols = ", ".join((*cols[:1], *cols[2:], "flag"))
        with self.engine.begin() as conn, store_errors("vessel_identities"):
            history = stage_frame(conn, "vessel_identities", data, cols)
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN first boolean"))
            conn.execute(text(f"ALTER TABLE {history} ADD COLUMN flag varchar(2)"))
            conn.execute(
                text(
                    f"UPDATE {history} h SET first = (h.valid_from = m.first_at) FROM "
                    f"(SELECT mmsi, min(valid_from) AS first_at FROM {history} GROUP BY mmsi) m "
                    "WHERE m.mmsi = h.mmsi"
                )
            )
            conn.execute(
                text(f"UPDATE {history} s SET {fill} FROM vessels v WHERE v.mmsi = s.mmsi")
            )
            flags = data.dropna(subset=["flag"]).drop_duplicates("mmsi", keep="last")
            conn.execute(
                text(
                    f"UPDATE {history} h SET flag = f.flag FROM "
                    "unnest(CAST(:m AS bigint[]), CAST(:f AS text[])) AS f(mmsi, flag) "
                    "WHERE h.mmsi = f.mmsi"
                ),
                {"m": [int(m) for m in flags["mmsi"]], "f": list(flags["flag"])},
            )
            added = conn.execute(
                text(
                    f"INSERT INTO vessel_identities ({', '.join(cols)}) "
                    f"SELECT {', '.join(cols)} FROM {history} s WHERE NOT (s.first AND EXISTS "
                    f"(SELECT 1 FROM vessels v WHERE v.mmsi = s.mmsi AND {same})) "
                    "ON CONFLICT (mmsi, valid_from) DO NOTHING"
                )
            ).rowcount
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in (*_IDENTITY_COLUMNS, "flag"))
            conn.execute(
                text(
                    f"INSERT INTO vessels ({latest_cols}, updated_at) "
                    f"SELECT DISTINCT ON (mmsi) {latest_cols}, valid_from FROM {history} "
                    f"ORDER BY mmsi, valid_from DESC ON CONFLICT (mmsi) DO UPDATE SET {sets}, "
                    "updated_at = EXCLUDED.updated_at "
                    "WHERE vessels.updated_at <= EXCLUDED.updated_at"
                )
            )
            conn.execute(text(f"DROP TABLE {history}"))
        return added

    def position_loader(self, source: str, *, bulk: bool = True) -> PositionLoader:
        """A loader for the positions of one ingest run (see :mod:`position_load`)."""
        return PositionLoader(self.engine, source, bulk=bulk)

    def write_geometries(
        self,
        table: str,
        frame: gpd.GeoDataFrame,
        key: Sequence[str],
        update: Sequence[str] = (),
        geometry_column: str = "geom",
    ) -> int:
        """Store a GeoDataFrame in one of the store's tables, merging on ``key``.

        The frame's active geometry fills ``geometry_column`` (``footprint`` for scenes,
        ``area`` or ``route`` for missions); geometries in another CRS are reprojected to
        EPSG:4326. Columns the table does not have are ignored.
        """
        with self.engine.begin() as conn:
            return self._merge_geometries(conn, table, frame, key, update, geometry_column)

    def _merge_geometries(
        self,
        conn: Connection,
        table: str,
        frame: gpd.GeoDataFrame,
        key: Sequence[str],
        update: Sequence[str] = (),
        geometry_column: str = "geom",
    ) -> int:
        if table not in Base.metadata.tables or table == "ais_positions":
            raise InputError(f"not a geometry table of the store: {table}")
        check_columns(table, [geometry_column])
        if frame.crs is None:
            raise InputError(f"{table}: the frame has no CRS; set EPSG:4326 or its own")
        if frame.crs.to_epsg() != 4326:
            frame = frame.to_crs(4326)
        data = pd.DataFrame(frame.drop(columns=frame.geometry.name))
        data[geometry_column] = _hex_ewkb(frame.geometry.to_numpy())
        known = Base.metadata.tables[table].columns.keys()
        columns = [c for c in data.columns if c in known]
        return merge_frame(conn, table, data, columns, key, update)

    def replace_reference(
        self,
        dataset: str,
        fingerprint: str,
        aoi: str,
        zones: gpd.GeoDataFrame,
        ports: gpd.GeoDataFrame,
        summary: dict[str, Any],
    ) -> None:
        """Swap in the reference geography of ``aoi`` in one transaction: its zones of the
        reference kinds, the ports (added or updated), and the dataset's fingerprint."""
        with self.engine.begin() as conn:
            conn.execute(
                text("DELETE FROM zones WHERE aoi = :aoi AND kind = ANY(:kinds)"),
                {"aoi": aoi, "kinds": list(REFERENCE_KINDS)},
            )
            self._merge_geometries(conn, "zones", zones.assign(aoi=aoi), ("aoi", "kind", "name"))
            self._merge_geometries(
                conn, "ports", ports, ("locode",), update=("name", "country", "geom")
            )
            conn.execute(
                text(
                    "INSERT INTO reference_datasets (name, fingerprint, loaded_at, summary) "
                    "VALUES (:name, :fp, now(), :summary) ON CONFLICT (name) DO UPDATE SET "
                    "fingerprint = EXCLUDED.fingerprint, loaded_at = now(), "
                    "summary = EXCLUDED.summary"
                ),
                {"name": dataset, "fp": fingerprint, "summary": json.dumps(summary)},
            )

    def reference_fingerprint(self, dataset: str) -> str | None:
        """The fingerprint of the reference data loaded as ``dataset``, if any."""
        with self.engine.connect() as conn:
            return conn.execute(
                text("SELECT fingerprint FROM reference_datasets WHERE name = :n"), {"n": dataset}
            ).scalar_one_or_none()

    def quarantine(self, frame: pd.DataFrame) -> int:
        """Keep rejected records (``source, reason, raw, received_at``, ``detail``) with why."""
        self._require(frame, ("source", "reason", "raw", "received_at"), "quarantine")
        data = frame.copy()
        data["raw"] = data["raw"].map(str)
        data["raw_sha256"] = [hashlib.sha256(r.encode()).hexdigest() for r in data["raw"]]
        if "detail" not in data.columns:
            data["detail"] = None
        columns = ("source", "reason", "raw", "raw_sha256", "received_at", "detail")
        with self.engine.begin() as conn:
            return merge_frame(
                conn, "quarantine", data, columns, ("source", "reason", "raw_sha256")
            )

    # -- reading -----------------------------------------------------------------------

    def _read(
        self,
        table: str,
        *,
        time_column: str | None = None,
        window: Window | None = None,
        bbox: BBox | None = None,
        where: str = "",
        params: dict[str, Any] | None = None,
        columns: str = "*",
        order: str = "",
    ) -> gpd.GeoDataFrame:
        clauses, bind = ([where] if where else []), dict(params or {})
        if window is not None:
            if time_column is None:
                raise InputError(f"{table} has no time to filter on")
            since, until = window
            if since.tzinfo is None or until.tzinfo is None:
                raise InputError("time windows must be timezone-aware (UTC)")
            clauses.append(f"{time_column} >= :since AND {time_column} < :until")
            bind.update(since=since, until=until)
        if bbox is not None:
            clauses.append("geom && ST_MakeEnvelope(:west, :south, :east, :north, 4326)")
            bind.update(zip(("west", "south", "east", "north"), bbox, strict=True))
        sql = f"SELECT {columns} FROM {table}"
        if clauses:
            sql += " WHERE " + " AND ".join(f"({c})" for c in clauses)
        if order:
            sql += f" ORDER BY {order}"
        with self.engine.connect() as conn:
            frame = gpd.read_postgis(text(sql), conn, geom_col="geom", params=bind)
        return frame.set_crs(4326, allow_override=True)

    def positions(
        self, window: Window | None = None, bbox: BBox | None = None, mmsi: Sequence[int] = ()
    ) -> gpd.GeoDataFrame:
        """Position reports in the window and box, ordered by vessel and time."""
        where = "mmsi = ANY(:mmsi)" if mmsi else ""
        return self._read(
            "ais_positions",
            time_column="ts",
            window=window,
            bbox=bbox,
            where=where,
            params={"mmsi": list(mmsi)},
            order="mmsi, ts",
        )

    def vessels(self, mmsi: Sequence[int] = ()) -> pd.DataFrame:
        """Latest identity per vessel (all vessels when ``mmsi`` is empty)."""
        sql = "SELECT * FROM vessels" + (" WHERE mmsi = ANY(:mmsi)" if mmsi else "")
        with self.engine.connect() as conn:
            return pd.read_sql(text(sql + " ORDER BY mmsi"), conn, params={"mmsi": list(mmsi)})

    def identity_history(self, mmsi: int) -> pd.DataFrame:
        """Every identity a vessel has sent, oldest first."""
        with self.engine.connect() as conn:
            return pd.read_sql(
                text("SELECT * FROM vessel_identities WHERE mmsi = :m ORDER BY valid_from"),
                conn,
                params={"m": mmsi},
            )

    def detections(
        self, window: Window | None = None, bbox: BBox | None = None
    ) -> gpd.GeoDataFrame:
        return self._read("detections", time_column="ts", window=window, bbox=bbox, order="ts")

    def leads(self, window: Window | None = None, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        """Leads published in the window (those placed on the map when a box is given)."""
        return self._read(
            "leads", time_column="published_at", window=window, bbox=bbox, order="published_at"
        )

    def telemetry(self, window: Window | None = None, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        return self._read("drone_telemetry", time_column="ts", window=window, bbox=bbox, order="ts")

    def zones(
        self, kinds: Sequence[str] = (), bbox: BBox | None = None, aoi: str | None = None
    ) -> gpd.GeoDataFrame:
        clauses = []
        if kinds:
            clauses.append("kind = ANY(:kinds)")
        if aoi is not None:
            clauses.append("aoi = :aoi")
        return self._read(
            "zones",
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"kinds": list(kinds), "aoi": aoi},
            order="kind, name",
        )

    def ports(self, bbox: BBox | None = None) -> gpd.GeoDataFrame:
        return self._read("ports", bbox=bbox, order="locode")

    def alerts(
        self,
        window: Window | None = None,
        bbox: BBox | None = None,
        types: Sequence[str] = (),
        statuses: Sequence[str] = (),
    ) -> gpd.GeoDataFrame:
        """Alerts starting in the window, highest score first."""
        clauses = []
        if types:
            clauses.append("type = ANY(:types)")
        if statuses:
            clauses.append("status = ANY(:statuses)")
        return self._read(
            "alerts",
            time_column="start",
            window=window,
            bbox=bbox,
            where=" AND ".join(clauses),
            params={"types": list(types), "statuses": list(statuses)},
            order="score DESC, start",
        )

    # -- housekeeping ------------------------------------------------------------------

    def revision(self) -> tuple[str | None, str]:
        """The schema revision of the store, and the one this code expects."""
        return schema.current_revision(self.engine), schema.head_revision()

    def table_counts(self) -> dict[str, int]:
        """Exact row count of every Coastwatch table."""
        with self.engine.connect() as conn:
            present = set(
                conn.execute(
                    text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
                ).scalars()
            )
            return {
                table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
                for table in TABLES
                if table in present
            }

    def server_versions(self) -> dict[str, str]:
        with self.engine.connect() as conn:
            return {
                "postgresql": conn.execute(text("SHOW server_version")).scalar_one(),
                "postgis": conn.execute(text("SELECT postgis_lib_version()")).scalar_one(),
            }
